import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, binaryFocalLossGrad, focalLoss, focalLossGrad } from '../src/index.js';
import family from './fixtures/family.json' with { type: 'json' };
import ref from './fixtures/gradients.json' with { type: 'json' };
import { BACKENDS, expectClose } from './helpers.js';

// focalLossGrad / binaryFocalLossGrad against mpmath (test/fixtures/generate-gradients.py, and
// for Poly-1 test/fixtures/generate-family.py: the loss written from its definition, each
// gradient entry by mpmath's numerical differentiation), plus fast-check laws: wasm = JS,
// mean = sum / N, 'none' rows = the 'sum' gradient, and central finite differences of the
// library's own loss, all with and without Poly-1.

// --- The API under test, as the tests use it ------------------------------------------------
// Typed loosely on purpose: the tests pass options built at run time (Record<string, unknown>),
// and the casts hold whatever overloads the library declares.
type Fn = 'focalLoss' | 'binaryFocalLoss';
type Options = Record<string, unknown>;
type Input = ArrayLike<number> | ArrayLike<ArrayLike<number>>;
interface GradResult {
  loss: number | Float64Array;
  grad: Float64Array | Float32Array;
}
type GradFn = (yTrue: Input, yPred: Input, options?: Options) => GradResult;
type LossFn = (yTrue: Input, yPred: Input, options?: Options) => number | Float64Array;

const GRAD: Record<Fn, GradFn> = {
  focalLoss: (yTrue, yPred, options) => (focalLossGrad as unknown as GradFn)(yTrue, yPred, options),
  binaryFocalLoss: (yTrue, yPred, options) => (binaryFocalLossGrad as unknown as GradFn)(yTrue, yPred, options),
};
const LOSS: Record<Fn, LossFn> = {
  focalLoss: focalLoss as unknown as LossFn,
  binaryFocalLoss: binaryFocalLoss as unknown as LossFn,
};

// --- Reference cases ---------------------------------------------------------------------------
interface GradCase {
  name: string;
  fn: Fn;
  /** 'f64' / 'f32': only layouts of that dtype (epsilon 'auto', or inputs not float32-exact). */
  dtype?: 'f64' | 'f32';
  yTrue: number[] | number[][];
  yPred: number[] | number[][];
  options: Options;
  /** [N, R]: N samples of R entries (focalLoss: C classes; binary: K per row, 1 when flat). */
  shape: [number, number];
  loss: number | number[];
  grad: number[];
}

const cases = (ref as unknown as { cases: GradCase[] }).cases;
const polyCases = (family as unknown as { poly1: GradCase[] }).poly1;

/** Slack for entries whose exact value underflows float64: they must be 0 or nearly so. */
const ABS_FLOOR = 1e-300;
/** Gradient entries: within this times the largest |exact entry| of the case (row for 'none'). */
const GRAD_TOL = 1e-11;

const reductionOf = (options: Options) => (options.reduction ?? 'mean') as string;
const isRows = (v: Input): v is ArrayLike<ArrayLike<number>> => !ArrayBuffer.isView(v) && typeof v[0] === 'object';
const flatten = (v: Input): number[] => (isRows(v) ? Array.from(v, (r) => Array.from(r)).flat() : Array.from(v));

function maxAbs(values: ArrayLike<number>, from = 0, to = values.length): number {
  let m = 0;
  for (let j = from; j < to; j++) m = Math.max(m, Math.abs(values[j]));
  return m;
}

/** The scale each entry is compared at: the largest |entry| of the case, or of its row for 'none'. */
function scales(want: ArrayLike<number>, n: number, r: number, perRow: boolean): Float64Array {
  const out = new Float64Array(n * r);
  const all = maxAbs(want);
  for (let i = 0; i < n; i++) out.fill(perRow ? maxAbs(want, i * r, (i + 1) * r) : all, i * r, (i + 1) * r);
  return out;
}

/**
 * Entries of `got` farther from `want` than tol * scale (+ the floor), or not finite. With
 * `float32`, also the rounding of a float32 store: 2^-24 |want| (and 2^-149 for subnormals).
 */
