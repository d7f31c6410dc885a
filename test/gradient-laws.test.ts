// Laws of the gradients (fast-check), with and without Poly-1: wasm = JS, finite for any finite
// input, mean = sum / N, the 'none' rows sum to the 'sum' gradient, and central finite
// differences of the library's own loss.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ABS_FLOOR, flatten, GRAD, gradMismatches, isRows, LOSS, notFinite, reductionOf, scales,
  type Fn, type Input, type Options,
} from './gradient-helpers.js';
import { BACKENDS } from './helpers.js';

interface Problem {
  fn: Fn;
  yTrue: number[] | number[][];
  yPred: number[] | number[][];
  options: Options;
  /** N samples of R entries; 'none' losses have N entries (focalLoss) or N * R (binary). */
  n: number;
  r: number;
}

type Range = 'fd' | 'wide' | 'finite';

const gammaArb = fc.oneof(fc.constantFrom(0, 0.25, 0.5, 1, 1.5, 2, 3), fc.double({ min: 0, max: 5, noNaN: true }));
const unit = fc.double({ min: 0, max: 1, noNaN: true });
// Weights, targets, alpha and smoothing are 0 or at least 1e-3: a subnormal weight makes the
// loss itself a subnormal, coarse step function of the inputs, which no gradient can match.
const weightArb = (max: number) => fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max, noNaN: true }));
const targetArb = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 1e-3, max: 1, noNaN: true }));
const smoothingArb = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 0.5, noNaN: true }));
/** Poly-1's epsilon: absent half the time. */
const polyArb = fc.oneof(fc.constant(undefined), fc.constantFrom(-1, -0.5, 1, 2), fc.double({ min: -1, max: 4, noNaN: true }));

/** Entries of yPred: 'fd' stays away from clip bounds and in [-20, 20]; 'wide' and 'finite' go to the extremes. */
function valueArb(fromLogits: boolean, range: Range): fc.Arbitrary<number> {
  if (fromLogits) {
    if (range === 'fd') return fc.double({ min: -20, max: 20, noNaN: true });
    const bound = range === 'wide' ? 1000 : 1e5;
    return fc.oneof(fc.constantFrom(0, 30, -30, 60, -60, 1000, -1000), fc.double({ min: -bound, max: bound, noNaN: true }));
  }
  if (range === 'fd') return fc.double({ min: 0.01, max: 0.99, noNaN: true });
  return fc.oneof(fc.constantFrom(0, 1, 1e-300, 5e-324, 1e-9, 1 - 2 ** -53, 1 - 2 ** -24, 0.5), unit);
}

interface Shape {
  reductions: readonly string[];
  range: Range;
  ignore: boolean;
  normalizer: boolean;
}

function withOptional(options: Options, extra: Options): Options {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) options[k] = v;
  return options;
}

/** focalLoss problems: class indices (some ignored) or soft target rows, any option. */
function focalProblem(fromLogits: boolean, s: Shape): fc.Arbitrary<Problem> {
  return fc.record({ n: fc.integer({ min: 1, max: 6 }), c: fc.integer({ min: 1, max: 5 }) }).chain(({ n, c }) =>
    fc.record({
      dense: fc.boolean(),
      labels: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
      ignored: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      targets: fc.array(fc.array(targetArb, { minLength: c, maxLength: c }), { minLength: n, maxLength: n }),
      pred: fc.array(valueArb(fromLogits, s.range), { minLength: n * c, maxLength: n * c }),
      gamma: gammaArb,
      alpha: fc.oneof(
        fc.constant(undefined),
        weightArb(2),
        fc.array(weightArb(2), { minLength: c, maxLength: c }),
      ),
      reduction: fc.constantFrom(...s.reductions),
      normalizer: s.normalizer ? fc.option(fc.double({ min: 0.5, max: 10, noNaN: true }), { nil: undefined }) : fc.constant(undefined),
      sampleWeight: fc.option(fc.array(weightArb(3), { minLength: n, maxLength: n }), { nil: undefined }),
      labelSmoothing: smoothingArb,
      epsilon: s.range === 'fd' ? fc.constant(undefined) : fc.constantFrom(undefined, 'auto', 1e-3),
      poly1: polyArb,
    }).map((g): Problem => {
      const yTrue = g.dense ? g.targets : g.labels.map((t, i) => (s.ignore && g.ignored[i] ? -1 : t));
      const yPred = g.labels.map((_, i) => g.pred.slice(i * c, (i + 1) * c));
      const options = withOptional({ gamma: g.gamma, reduction: g.reduction, fromLogits }, {
        alpha: g.alpha,
        normalizer: g.reduction === 'mean' ? g.normalizer : undefined,
        sampleWeight: g.sampleWeight,
        labelSmoothing: g.labelSmoothing || undefined,
        epsilon: g.epsilon,
        ignoreIndex: !g.dense && s.ignore ? -1 : undefined,
        poly1: g.poly1,
      });
      return { fn: 'focalLoss', yTrue, yPred, options, n, r: c };
    }),
  );
}

