import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asymmetricLoss, asymmetricLossGrad, binaryFocalLossGrad, createAsymmetricLossAccumulator } from '../src/index.js';
import family from './fixtures/family.json' with { type: 'json' };
import { BACKENDS, expectClose } from './helpers.js';

// asymmetricLoss / asymmetricLossGrad (assembly/asymmetric.ts, src/kernels/asymmetric.ts) against
// mpmath (test/fixtures/generate-family.py: the loss as Ridnik et al. define it, gradients by
// numerical differentiation), and their laws: m = 0, gamma+ = gamma- is the binary focal loss
// without alpha; the negative term vanishes where p <= m; wasm = JS; finite at the extremes.

type Reduction = 'mean' | 'sum' | 'none' | 'weightedMean';

/** The generator's options: its margin is the option clip. */
interface AslOptions {
  fromLogits: boolean;
  gammaPos: number;
  gammaNeg: number;
  margin: number;
  epsilon: number;
  reduction: Reduction;
  sampleWeight?: number[];
}
interface AslCase {
  name: string;
  pred: number[];
  target: number[];
  n: number;
  k: number;
  options: AslOptions;
  loss: number | number[];
  grad: number[];
}

const cases = (family as unknown as { asymmetric: AslCase[] }).asymmetric;

const rowsOf = (flat: ArrayLike<number>, n: number, k: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(flat).slice(i * k, (i + 1) * k));

interface Run {
  loss: number | Float64Array;
  grad: Float64Array;
}

/** asymmetricLossGrad on N rows of K, the gradient written as f64 or into a Float32Array. */
function asl(
  backend: 'wasm' | 'js', pred: ArrayLike<number>, target: ArrayLike<number>, n: number, k: number, o: AslOptions, dtype: 'f64' | 'f32' = 'f64',
): Run {
  const { margin, ...rest } = o;
  const gradOut = dtype === 'f32' ? new Float32Array(n * k) : new Float64Array(n * k);
  const r = asymmetricLossGrad(rowsOf(target, n, k), rowsOf(pred, n, k), { ...rest, clip: margin, backend, gradOut } as never);
  return { loss: r.loss as number | Float64Array, grad: Float64Array.from(r.grad) };
}

function aslLoss(backend: 'wasm' | 'js', pred: ArrayLike<number>, target: ArrayLike<number>, n: number, k: number, o: AslOptions) {
  const { margin, ...rest } = o;
  return asymmetricLoss(rowsOf(target, n, k), rowsOf(pred, n, k), { ...rest, clip: margin, backend } as never) as number | Float64Array;
}

/** Entries farther from want than tol times the largest |want| (of the row for 'none'), or not finite. */
function gradErrors(got: ArrayLike<number>, want: number[], k: number, perRow: boolean, tol: number, f32 = false): string[] {
  const bad: string[] = [];
  const all = Math.max(...want.map(Math.abs));
  for (let j = 0; j < want.length; j++) {
    const row = Math.floor(j / k);
    const scale = perRow ? Math.max(...want.slice(row * k, (row + 1) * k).map(Math.abs)) : all;
    let allowed = tol * scale + 1e-300;
    if (f32) allowed += 2 ** -24 * Math.abs(want[j]) + 2 ** -149;
    if (!Number.isFinite(got[j]) || !(Math.abs(got[j] - want[j]) <= allowed)) bad.push(`grad[${j}] = ${got[j]}, want ${want[j]}`);
  }
  return bad.slice(0, 6);
}

