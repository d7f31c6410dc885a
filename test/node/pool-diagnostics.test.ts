// FocalLossAccumulator.updateOn: an update's rows on a pool's workers, combined exactly, give
// what update() gives on this thread (the reference: the one-thread path, itself tested against
// the definitions in test/diagnostics.test.ts). Uses the build, as the pool's workers load it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBinaryFocalLossAccumulator, createFocalLossAccumulator, createFocalLossPool, type FocalLossPool,
} from '../../dist/index.js';
import { expectSame } from '../same-summary.js';

let pool: FocalLossPool;
beforeAll(async () => {
  pool = createFocalLossPool({ workers: 2 });
  expect((await pool.ready()).workers).toBe(2);
});
afterAll(() => pool.close());

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function batch(n: number, C: number, seed: number, shared: boolean) {
  const rand = random(seed);
  const labels = new Int32Array(shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  const logits = new Float32Array(shared ? new SharedArrayBuffer(4 * n * C) : new ArrayBuffer(4 * n * C));
  for (let i = 0; i < n; i++) {
    labels[i] = Math.min(C - 1, Math.floor(-Math.log(rand()) / 0.7));
    for (let c = 0; c < C; c++) logits[i * C + c] = (rand() - 0.5) * 6 + (c === labels[i] ? 1.5 : 0);
  }
  return { labels, logits, weights: Array.from({ length: n }, () => 0.5 + rand()) };
}

describe('updateOn(pool, …)', () => {
  for (const shared of [false, true]) {
    it(`${shared ? 'shared' : 'copied'} inputs: the same summary and diagnostics as update(), rows numbered from the accumulator's`, async () => {
      const n = 60_000;
      const C = 7;
      const { labels, logits, weights } = batch(n, C, shared ? 3 : 4, shared);
      const options = { fromLogits: true, alpha: [1, 1, 2, 2, 3, 3, 4], diagnostics: { hardest: 12, bins: 12 }, firstRow: 500 };
      const here = createFocalLossAccumulator(options).update(labels.subarray(0, 100), logits.subarray(0, 700), weights.slice(0, 100))
        .update(labels.subarray(100), logits.subarray(700), weights.slice(100));
      const there = createFocalLossAccumulator(options).update(labels.subarray(0, 100), logits.subarray(0, 700), weights.slice(0, 100));
      expect(await there.updateOn(pool, labels.subarray(100), logits.subarray(700), weights.slice(100))).toBe(there);
      expectSame(there.summary(), here.summary());
      expect(there.summary().hardest!.every((h) => h.row >= 500 && h.row < 500 + n)).toBe(true);
      // The state goes on from there: the next update's rows follow.
      expectSame(there.update([0], [[1, 0, 0, 0, 0, 0, 0]]).summary(), here.update([0], [[1, 0, 0, 0, 0, 0, 0]]).summary());
    });
  }

  it('binary, per label column', async () => {
    const rand = random(9);
    const targets = Array.from({ length: 20_000 }, () => [rand() < 0.2 ? 1 : 0, rand() < 0.6 ? 1 : 0, rand()]);
    const preds = targets.map((r) => r.map((y) => (rand() - 0.5) * 6 + (y - 0.5) * 2));
    const options = { fromLogits: true, diagnostics: true };
    const there = await createBinaryFocalLossAccumulator(options).updateOn(pool, targets, preds);
    expectSame(there.summary(), createBinaryFocalLossAccumulator(options).update(targets, preds).summary());
  });

  it('an error names the batch\'s own entry and leaves the accumulator as it was; no update meanwhile', async () => {
    const { labels, logits } = batch(30_000, 3, 5, false);
    const probabilities = Float64Array.from(logits, (v) => 1 / (1 + Math.exp(-v)));
    const acc = createFocalLossAccumulator({ diagnostics: true }).update([0], [[0.5, 0.3, 0.2]]);
    const before = JSON.stringify(acc.state());
    // Row 20001's probabilities do not sum to anything in particular; one of them is 1.5.
    probabilities[20_001 * 3 + ((labels[20_001] + 1) % 3)] = 1.5;
    await expect(acc.updateOn(pool, labels, probabilities)).rejects.toThrow(new RegExp(`yPred\\[${20_001 * 3 + ((labels[20_001] + 1) % 3)}\\] \\(sample 20001, class \\d\\) = 1.5 is not a probability`));
    expect(JSON.stringify(acc.state())).toBe(before);
    const running = acc.updateOn(pool, [0, 1], [[0.5, 0.3, 0.2], [0.1, 0.8, 0.1]]);
    expect(() => acc.update([0], [[0.5, 0.3, 0.2]])).toThrow(/an updateOn\(\) of this accumulator is still running: await it first/);
    expect(() => acc.merge(createFocalLossAccumulator({ diagnostics: true }))).toThrow(/still running/);
    await running;
    expect(acc.summary().diagnosed!.count).toBe(3);
    await expect(acc.updateOn({} as never, [0], [[1, 0, 0]])).rejects.toThrow(/pool must be a pool made by createFocalLossPool\(\)/);
  });
});
