import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryFocalLoss, binaryFocalLossGrad, createBinaryFocalLossAccumulator, createFocalLossAccumulator, createWorkspace, focalLoss,
  focalLossGrad,
} from '../src/index.js';
import { BACKENDS } from './helpers.js';

// Poly-1's laws, beside its mpmath values (test/fixtures/generate-family.py, checked in
// gradient-reference.test.ts): eps -> 0 is the focal loss, the term is linear in eps and blind to alpha,
// sample weights weigh all of it, one-hot rows agree with class indices, and everything stays
// finite at the extremes.

type Options = Record<string, unknown>;
type Rows = number[][];
interface Result {
  loss: number | Float64Array;
  grad: Float64Array | Float32Array;
}
const focal = (y: number[] | Rows, x: Rows, o: Options) => focalLoss(y, x, o as never) as number | Float64Array;
const focalGrad = (y: number[] | Rows, x: Rows, o: Options) => focalLossGrad(y, x, o as never) as Result;
const binary = (y: Rows, x: Rows, o: Options) => binaryFocalLoss(y, x, o as never) as number | Float64Array;
const binaryGrad = (y: Rows, x: Rows, o: Options) => binaryFocalLossGrad(y, x, o as never) as Result;

const values = (v: number | Float64Array | Float32Array): number[] => (typeof v === 'number' ? [v] : Array.from(v));

/** Entries of got farther than tol times the largest |entry| of either side from want. */
function far(got: number[], want: number[], tol: number): string[] {
  const scale = Math.max(...got.map(Math.abs), ...want.map(Math.abs));
  const bad: string[] = [];
  got.forEach((g, j) => {
    if (!(Math.abs(g - want[j]) <= tol * scale)) bad.push(`[${j}] ${g} vs ${want[j]}`);
  });
  return bad.slice(0, 5);
}

interface Problem {
  labels: number[];
  rows: Rows;
  logits: boolean;
  options: Options;
}

const problemArb: fc.Arbitrary<Problem> = fc
  .record({ n: fc.integer({ min: 1, max: 7 }), c: fc.integer({ min: 2, max: 5 }), logits: fc.boolean() })
  .chain(({ n, c, logits }) =>
    fc.record({
      labels: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
      rows: fc.array(
        fc.array(logits ? fc.double({ min: -30, max: 30, noNaN: true }) : fc.double({ min: 0.001, max: 0.999, noNaN: true }), {
          minLength: c, maxLength: c,
        }),
        { minLength: n, maxLength: n },
      ),
      gamma: fc.constantFrom(0, 0.5, 1, 1.5, 2, 3.3),
      alpha: fc.option(fc.array(fc.double({ min: 0.1, max: 2, noNaN: true }), { minLength: c, maxLength: c }), { nil: undefined }),
      reduction: fc.constantFrom('mean', 'sum', 'none', 'weightedMean'),
      sampleWeight: fc.option(fc.array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: n, maxLength: n }), { nil: undefined }),
      backend: fc.constantFrom(...BACKENDS),
    }).map((g): Problem => {
      const options: Options = { gamma: g.gamma, reduction: g.reduction, fromLogits: logits, backend: g.backend };
      if (g.alpha) options.alpha = g.alpha;
      if (g.sampleWeight) options.sampleWeight = g.sampleWeight;
      return { labels: g.labels, rows: g.rows, logits, options };
    }),
  );

const epsArb = fc.oneof(fc.constantFrom(-1, -0.5, 1, 2), fc.double({ min: -1, max: 5, noNaN: true }));