/** binaryFocalLoss problems: flat or N x K, hard or soft targets, any option. */
function binaryProblem(fromLogits: boolean, s: Shape): fc.Arbitrary<Problem> {
  return fc.record({ n: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 0, max: 4 }) }).chain(({ n, k }) => {
    const total = n * Math.max(k, 1);
    return fc.record({
      targets: fc.array(targetArb, { minLength: total, maxLength: total }),
      pred: fc.array(valueArb(fromLogits, s.range), { minLength: total, maxLength: total }),
      gamma: gammaArb,
      alpha: fc.option(fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 1e-3, max: 1 - 1e-3, noNaN: true })), { nil: undefined }),
      reduction: fc.constantFrom(...s.reductions),
      normalizer: s.normalizer ? fc.option(fc.double({ min: 0.5, max: 10, noNaN: true }), { nil: undefined }) : fc.constant(undefined),
      sampleWeight: fc.option(fc.array(weightArb(3), { minLength: n, maxLength: n }), { nil: undefined }),
      labelSmoothing: smoothingArb,
      epsilon: s.range === 'fd' ? fc.constant(undefined) : fc.constantFrom(undefined, 'auto', 1e-3),
      poly1: polyArb,
    }).map((g): Problem => {
      // k = 0: flat (each element a sample); otherwise N rows of k.
      const shape = <T>(v: T[]) => (k === 0 ? v : Array.from({ length: n }, (_, i) => v.slice(i * k, (i + 1) * k)));
      const options = withOptional({ gamma: g.gamma, reduction: g.reduction, fromLogits }, {
        alpha: g.alpha,
        normalizer: g.reduction === 'mean' ? g.normalizer : undefined,
        sampleWeight: g.sampleWeight,
        labelSmoothing: g.labelSmoothing || undefined,
        epsilon: g.epsilon,
        poly1: g.poly1,
      });
      return { fn: 'binaryFocalLoss', yTrue: shape(g.targets), yPred: shape(g.pred), options, n, r: Math.max(k, 1) };
    });
  });
}

const problem = (fn: Fn, fromLogits: boolean, s: Shape) =>
  fn === 'focalLoss' ? focalProblem(fromLogits, s) : binaryProblem(fromLogits, s);

const ALL = ['mean', 'sum', 'none', 'weightedMean'] as const;
const RUNS = { numRuns: 200 };

/** yPred with entry j replaced by v, in the problem's layout. */
function replaced(p: Problem, j: number, v: number): Input {
  const flat = flatten(p.yPred);
  flat[j] = v;
  if (!isRows(p.yPred)) return flat;
  return Array.from({ length: p.n }, (_, i) => flat.slice(i * p.r, (i + 1) * p.r));
}

const SOURCES = [
  ['focalLoss', false],
  ['focalLoss', true],
  ['binaryFocalLoss', false],
  ['binaryFocalLoss', true],
] as const;