describe('asymmetricLoss against mpmath (test/fixtures/generate-family.py)', () => {
  it('has the cases the generator writes', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  for (const c of cases) {
    for (const backend of BACKENDS) {
      it(`${backend}: ${c.name}: loss to 1e-12, gradient to 1e-11 of its scale (f64 and f32), loss alone the same`, () => {
        const none = c.options.reduction === 'none';
        for (const dtype of ['f64', 'f32'] as const) {
          const r = asl(backend, c.pred, c.target, c.n, c.k, c.options, dtype);
          expect(gradErrors(r.grad!, c.grad, c.k, none, 1e-11, dtype === 'f32'), dtype).toEqual([]);
          if (none) (c.loss as number[]).forEach((w, e) => expectClose((r.loss as Float64Array)[e], w, `loss[${e}]`));
          else expectClose(r.loss as number, c.loss as number, 'loss');
        }
        expect(aslLoss(backend, c.pred, c.target, c.n, c.k, c.options)).toEqual(asl(backend, c.pred, c.target, c.n, c.k, c.options).loss);
      });
    }
  }
});

// --- Laws (fast-check) ---------------------------------------------------------------------------

const gammaArb = fc.oneof(fc.constantFrom(0, 0.5, 1, 2, 4), fc.double({ min: 0, max: 8, noNaN: true }));

interface Problem {
  pred: number[];
  target: number[];
  n: number;
  k: number;
  options: AslOptions;
}

function problemArb(opts: { range: 'wide' | 'extreme'; hard?: boolean; margin?: number; equalGammas?: boolean }): fc.Arbitrary<Problem> {
  return fc.record({ n: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 5 }), fromLogits: fc.boolean() }).chain(({ n, k, fromLogits }) => {
    const value = fromLogits
      ? fc.oneof(fc.constantFrom(0, 30, -30, 1000, -1000), fc.double({ min: opts.range === 'wide' ? -40 : -1e5, max: opts.range === 'wide' ? 40 : 1e5, noNaN: true }))
      : fc.oneof(fc.constantFrom(0, 1, 0.05, 0.2, 1e-9, 1 - 2 ** -53), fc.double({ min: 0, max: 1, noNaN: true }));
    const targetArb = opts.hard ? fc.constantFrom(0, 1) : fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    const gammas = opts.range === 'extreme' ? fc.oneof(gammaArb, fc.constantFrom(16.5, 100, 1000)) : gammaArb;
    return fc.record({
      pred: fc.array(value, { minLength: n * k, maxLength: n * k }),
      target: fc.array(targetArb, { minLength: n * k, maxLength: n * k }),
      gammaPos: gammas,
      gammaNeg: gammas,
      margin: opts.margin !== undefined ? fc.constant(opts.margin) : fc.constantFrom(0, 0.05, 0.2, 0.5),
      epsilon: opts.range === 'extreme' ? fc.constantFrom(0, 1e-7, 1e-3) : fc.constantFrom(1e-7, 1e-3),
      reduction: fc.constantFrom<Reduction>('mean', 'sum', 'none', 'weightedMean'),
      sampleWeight: fc.option(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 3, noNaN: true })), { minLength: n, maxLength: n }), { nil: undefined }),
    }).map((g) => ({
      pred: g.pred, target: g.target, n, k,
      options: {
        fromLogits, gammaPos: g.gammaPos, gammaNeg: opts.equalGammas ? g.gammaPos : g.gammaNeg, margin: g.margin, epsilon: g.epsilon,
        reduction: g.reduction, sampleWeight: g.sampleWeight,
      },
    }));
  });
}

const values = (v: number | Float64Array): number[] => (typeof v === 'number' ? [v] : Array.from(v));

function close(got: number[], want: number[], tol: number): string[] {
  const scale = Math.max(...got.map(Math.abs), ...want.map(Math.abs));
  return got.flatMap((g, j) => (Math.abs(g - want[j]) <= tol * scale || Object.is(g, want[j]) ? [] : [`[${j}] ${g} vs ${want[j]}`])).slice(0, 5);
}