describe('Poly-1 laws (fast-check)', () => {
  it('poly1: 0 is the focal loss itself, and a tiny poly1 (the Poly-1 code path) tends to it', () => {
    fc.assert(
      fc.property(problemArb, ({ labels, rows, options }) => {
        const plain = focalGrad(labels, rows, options);
        const zero = focalGrad(labels, rows, { ...options, poly1: 0 });
        expect(values(zero.loss)).toEqual(values(plain.loss));
        expect(Array.from(zero.grad)).toEqual(Array.from(plain.grad));
        const tiny = focalGrad(labels, rows, { ...options, poly1: 1e-300 });
        expect(far(values(tiny.loss), values(plain.loss), 1e-13)).toEqual([]);
        expect(far(Array.from(tiny.grad), Array.from(plain.grad), 1e-13)).toEqual([]);
      }),
    );
  });

  it('the Poly-1 term is linear in eps and does not depend on alpha', () => {
    fc.assert(
      fc.property(problemArb, epsArb, ({ labels, rows, options }, eps) => {
        const o = { ...options, reduction: 'none' };
        const added = (extra: Options) => {
          const base = values(focal(labels, rows, { ...o, ...extra }));
          const withTerm = values(focal(labels, rows, { ...o, ...extra, poly1: eps }));
          return withTerm.map((v, i) => v - base[i]);
        };
        const unit = values(focal(labels, rows, { ...o, alpha: 0, poly1: 1 }));
        // With alpha 0 only the term is left: eps times it, whatever alpha is.
        const scaled = unit.map((u) => eps * u);
        const scale = Math.max(...values(focal(labels, rows, { ...o, poly1: eps })).map(Math.abs), ...scaled.map(Math.abs));
        for (const extra of [{}, { alpha: 0.25 }, { alpha: rows[0].map((_, c) => 0.5 + c) }]) {
          const got = added(extra);
          got.forEach((g, i) => expect(Math.abs(g - scaled[i])).toBeLessThanOrEqual(1e-12 * Math.max(scale, 1e-300)));
        }
      }),
    );
  });

  it('sample weights weigh the whole term: w_i times the unweighted per-sample loss and gradient row', () => {
    // Weights are 0 or at least 1e-3: a subnormal weight makes a subnormal, coarsely rounded loss.
    const weightArb = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 4, noNaN: true }));
    fc.assert(
      fc.property(problemArb, epsArb, fc.array(weightArb, { minLength: 7, maxLength: 7 }), (p, eps, w) => {
        const o = { ...p.options, reduction: 'none', poly1: eps, sampleWeight: undefined };
        const weights = w.slice(0, p.labels.length);
        const one = focalGrad(p.labels, p.rows, o);
        const weighted = focalGrad(p.labels, p.rows, { ...o, sampleWeight: weights });
        const c = p.rows[0].length;
        expect(far(values(weighted.loss), values(one.loss).map((v, i) => weights[i] * v), 1e-13)).toEqual([]);
        expect(far(Array.from(weighted.grad), Array.from(one.grad, (g, j) => weights[Math.floor(j / c)] * g), 1e-13)).toEqual([]);
      }),
    );
  });

  it('one-hot target rows give what class indices give (two kernels)', () => {
    fc.assert(
      fc.property(problemArb, epsArb, ({ labels, rows, options }, eps) => {
        const o = { ...options, poly1: eps };
        const oneHot = labels.map((t) => rows[0].map((_, c) => (c === t ? 1 : 0)));
        const byIndex = focalGrad(labels, rows, o);
        const byRows = focalGrad(oneHot, rows, o);
        expect(far(values(byRows.loss), values(byIndex.loss), 1e-12)).toEqual([]);
        expect(far(Array.from(byRows.grad), Array.from(byIndex.grad), 1e-12)).toEqual([]);
      }),
    );
  });

  it('binaryFocalLoss: the term is linear in eps, blind to alpha, and tends to the focal loss', () => {
    fc.assert(
      fc.property(problemArb, epsArb, fc.boolean(), ({ rows, options, logits }, eps, soft) => {
        const targets = rows.map((r) => r.map((v, k) => (soft ? (k + 1) / (r.length + 1) : Number(logits ? v > 0 : v > 0.5))));
        const o = { ...options, reduction: 'none', alpha: undefined };
        const plain = binary(targets, rows, o);
        expect(far(values(binary(targets, rows, { ...o, poly1: 1e-300 })), values(plain), 1e-13)).toEqual([]);
        // Binary alpha weighs negatives by 1 - alpha: the term alone is a difference.
        const one = values(binary(targets, rows, { ...o, poly1: 1 }));
        const unit = one.map((v, i) => v - values(plain)[i]);
        for (const alpha of [undefined, 0.25, 0.9]) {
          const base = values(binary(targets, rows, { ...o, alpha }));
          const got = values(binary(targets, rows, { ...o, alpha, poly1: eps }));
          const scale = Math.max(...got.map(Math.abs), ...base.map(Math.abs));
          const bound = 1e-12 * Math.max(scale, ...one.map((v) => Math.abs(eps * v)), 1e-300);
          got.forEach((g, i) => expect(Math.abs(g - base[i] - eps * unit[i])).toBeLessThanOrEqual(bound));
        }
      }),
    );
  });
});

