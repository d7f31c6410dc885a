// The pool's gradients: pool.focalLossGrad, pool.binaryFocalLossGrad and pool.asymmetricLossGrad against the one-shot
// calls, for every reduction, gradOut included. Each row's gradient depends on that row alone
// and the reduction's scale, so the pool's must equal the one-shot call's; the loss is a sum
// merged in another order (within 1e-12). Uses the build (dist/), whose worker script it loads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asymmetricLossGrad, binaryFocalLossGrad, createFocalLossPool, focalLossGrad, type FocalLossPool } from '../../dist/index.js';
import { random } from '../random.js';

function shared<T extends Float64Array | Float32Array | Int32Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

// Big enough for several parts of copied input (about 2 MiB of yPred each) and of shared input.
const N = 60_000;
const C = 10;
const rand = random(11);
const clean = Int32Array.from({ length: N }, () => Math.floor(rand() * C));
// Some labels ignored: 'mean' then divides by the counted samples, known only at the end.
const labels = clean.map((t, i) => (i % 97 === 5 ? -100 : t));
const logits = Float32Array.from({ length: N * C }, () => (rand() - 0.5) * 12);
const probabilities = new Float64Array(N * C);
for (let i = 0; i < N; i++) {
  let total = 0;
  for (let c = 0; c < C; c++) total += probabilities[i * C + c] = rand() + 1e-3;
  for (let c = 0; c < C; c++) probabilities[i * C + c] /= total;
}
const weights = Float64Array.from({ length: N }, (_, i) => (i % 13 === 0 ? 0 : rand() * 4));
const targets = Float64Array.from({ length: N * 3 }, () => (rand() < 0.3 ? 1 : 0));
const binaryLogits = Float64Array.from({ length: N * 3 }, () => (rand() - 0.5) * 10);

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

let pool: FocalLossPool;
beforeAll(async () => {
  pool = createFocalLossPool({ workers: 2 });
  expect((await pool.ready()).threads).toBe('worker_threads');
});
afterAll(() => pool.close());

const reductions: Array<Record<string, unknown>> = [
  { reduction: 'mean' },
  { reduction: 'mean', ignoreIndex: -100 },
  { reduction: 'mean', normalizer: 1234.5 },
  { reduction: 'sum', ignoreIndex: -100 },
  { reduction: 'weightedMean', sampleWeight: weights, ignoreIndex: -100 },
  { reduction: 'none', ignoreIndex: -100, sampleWeight: weights },
];