function gradMismatches(
  got: ArrayLike<number>, want: ArrayLike<number>, n: number, r: number, perRow: boolean, tol: number, float32 = false,
  scaleFrom: ArrayLike<number> = want,
): string[] {
  const bad: string[] = [];
  if (got.length !== n * r) return [`length ${got.length}, want ${n * r}`];
  const scale = scales(scaleFrom, n, r, perRow);
  for (let j = 0; j < n * r; j++) {
    let allowed = tol * scale[j] + ABS_FLOOR;
    if (float32) allowed += 2 ** -24 * (Math.abs(want[j]) + tol * scale[j]) + 2 ** -149;
    if (!Number.isFinite(got[j]) || !(Math.abs(got[j] - want[j]) <= allowed)) {
      bad.push(`grad[${j}] (sample ${Math.floor(j / r)}, entry ${j % r}) = ${got[j]}, want ${want[j]} ± ${allowed.toPrecision(3)}`);
    }
    if (bad.length >= 8) break;
  }
  return bad;
}

const gradErrors = (got: ArrayLike<number>, c: GradCase, float32 = false) =>
  gradMismatches(got, c.grad, c.shape[0], c.shape[1], reductionOf(c.options) === 'none', GRAD_TOL, float32);

/** The loss against its mpmath value, to 1e-12 (helpers.expectClose). */
function expectLossClose(loss: number | Float64Array, c: GradCase, where = ''): void {
  if (reductionOf(c.options) === 'none') {
    const want = c.loss as number[];
    expect(loss, where).toBeInstanceOf(Float64Array);
    expect((loss as Float64Array).length, where).toBe(want.length);
    want.forEach((w, i) => expectClose((loss as Float64Array)[i], w, `${where}: loss[${i}]`));
  } else {
    expect(typeof loss, where).toBe('number');
    expectClose(loss as number, c.loss as number, `${where}: loss`);
  }
}

/** Bitwise equality (Object.is, element-wise for 'none'). */
function sameLoss(got: number | Float64Array, want: number | Float64Array): string[] {
  if (typeof want === 'number') return Object.is(got, want) ? [] : [`loss ${String(got)}, focalLoss gave ${want}`];
  if (!(got instanceof Float64Array) || got.length !== want.length) return [`loss ${String(got)}, want a Float64Array(${want.length})`];
  const bad: string[] = [];
  want.forEach((w, i) => {
    if (!Object.is(got[i], w)) bad.push(`loss[${i}] = ${got[i]}, the loss function gave ${w}`);
  });
  return bad;
}

function notFinite(values: ArrayLike<number>): number[] {
  const bad: number[] = [];
  for (let j = 0; j < values.length; j++) if (!Number.isFinite(values[j])) bad.push(j);
  return bad;
}

// --- Input layouts -----------------------------------------------------------------------------

/** yPred in every layout the API accepts for the case's dtype. */
function predLayouts(c: GradCase): Array<[string, Input]> {
  const f64 = c.dtype !== 'f32';
  const f32 = c.dtype !== 'f64';
  const out: Array<[string, Input]> = [];
  if (isRows(c.yPred)) {
    const rows = c.yPred as number[][];
    if (f64) out.push(['number[][]', rows], ['Float64Array rows', rows.map((r) => Float64Array.from(r))]);
    // binaryFocalLoss reads a flat buffer as N samples of one element, so N x K stays rows.
    if (f64 && c.fn === 'focalLoss') out.push(['flat Float64Array', Float64Array.from(rows.flat())], ['flat number[]', rows.flat()]);
    if (f32) out.push(['Float32Array rows', rows.map((r) => Float32Array.from(r))]);
    if (f32 && c.fn === 'focalLoss') out.push(['flat Float32Array', Float32Array.from(rows.flat())]);
  } else {
    const flat = c.yPred as number[];
    if (f64) out.push(['number[]', flat], ['Float64Array', Float64Array.from(flat)]);
    if (f32) out.push(['Float32Array', Float32Array.from(flat)]);
  }
  return out;
}