describe('Poly-1 at the extremes', () => {
  const gammas = [0, 0.5, 2, 16.5, 100, 1000];
  const logitRows: Rows = [[1000, 0, -1000], [-1000, 1000, 0], [0, 0, 0], [30, -30, 0], [1e-300, -1e-300, 5]];
  const probabilityRows: Rows = [[1, 0, 0], [0, 1, 0], [0.5, 0.25, 0.25], [1 - 2 ** -53, 2 ** -53, 0], [2 ** -1074, 0.5, 0.5]];

  for (const backend of BACKENDS) {
    it(`${backend}: finite loss and gradient for logits of +-1000, every gamma up to 1000, eps = -1 and 5`, () => {
      for (const gamma of gammas) {
        for (const poly1 of [-1, 5]) {
          for (const reduction of ['mean', 'none'] as const) {
            for (const labels of [[0, 1, 2, 0, 2], [2, 0, 1, 1, 0]]) {
              const o = { gamma, poly1, reduction, fromLogits: true, backend, alpha: [0.25, 1, 0] };
              const { loss, grad } = focalGrad(labels, logitRows, o);
              const where = JSON.stringify({ gamma, poly1, reduction, labels });
              expect(values(loss).every(Number.isFinite), where).toBe(true);
              expect(Array.from(grad).every(Number.isFinite), where).toBe(true);
              const rows = labels.map((t) => [0, 1, 2].map((c) => (c === t ? 1 : 0)));
              const dense = focalGrad(rows, logitRows, o);
              expect(values(dense.loss).every(Number.isFinite), where).toBe(true);
              expect(Array.from(dense.grad).every(Number.isFinite), where).toBe(true);
              const b = binaryGrad(rows, logitRows, { ...o, alpha: 0.25 });
              expect(values(b.loss).every(Number.isFinite), where).toBe(true);
              expect(Array.from(b.grad).every(Number.isFinite), where).toBe(true);
            }
          }
        }
      }
    });

    it(`${backend}: p at 0 and 1 with epsilon 0: finite wherever p_t > 0, never NaN`, () => {
      for (const gamma of gammas) {
        for (const poly1 of [-1, 5]) {
          for (const reduction of ['sum', 'none'] as const) {
            const o = { gamma, poly1, reduction, epsilon: 0, backend };
            // p_t = 1, 1, 0.5, 1 - 2^-53 and 0.5: every loss finite.
            const good = focalGrad([0, 1, 1, 0, 2], probabilityRows, o);
            const where = JSON.stringify({ gamma, poly1, reduction });
            expect(values(good.loss).every(Number.isFinite), where).toBe(true);
            expect(Array.from(good.grad).every(Number.isFinite), where).toBe(true);
            // p_t = 0 (and the subnormal 2^-1074): -ln p_t is infinite or 744.4, never NaN.
            const bad = focalGrad([1, 0, 1, 2, 0], probabilityRows, o);
            expect(values(bad.loss).some(Number.isNaN), where).toBe(false);
            expect(Array.from(bad.grad).some(Number.isNaN), where).toBe(false);
            const targets = probabilityRows.map((r) => r.map((v) => Number(v > 0.5)));
            const b = binaryGrad(targets, probabilityRows, o);
            expect(values(b.loss).every(Number.isFinite), where).toBe(true);
            expect(Array.from(b.grad).every(Number.isFinite), where).toBe(true);
          }
        }
      }
    });
  }
});