describe('asymmetricLoss laws (fast-check)', () => {
  it('wasm and JS agree within 1e-12 of the largest loss and gradient entry', () => {
    fc.assert(
      fc.property(problemArb({ range: 'wide' }), (p) => {
        const wasm = asl('wasm', p.pred, p.target, p.n, p.k, p.options);
        const js = asl('js', p.pred, p.target, p.n, p.k, p.options);
        expect(close(values(wasm.loss), values(js.loss), 1e-12)).toEqual([]);
        expect(close(Array.from(wasm.grad!), Array.from(js.grad!), 1e-12)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('margin 0 with gamma+ = gamma- is the binary focal loss without alpha (hard targets)', () => {
    fc.assert(
      fc.property(problemArb({ range: 'wide', hard: true, margin: 0, equalGammas: true }), fc.constantFrom(...BACKENDS), (p, backend) => {
        const a = asl(backend, p.pred, p.target, p.n, p.k, p.options);
        const { gammaPos, gammaNeg, margin, ...o } = p.options;
        const b = binaryFocalLossGrad(rowsOf(p.target, p.n, p.k), rowsOf(p.pred, p.n, p.k), { ...o, gamma: gammaPos, backend } as never);
        expect(close(values(a.loss), values(b.loss), 1e-13)).toEqual([]);
        expect(close(Array.from(a.grad!), Array.from(b.grad!), 1e-13)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('where p <= m, the negative term and its gradient are exactly 0', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0.05, 0.2, 0.5), fc.double({ min: 0, max: 1, noNaN: true }), gammaArb, gammaArb, fc.boolean(), fc.constantFrom(...BACKENDS),
        (margin, fraction, gammaPos, gammaNeg, fromLogits, backend) => {
          const p = margin * fraction;
          const x = fromLogits ? Math.log(p / (1 - p)) : p;
          // sigmoid of the logit may round above p: only where it is still at most m.
          if (fromLogits && 1 / (1 + Math.exp(-x)) > margin) return;
          const o: AslOptions = { fromLogits, gammaPos, gammaNeg, margin, epsilon: 0, reduction: 'sum' };
          const r = asl(backend, [x], [0], 1, 1, o);
          expect(r.loss).toBe(0);
          expect(Math.abs(r.grad![0])).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('loss and gradient are finite for any finite input (gammas to 1000, logits to 1e5, probabilities at 0 and 1)', () => {
    fc.assert(
      fc.property(problemArb({ range: 'extreme' }), fc.constantFrom(...BACKENDS), (p, backend) => {
        const o = { ...p.options };
        // With epsilon 0, -ln p is infinite where y > 0 and p = 0 (and -ln(1 - p) where y < 1 and p = 1, m = 0),
        // and the derivative y / p beyond float64 already where p < 1e-300.
        const unclipped = !o.fromLogits && o.epsilon === 0;
        const infinite = unclipped && p.pred.some((x, e) => (x === 0 && p.target[e] > 0) || (x === 1 && p.target[e] < 1 && o.margin === 0));
        const steep = unclipped && p.pred.some((x, e) => x < 1e-300 && p.target[e] > 0);
        const r = asl(backend, p.pred, p.target, p.n, p.k, o);
        expect(values(r.loss).some(Number.isNaN)).toBe(false);
        expect(r.grad!.some(Number.isNaN)).toBe(false);
        if (!infinite) expect(values(r.loss).every(Number.isFinite)).toBe(true);
        if (!infinite && !steep) expect(r.grad!.every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('asymmetricLoss in an accumulator', () => {
  const target = [[1, 0, 0], [0, 1, 0.3], [0, 0, 1], [1, 1, 0]];
  const logits = [[2, -1, 0.5], [-3, 4, 1], [0.1, -0.2, 7], [1000, -1000, 30]];
  for (const backend of BACKENDS) {
    it(`${backend}: fed in two chunks (with weights), then through its state, it gives the one-shot call's sums`, () => {
      const o = { fromLogits: true, gammaPos: 1, gammaNeg: 3, clip: 0.1, backend };
      const w = [1, 0.5, 2, 0];
      const acc = createAsymmetricLossAccumulator(o).update(target.slice(0, 1), logits.slice(0, 1), w.slice(0, 1));
      const rest = createAsymmetricLossAccumulator(o).update(target.slice(1), logits.slice(1), w.slice(1));
      acc.merge(createAsymmetricLossAccumulator.fromState(JSON.parse(JSON.stringify(rest.state()))));
      const sum = asymmetricLoss(target, logits, { ...o, reduction: 'sum', sampleWeight: w });
      expect(Math.abs(acc.result('sum') - sum)).toBeLessThanOrEqual(1e-15 * sum);
      expectClose(acc.result('weightedMean'), asymmetricLoss(target, logits, { ...o, reduction: 'weightedMean', sampleWeight: w }));
      expect(acc.summary().count).toBe(12);
      // Per label column: the column's own loss.
      const column = (k: number) => asymmetricLoss(target.map((r) => r[k]), logits.map((r) => r[k]), { ...o, reduction: 'sum', sampleWeight: w });
      acc.summary().perClass.forEach((c, k) => expect(Math.abs(c.sum - column(k))).toBeLessThanOrEqual(1e-15 * sum));
      // Partials with other options do not merge.
      expect(() => acc.merge(createAsymmetricLossAccumulator({ ...o, clip: 0.05 }))).toThrow(/clip/);
      // Diagnostics per label column: its positives, and its sum as without them.
      const diagnosed = createAsymmetricLossAccumulator({ ...o, diagnostics: true }).update(target, logits).summary();
      diagnosed.perClass.forEach((c, k) => {
        expect(c.positives).toBe(target.filter((r) => r[k] === 1).length);
        const sum = asymmetricLoss(target.map((r) => r[k]), logits.map((r) => r[k]), { ...o, reduction: 'sum' });
        expect(Math.abs(c.sum - sum)).toBeLessThanOrEqual(1e-15 * sum);
      });
    });
  }
});

describe('asymmetricLoss: invalid input', () => {
  const o = { gammaPos: 0, gammaNeg: 4, clip: 0.05, reduction: 'sum' } as const;
  const target = [[0, 1], [0, 1], [0, 1]];
  for (const backend of BACKENDS) {
    it(`${backend}: a prediction or target out of range (or NaN) is a RangeError naming the entry and its value`, () => {
      const call = (y: number[][], p: number[][], more = {}) => () => asymmetricLossGrad(y, p, { ...o, backend, ...more });
      expect(call(target, [[0.1, 0.2], [0.3, 1.5], [0.5, 0.6]])).toThrow(/yPred\[1\]\[1\].*1\.5/);
      expect(call(target, [[0.1, 0.2], [0.3, 0.4], [NaN, 0.6]])).toThrow(/yPred\[2\]\[0\].*NaN/);
      expect(call([[0, 1], [2, 1], [0, 1]], [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])).toThrow(/yTrue\[1\]\[0\].*2/);
      expect(call(target, [[1, 2], [NaN, 4], [5, 6]], { fromLogits: true })).toThrow(RangeError);
      expect(call(target, [[0.1, 0.2], [0.3, 0.4]])).toThrow(RangeError);
      // Logits may be infinite.
      expect(asymmetricLoss(target, [[Infinity, -Infinity], [3, 4], [5, 6]], { ...o, backend, fromLogits: true })).toBeGreaterThan(0);
    });
  }

  it('its options: a wrong value is a RangeError, a wrong type a TypeError, both naming the option; gamma suggests gammaNeg', () => {
    const y = [1, 0];
    const p = [0.7, 0.2];
    for (const name of ['gammaPos', 'gammaNeg']) {
      expect(() => asymmetricLoss(y, p, { [name]: -1 })).toThrow(new RegExp(`${name} must be finite and >= 0, got -1`));
      expect(() => asymmetricLoss(y, p, { [name]: Infinity })).toThrow(RangeError);
      expect(() => asymmetricLoss(y, p, { [name]: '2' } as never)).toThrow(TypeError);
    }
    expect(() => asymmetricLoss(y, p, { clip: 1 })).toThrow(/clip must be in \[0, 1\), got 1/);
    expect(() => asymmetricLoss(y, p, { clip: -0.1 })).toThrow(RangeError);
    expect(() => asymmetricLoss(y, p, { gamma: 2 } as never)).toThrow(/unknown option "gamma".*gammaNeg/);
    expect(() => asymmetricLoss(y, p, { alpha: 0.25 } as never)).toThrow(TypeError);
    // After an error the library works normally.
    expect(asymmetricLoss(y, p)).toBeGreaterThan(0);
  });
});