/** yTrue as given, and in a second form where the API has one. */
function trueLayouts(c: GradCase): Array<[string, Input]> {
  if (c.fn === 'binaryFocalLoss') return [['yTrue as given', c.yTrue]];
  if (isRows(c.yTrue)) {
    const rows = c.yTrue as number[][];
    return [['target rows number[][]', rows], ['target rows Float64Array', rows.map((r) => Float64Array.from(r))]];
  }
  const labels = c.yTrue as number[];
  return [['labels number[]', labels], ['labels Int32Array', Int32Array.from(labels)]];
}

/** The first layout of the case's dtype (nested rows, or flat for flat binary cases). */
const firstLayout = (c: GradCase): Input => predLayouts(c)[0][1];

// --- Reference values --------------------------------------------------------------------------

function referenceSuite(title: string, cases: GradCase[], least: number): void {
describe(title, () => {
  it('has the cases the generator writes', () => {
    expect(cases.length).toBeGreaterThan(least);
    for (const c of cases) expect(c.grad.length, c.name).toBe(c.shape[0] * c.shape[1]);
  });

  for (const c of cases) {
    describe(`${c.fn}: ${c.name}`, () => {
      for (const backend of BACKENDS) {
        it(`${backend}: loss to 1e-12 and equal to ${c.fn}, gradient to ${GRAD_TOL} of its scale, every layout`, () => {
          const options = { ...c.options, backend };
          for (const [predName, yPred] of predLayouts(c)) {
            for (const [trueName, yTrue] of trueLayouts(c)) {
              const where = `${predName}, ${trueName}`;
              const result = GRAD[c.fn](yTrue, yPred, options);
              expect(result.grad, where).toBeInstanceOf(Float64Array);
              expect(notFinite(result.grad), `${where}: non-finite gradient entries`).toEqual([]);
              expect(gradErrors(result.grad, c), where).toEqual([]);
              expectLossClose(result.loss, c, where);
              expect(sameLoss(result.loss, LOSS[c.fn](yTrue, yPred, options)), where).toEqual([]);
            }
          }
        });

        it(`${backend}: gradOut (Float64Array, Float32Array) is filled and returned`, () => {
          const yPred = firstLayout(c);
          const options = { ...c.options, backend };
          const plain = LOSS[c.fn](c.yTrue, yPred, options);
          const size = c.shape[0] * c.shape[1];

          const out64 = new Float64Array(size).fill(NaN);
          const r64 = GRAD[c.fn](c.yTrue, yPred, { ...options, gradOut: out64 });
          expect(r64.grad).toBe(out64);
          expect(gradErrors(out64, c), 'Float64Array gradOut').toEqual([]);
          expect(sameLoss(r64.loss, plain), 'loss with a Float64Array gradOut').toEqual([]);

          const out32 = new Float32Array(size).fill(NaN);
          const r32 = GRAD[c.fn](c.yTrue, yPred, { ...options, gradOut: out32 });
          expect(r32.grad).toBe(out32);
          expect(gradErrors(out32, c, true), 'Float32Array gradOut').toEqual([]);
          expect(sameLoss(r32.loss, plain), 'loss with a Float32Array gradOut').toEqual([]);
        });
      }
    });
  }
});
}

referenceSuite('focalLossGrad / binaryFocalLossGrad against mpmath (test/fixtures/generate-gradients.py)', cases, 200);
referenceSuite('Poly-1 against mpmath (test/fixtures/generate-family.py)', polyCases, 60);

// --- gradOut -----------------------------------------------------------------------------------