describe('gradient laws (fast-check)', () => {
  for (const [fn, fromLogits] of SOURCES) {
    const mode = `${fn}, ${fromLogits ? 'logits' : 'probabilities'}`;

    it(`${mode}: wasm and JS gradients agree within 1e-12 of the largest entry or the loss (of the row for 'none')`, () => {
      fc.assert(
        fc.property(problem(fn, fromLogits, { reductions: ALL, range: 'wide', ignore: true, normalizer: true }), (p) => {
          const wasm = GRAD[fn](p.yTrue, p.yPred, { ...p.options, backend: 'wasm' });
          const js = GRAD[fn](p.yTrue, p.yPred, { ...p.options, backend: 'js' });
          const none = reductionOf(p.options) === 'none';
          // Scaled by the larger of the two, so that neither passes by being all zeros, or by the
          // loss: where a row's terms nearly cancel in its gradient (soft targets near the
          // predictions, Poly-1's term alone), the gradient is far below the terms, whose
          // rounding it keeps, and that differs with the backends' exp and log.
          const lossOf = (j: number) => {
            const loss = js.loss;
            if (typeof loss === 'number') return Math.abs(loss);
            return Math.abs(loss[fn === 'focalLoss' ? Math.floor(j / p.r) : j]);
          };
          const larger = Array.from(js.grad, (v, j) => Math.max(Math.abs(v), Math.abs(wasm.grad[j]), lossOf(j)));
          expect(gradMismatches(wasm.grad, js.grad, p.n, p.r, none, 1e-12, false, larger)).toEqual([]);
        }),
        RUNS,
      );
    });

    it(`${mode}: gradient and loss are finite for any finite input (epsilon > 0)`, () => {
      fc.assert(
        fc.property(
          problem(fn, fromLogits, { reductions: ALL, range: 'finite', ignore: true, normalizer: true }),
          fc.constantFrom(...BACKENDS),
          (p, backend) => {
            const { loss, grad } = GRAD[fn](p.yTrue, p.yPred, { ...p.options, backend });
            expect(notFinite(grad)).toEqual([]);
            expect(notFinite(typeof loss === 'number' ? [loss] : loss)).toEqual([]);
          },
        ),
        RUNS,
      );
    });

    it(`${mode}: the 'mean' gradient is the 'sum' gradient / ${fn === 'focalLoss' ? 'N' : 'N·K'}`, () => {
      fc.assert(
        fc.property(
          problem(fn, fromLogits, { reductions: ['mean'], range: 'wide', ignore: false, normalizer: false }),
          fc.constantFrom(...BACKENDS),
          (p, backend) => {
            const mean = GRAD[fn](p.yTrue, p.yPred, { ...p.options, backend }).grad;
            const sum = GRAD[fn](p.yTrue, p.yPred, { ...p.options, reduction: 'sum', backend }).grad;
            const count = fn === 'focalLoss' ? p.n : p.n * p.r;
            expect(gradMismatches(mean, Array.from(sum, (v) => v / count), p.n, p.r, false, 1e-13)).toEqual([]);
          },
        ),
        RUNS,
      );
    });

    it(`${mode}: the 'none' rows (each its own sample's gradient) sum to the 'sum' gradient`, () => {
      fc.assert(
        fc.property(
          problem(fn, fromLogits, { reductions: ['none'], range: 'wide', ignore: true, normalizer: false }),
          fc.constantFrom(...BACKENDS),
          (p, backend) => {
            const none = GRAD[fn](p.yTrue, p.yPred, { ...p.options, backend }).grad;
            const sum = GRAD[fn](p.yTrue, p.yPred, { ...p.options, reduction: 'sum', backend }).grad;
            // Sample i's loss reads only row i, so the sum over samples of their gradients
            // (row i of 'none' in row i, 0 elsewhere) is 'none' itself, entry for entry.
            const total = new Float64Array(p.n * p.r);
            for (let i = 0; i < p.n; i++) for (let c = 0; c < p.r; c++) total[i * p.r + c] += none[i * p.r + c];
            expect(gradMismatches(total, sum, p.n, p.r, true, 1e-13)).toEqual([]);
          },
        ),
        RUNS,
      );
    });

    it(`${mode}: central finite differences of the loss agree within 1e-6 of the largest entry`, () => {
      fc.assert(
        fc.property(
          problem(fn, fromLogits, { reductions: ALL, range: 'fd', ignore: true, normalizer: true }),
          fc.constantFrom(...BACKENDS),
          (p, backend) => {
            const options = { ...p.options, backend };
            const { grad } = GRAD[fn](p.yTrue, p.yPred, options);
            const none = reductionOf(options) === 'none';
            // 'none': the derivative of the loss of the sample (focalLoss) or element (binary) x_j is in.
            const f = (j: number, v: number) => {
              const loss = LOSS[fn](p.yTrue, replaced(p, j, v), options);
              return none ? (loss as Float64Array)[fn === 'focalLoss' ? Math.floor(j / p.r) : j] : (loss as number);
            };
            const x = flatten(p.yPred);
            const fd = new Float64Array(x.length);
            const rounding = new Float64Array(x.length);
            for (let j = 0; j < x.length; j++) {
              const h = fromLogits ? 1e-6 * Math.max(1, Math.abs(x[j])) : 1e-6 * Math.min(x[j], 1 - x[j]);
              const up = x[j] + h;
              const down = x[j] - h;
              const [fu, fdn] = [f(j, up), f(j, down)];
              fd[j] = (fu - fdn) / (up - down);
              // What rounding in the loss (1e-13 relative) can do to the difference quotient.
              rounding[j] = (1e-13 * (Math.abs(fu) + Math.abs(fdn))) / (up - down);
            }
            const scale = scales(Array.from(grad, (g, j) => Math.max(Math.abs(g), Math.abs(fd[j]))), p.n, p.r, none);
            const bad: string[] = [];
            for (let j = 0; j < x.length; j++) {
              const allowed = 1e-6 * scale[j] + rounding[j] + ABS_FLOOR;
              if (!(Math.abs(grad[j] - fd[j]) <= allowed)) {
                bad.push(`grad[${j}] = ${grad[j]}, finite difference ${fd[j]} ± ${allowed.toPrecision(3)}`);
              }
            }
            expect(bad).toEqual([]);
          },
        ),
        RUNS,
      );
    });
  }
});
