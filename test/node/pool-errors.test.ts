// A pool's errors on bad input: the same TypeError or RangeError, with the same message (the
// row numbers of the whole batch), as the one-shot call's; the pool works normally after them.
// Uses the build (dist/), whose worker script the pool's workers load.
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, focalLoss, type FocalLossPool } from '../../dist/index.js';
import { C, d, expectSame, expectSameError, N, rowsOf, shared, usePools } from './pool-helpers.js';

const pools = usePools();

describe('bad input: the same TypeError / RangeError, with the batch\'s row numbers', () => {
  const big = {
    focalLoss: (...args: unknown[]) => (pools[3].focalLoss as (...a: unknown[]) => Promise<unknown>)(...args),
    binaryFocalLoss: (...args: unknown[]) => (pools[3].binaryFocalLoss as (...a: unknown[]) => Promise<unknown>)(...args),
  };
  const bad = (index: number, value: unknown) => {
    const labels: unknown[] = d.labels.slice();
    labels[index] = value;
    return labels;
  };

  it('a bad label in the last worker\'s slice (number[], Int32Array, SAB Int32Array)', async () => {
    const labels = bad(N - 3, 10);
    for (const yTrue of [labels, Int32Array.from(labels as number[]), shared(Int32Array.from(labels as number[]))]) {
      for (const p of pools) await expectSameError(p.focalLoss(yTrue as never, d.probabilities), () => focalLoss(yTrue as never, d.probabilities), 'label');
      const error = await big.focalLoss(yTrue as never, d.probabilities).catch((e: Error) => e);
      expect((error as Error).message).toMatch(new RegExp(`yTrue\\[${N - 3}\\] = 10 is not a class index`));
    }
  });

  it('values the kernel rejects (probability, logit) and the JS checks reject (type, ragged row, weight)', async () => {
    const probabilities = Float64Array.from(d.probabilities);
    probabilities[(N - 100) * C + d.labels[N - 100]] = 1.5;
    const logits = Float32Array.from(d.logits);
    logits[(15_000) * C + 4] = NaN;
    const nested = rowsOf(d.probabilities, N, C) as unknown[][];
    nested[13_000] = nested[13_000].slice(0, 9);
    const typed = rowsOf(d.probabilities, N, C) as unknown[][];
    typed[19_999][d.labels[19_999]] = '0.5';
    const weights: unknown[] = d.weights.slice();
    weights[18_000] = -1;
    const calls: Array<[string, (pool: FocalLossPool | null) => unknown]> = [
      ['probability > 1 (Float64Array)', (p) => (p ? p.focalLoss(d.labels, probabilities) : focalLoss(d.labels, probabilities))],
      ['probability > 1 (SAB)', (p) => {
        const sab = shared(probabilities);
        return p ? p.focalLoss(d.labels, sab) : focalLoss(d.labels, sab);
      }],
      ['NaN logit', (p) => (p ? p.focalLoss(d.labels, logits, { fromLogits: true }) : focalLoss(d.labels, logits, { fromLogits: true }))],
      ['ragged row', (p) => (p ? p.focalLoss(d.labels, nested as never) : focalLoss(d.labels, nested as never))],
      ['a string probability', (p) => (p ? p.focalLoss(d.labels, typed as never) : focalLoss(d.labels, typed as never))],
      ['a negative weight', (p) => (p ? p.focalLoss(d.labels, d.probabilities, { sampleWeight: weights as never }) : focalLoss(d.labels, d.probabilities, { sampleWeight: weights as never }))],
      ['checkRows', (p) => {
        const o = { checkRows: true, fromLogits: true };
        return p ? p.focalLoss(d.labels, d.probabilities, o) : focalLoss(d.labels, d.probabilities, o);
      }],
      ['binary target out of range', (p) => {
        const t = Float64Array.from({ length: N }, (_, i) => (i === N - 1 ? 2 : 0));
        return p ? p.binaryFocalLoss(t, d.probabilities.subarray(0, N)) : binaryFocalLoss(t, d.probabilities.subarray(0, N));
      }],
    ];
    for (const [name, call] of calls) {
      for (const [k, p] of pools.entries()) await expectSameError(call(p) as Promise<unknown>, () => call(null), `${name}, ${k + 1} workers`);
    }
  });

  it('two bad rows in different slices: the first one, as the one-shot call reports it', async () => {
    const labels = bad(17_000, -1);
    labels[5_000] = 2.5;
    const probabilities = Float64Array.from(d.probabilities);
    probabilities[4_100 * C + d.labels[4_100]] = NaN; // same chunk as label 5,000, and before it
    for (const yTrue of [labels, Int32Array.from(labels as number[])]) {
      for (const p of pools) await expectSameError(p.focalLoss(yTrue as never, probabilities), () => focalLoss(yTrue as never, probabilities), 'two errors');
    }
  });

  it('bad options and shapes, checked before any worker is asked', async () => {
    const calls: Array<(f: typeof focalLoss) => unknown> = [
      (f) => f(d.labels, d.probabilities, { gama: 2 } as never),
      (f) => f(d.labels, d.probabilities, { gamma: -1 }),
      (f) => f(d.labels, d.probabilities, { alpha: [1, 2] }),
      (f) => f(d.labels, d.probabilities, { reduction: 'sum', normalizer: 2 }),
      (f) => f(d.labels, d.probabilities, { sampleWeight: [1, 2, 3] }),
      (f) => f(d.targets, d.probabilities, { ignoreIndex: 0 }),
      (f) => f([], []),
      (f) => f(d.labels, new Float64Array(N * C + 1)),
      (f) => f(null as never, d.probabilities),
      (f) => f(d.labels, d.probabilities, 'mean' as never),
    ];
    for (const call of calls) {
      await expectSameError(call(big.focalLoss as never) as Promise<unknown>, () => call(focalLoss), String(call));
    }
    await expectSameError(big.binaryFocalLoss([0, 1], [0.5], {}), () => binaryFocalLoss([0, 1], [0.5], {}));
  });

  it('works normally after errors', async () => {
    expectSame(await big.focalLoss(d.labels, d.probabilities), focalLoss(d.labels, d.probabilities), 'after errors');
  });
});