describe('gradOut', () => {
  const focalCase = cases.find((c) => c.fn === 'focalLoss' && !c.dtype && reductionOf(c.options) === 'mean')!;
  const binaryCase = cases.find((c) => c.fn === 'binaryFocalLoss' && !c.dtype && isRows(c.yPred))!;

  for (const backend of BACKENDS) {
    for (const c of [focalCase, binaryCase]) {
      const size = c.shape[0] * c.shape[1];
      const options = { ...c.options, backend };
      const call = (gradOut: unknown) => GRAD[c.fn](c.yTrue, c.yPred, { ...options, gradOut });

      it(`${backend}, ${c.fn}: a view into a larger buffer is written in place, its neighbours untouched`, () => {
        for (const Ctor of [Float64Array, Float32Array]) {
          const buffer = new Ctor(size + 5).fill(7);
          const view = buffer.subarray(2, 2 + size);
          expect(call(view).grad).toBe(view);
          expect(gradErrors(view, c, Ctor === Float32Array)).toEqual([]);
          expect([buffer[0], buffer[1], buffer[size + 2], buffer[size + 3], buffer[size + 4]]).toEqual([7, 7, 7, 7, 7]);
        }
      });

      it(`${backend}, ${c.fn}: a gradOut of the wrong length is a RangeError naming gradOut`, () => {
        for (const out of [new Float64Array(size - 1), new Float64Array(size + 1), new Float32Array(size + 1), new Float64Array(0)]) {
          expect(() => call(out), `${out.constructor.name}(${out.length})`).toThrow(RangeError);
          expect(() => call(out)).toThrow(/gradOut/);
        }
      });

      it(`${backend}, ${c.fn}: a gradOut that is not a Float64Array or Float32Array is a TypeError naming gradOut`, () => {
        const wrong: Array<[string, unknown]> = [
          ['number[]', new Array<number>(size).fill(0)],
          ['Int32Array', new Int32Array(size)],
          ['Uint8Array', new Uint8Array(size * 8)],
          ['BigInt64Array', new BigInt64Array(size)],
          ['ArrayBuffer', new ArrayBuffer(size * 8)],
          ['DataView', new DataView(new ArrayBuffer(size * 8))],
          ['array-like object', { length: size }],
          ['number', size],
          ['string', 'gradOut'],
          ['null', null],
        ];
        for (const [name, out] of wrong) {
          expect(() => call(out), name).toThrow(TypeError);
          expect(() => call(out), name).toThrow(/gradOut/);
        }
        // The library works normally after the errors.
        expect(gradErrors(GRAD[c.fn](c.yTrue, c.yPred, options).grad, c)).toEqual([]);
      });
    }
  }
});

// --- By hand: gamma = 0 is cross-entropy, whose gradient is textbook ----------------------------

describe('gamma = 0 by hand', () => {
  const rows = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.25, 0.25, 0.5]];
  const labels = [1, 0, 2];
  const close = (got: ArrayLike<number>, want: number[]) =>
    gradMismatches(got, want, 1, want.length, false, 1e-13);

  for (const backend of BACKENDS) {
    it(`${backend}: probabilities, mean: d/dp_t of -ln p_t / N is -1 / (N p_t), 0 elsewhere`, () => {
      const { grad } = GRAD.focalLoss(labels, rows, { gamma: 0, backend });
      const want = rows.flatMap((r, i) => r.map((p, c) => (c === labels[i] ? -1 / (3 * p) : 0)));
      expect(close(grad, want)).toEqual([]);
    });

    it(`${backend}: logits, sum: softmax - one-hot`, () => {
      const { grad } = GRAD.focalLoss(labels, rows, { gamma: 0, fromLogits: true, reduction: 'sum', backend });
      const want = rows.flatMap((r, i) => {
        const z = r.reduce((s, x) => s + Math.exp(x), 0);
        return r.map((x, c) => Math.exp(x) / z - (c === labels[i] ? 1 : 0));
      });
      expect(close(grad, want)).toEqual([]);
    });

    it(`${backend}: binary probabilities, sum: -t / p + (1 - t) / (1 - p)`, () => {
      const p = [0.2, 0.7, 0.5, 0.9];
      const t = [1, 0, 0.25, 1];
      const { grad } = GRAD.binaryFocalLoss(t, p, { gamma: 0, reduction: 'sum', backend });
      expect(close(grad, p.map((v, e) => -t[e] / v + (1 - t[e]) / (1 - v)))).toEqual([]);
    });

    it(`${backend}: binary logits, mean: (sigmoid(x) - t) / N`, () => {
      const x = [-3, 0.5, 2, 7];
      const t = [1, 0, 0.25, 1];
      const { grad } = GRAD.binaryFocalLoss(t, x, { gamma: 0, fromLogits: true, backend });
      expect(close(grad, x.map((v, e) => (1 / (1 + Math.exp(-v)) - t[e]) / 4))).toEqual([]);
    });
  }
});

// --- Laws (fast-check) -------------------------------------------------------------------------

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