describe('pool gradients equal the one-shot call', () => {
  expect.hasAssertions();
  for (const options of reductions) {
    for (const inputs of ['copied', 'shared'] as const) {
      for (const out of ['fresh', 'f64 gradOut', 'f32 gradOut'] as const) {
        const name = `focalLossGrad ${JSON.stringify({ ...options, sampleWeight: options.sampleWeight ? '…' : undefined })}, ${inputs} inputs, ${out}`;
        it(name, async () => {
          const given = options.ignoreIndex === undefined ? clean : labels;
          const y = inputs === 'shared' ? shared(given) : given;
          const x = inputs === 'shared' ? shared(logits) : logits;
          const gradOut = out === 'fresh' ? undefined : out === 'f64 gradOut' ? new Float64Array(N * C) : new Float32Array(N * C);
          const base = { ...options, fromLogits: true, gamma: 1.5, alpha: Array.from({ length: C }, (_, c) => 0.5 + c / 10) };
          const mine = await pool.focalLossGrad(y, x, { ...base, gradOut } as never);
          const want = focalLossGrad(given, logits, { ...base, gradOut: gradOut && new (gradOut.constructor as Float64ArrayConstructor)(N * C) } as never);
          if (gradOut !== undefined) expect(mine.grad).toBe(gradOut);
          expect(mine.grad.constructor).toBe(want.grad.constructor);
          expect(Array.from(mine.grad)).toEqual(Array.from(want.grad));
          if (typeof want.loss === 'number') expect(close(mine.loss as number, want.loss)).toBe(true);
          else expect(Array.from(mine.loss as Float64Array)).toEqual(Array.from(want.loss));
        });
      }
    }
  }

  it('probabilities, gathered on the host, with a Float32Array gradOut and weightedMean (computed twice: once for Σw)', async () => {
    const options = { reduction: 'weightedMean' as const, sampleWeight: weights, ignoreIndex: -100 };
    const mine = await pool.focalLossGrad(labels, probabilities, { ...options, gradOut: new Float32Array(N * C) });
    const want = focalLossGrad(labels, probabilities, { ...options, gradOut: new Float32Array(N * C) });
    expect(Array.from(mine.grad)).toEqual(Array.from(want.grad));
    expect(close(mine.loss, want.loss)).toBe(true);
  });

  for (const reduction of ['mean', 'sum', 'weightedMean', 'none'] as const) {
    it(`binaryFocalLossGrad, rows of 3 labels, ${reduction}`, async () => {
      const rows = Array.from({ length: N }, (_, i) => binaryLogits.subarray(i * 3, i * 3 + 3));
      const yTrue = Array.from({ length: N }, (_, i) => targets.subarray(i * 3, i * 3 + 3));
      const options = { reduction, fromLogits: true, alpha: 0.25, sampleWeight: weights };
      const mine = await pool.binaryFocalLossGrad(yTrue, rows, options as never);
      const want = binaryFocalLossGrad(yTrue, rows, options as never);
      expect(Array.from(mine.grad)).toEqual(Array.from(want.grad));
      if (typeof want.loss === 'number') expect(close(mine.loss as number, want.loss)).toBe(true);
      else expect(Array.from(mine.loss as Float64Array)).toEqual(Array.from(want.loss));
    });
  }

  for (const reduction of ['mean', 'sum', 'weightedMean', 'none'] as const) {
    it(`asymmetricLossGrad, rows of 3 labels, ${reduction}`, async () => {
      const rows = Array.from({ length: N }, (_, i) => binaryLogits.subarray(i * 3, i * 3 + 3));
      const yTrue = Array.from({ length: N }, (_, i) => targets.subarray(i * 3, i * 3 + 3));
      const options = { reduction, fromLogits: true, gammaPos: 1, gammaNeg: 4, clip: 0.05, sampleWeight: weights };
      const mine = await pool.asymmetricLossGrad(yTrue, rows, options as never);
      const want = asymmetricLossGrad(yTrue, rows, options as never);
      expect(Array.from(mine.grad)).toEqual(Array.from(want.grad));
      if (typeof want.loss === 'number') expect(close(mine.loss as number, want.loss)).toBe(true);
      else expect(Array.from(mine.loss as Float64Array)).toEqual(Array.from(want.loss));
    });
  }

  it('Poly-1 reaches the workers: focalLossGrad and binaryFocalLossGrad with poly1', async () => {
    for (const poly1 of [2, -1]) {
      const focal = { fromLogits: true, gamma: 2, poly1, ignoreIndex: -100 };
      const mine = await pool.focalLossGrad(labels, logits, focal);
      const want = focalLossGrad(labels, logits, focal);
      expect(Array.from(mine.grad)).toEqual(Array.from(want.grad));
      expect(close(mine.loss, want.loss)).toBe(true);
      // poly1 changes the value: the workers did not drop it.
      expect(close(mine.loss, focalLossGrad(labels, logits, { ...focal, poly1: 0 }).loss)).toBe(false);
      const binary = { fromLogits: true, alpha: 0.25, poly1, reduction: 'sum' as const };
      const mineBinary = await pool.binaryFocalLossGrad(targets, binaryLogits, binary);
      const wantBinary = binaryFocalLossGrad(targets, binaryLogits, binary);
      expect(Array.from(mineBinary.grad)).toEqual(Array.from(wantBinary.grad));
      expect(close(mineBinary.loss, wantBinary.loss)).toBe(true);
    }
  });

  it('rejects with the one-shot call\'s error, naming the batch\'s own row', async () => {
    const bad = Float32Array.from(logits);
    bad[(N - 7) * C + 2] = NaN;
    let oneShot: unknown;
    try {
      focalLossGrad(labels, bad, { fromLogits: true, ignoreIndex: -100 });
    } catch (error) {
      oneShot = error;
    }
    expect(oneShot).toBeInstanceOf(RangeError);
    await expect(pool.focalLossGrad(labels, bad, { fromLogits: true, ignoreIndex: -100 })).rejects.toThrow((oneShot as Error).message);
    await expect(pool.focalLossGrad(labels, logits, { fromLogits: true, gradOut: new Float64Array(3) })).rejects.toThrow(/gradOut has 3 values/);
  });
});