describe('poly1 on every surface the schema gives it', () => {
  const rows: Rows = [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4], [0.999, 0.0005, 0.0005], [0.5, 0.25, 0.25]];
  const labels = [0, 1, 2, 0, 1];
  for (const backend of BACKENDS) {
    it(`${backend}: an accumulator fed in two chunks gives focalLoss's and binaryFocalLoss's value`, () => {
      for (const poly1 of [2, -1]) {
        const o = { gamma: 2, poly1, backend };
        const acc = createFocalLossAccumulator(o).update(labels.slice(0, 2), rows.slice(0, 2)).update(labels.slice(2), rows.slice(2));
        expect(Math.abs(acc.result('sum') - (focal(labels, rows, { ...o, reduction: 'sum' }) as number))).toBeLessThanOrEqual(1e-15);
        const targets = rows.map((r) => r.map((v) => Number(v > 0.35)));
        const binaryAcc = createBinaryFocalLossAccumulator(o).update(targets.slice(0, 3), rows.slice(0, 3)).update(targets.slice(3), rows.slice(3));
        expect(Math.abs(binaryAcc.result('sum') - (binary(targets, rows, { ...o, reduction: 'sum' }) as number))).toBeLessThanOrEqual(1e-15);
      }
    });

    it(`${backend}: a workspace gives focalLoss's value and gradient`, () => {
      const ws = createWorkspace({ rows: rows.length, classes: 3, backend });
      try {
        ws.predictions.set(rows.flat());
        ws.labels.set(labels);
        const o = { gamma: 1.5, poly1: -0.5, reduction: 'sum' as const };
        const want = focalGrad(labels, rows, { ...o, backend });
        expect(ws.loss(o)).toBe(want.loss);
        const got = ws.lossAndGrad(o);
        expect(got.loss).toBe(want.loss);
        expect(Array.from(got.grad)).toEqual(Array.from(want.grad));
      } finally {
        ws.dispose();
      }
    });
  }
});

describe('poly1: bad values', () => {
  const call = {
    focalLoss: (poly1: unknown) => focal([0], [[0.5, 0.5]], { poly1 }),
    focalLossGrad: (poly1: unknown) => focalGrad([0], [[0.5, 0.5]], { poly1 }),
    binaryFocalLoss: (poly1: unknown) => binary([[1]], [[0.5]], { poly1 }),
    binaryFocalLossGrad: (poly1: unknown) => binaryGrad([[1]], [[0.5]], { poly1 }),
  };
  for (const [fn, run] of Object.entries(call)) {
    it(`${fn}: poly1 below -1 or not finite is a RangeError, a non-number a TypeError, both naming it`, () => {
      for (const v of [-1.5, -Infinity, Infinity, NaN]) {
        expect(() => run(v), String(v)).toThrow(RangeError);
        expect(() => run(v), String(v)).toThrow(new RegExp(`${fn}: poly1 must be finite and >= -1, got`));
      }
      for (const v of ['1', true, [1], null]) {
        expect(() => run(v), String(v)).toThrow(TypeError);
        expect(() => run(v), String(v)).toThrow(new RegExp(`${fn}: poly1 must be a number`));
      }
      // -1 is allowed, and the library works normally after the errors.
      const after = run(-1);
      const loss = typeof after === 'object' && 'loss' in after ? after.loss : after;
      expect(values(loss).every(Number.isFinite)).toBe(true);
    });
  }
});
