// What the gradient tests (test/gradient-reference, -gradout, -cross-entropy and -laws) share:
// the API under test as they call it, the mpmath reference cases of
// test/fixtures/generate-gradients.py, and the comparison of a gradient with its expected
// values (each entry within a tolerance of the largest entry of the case, or of its row).
import { binaryFocalLoss, binaryFocalLossGrad, focalLoss, focalLossGrad } from '../src/index.js';
import ref from './fixtures/gradients.json' with { type: 'json' };

// --- The API under test, as the tests use it ------------------------------------------------
// Typed loosely on purpose: the tests pass options built at run time (Record<string, unknown>),
// and the casts hold whatever overloads the library declares.
export type Fn = 'focalLoss' | 'binaryFocalLoss';
export type Options = Record<string, unknown>;
export type Input = ArrayLike<number> | ArrayLike<ArrayLike<number>>;
interface GradResult {
  loss: number | Float64Array;
  grad: Float64Array | Float32Array;
}
type GradFn = (yTrue: Input, yPred: Input, options?: Options) => GradResult;
type LossFn = (yTrue: Input, yPred: Input, options?: Options) => number | Float64Array;

export const GRAD: Record<Fn, GradFn> = {
  focalLoss: (yTrue, yPred, options) => (focalLossGrad as unknown as GradFn)(yTrue, yPred, options),
  binaryFocalLoss: (yTrue, yPred, options) => (binaryFocalLossGrad as unknown as GradFn)(yTrue, yPred, options),
};
export const LOSS: Record<Fn, LossFn> = {
  focalLoss: focalLoss as unknown as LossFn,
  binaryFocalLoss: binaryFocalLoss as unknown as LossFn,
};

// --- Reference cases ---------------------------------------------------------------------------
export interface GradCase {
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

export const cases = (ref as unknown as { cases: GradCase[] }).cases;

/** Slack for entries whose exact value underflows float64: they must be 0 or nearly so. */
export const ABS_FLOOR = 1e-300;
/** Gradient entries: within this times the largest |exact entry| of the case (row for 'none'). */
export const GRAD_TOL = 1e-11;

export const reductionOf = (options: Options) => (options.reduction ?? 'mean') as string;
export const isRows = (v: Input): v is ArrayLike<ArrayLike<number>> => !ArrayBuffer.isView(v) && typeof v[0] === 'object';
export const flatten = (v: Input): number[] => (isRows(v) ? Array.from(v, (r) => Array.from(r)).flat() : Array.from(v));

function maxAbs(values: ArrayLike<number>, from = 0, to = values.length): number {
  let m = 0;
  for (let j = from; j < to; j++) m = Math.max(m, Math.abs(values[j]));
  return m;
}

/** The scale each entry is compared at: the largest |entry| of the case, or of its row for 'none'. */
export function scales(want: ArrayLike<number>, n: number, r: number, perRow: boolean): Float64Array {
  const out = new Float64Array(n * r);
  const all = maxAbs(want);
  for (let i = 0; i < n; i++) out.fill(perRow ? maxAbs(want, i * r, (i + 1) * r) : all, i * r, (i + 1) * r);
  return out;
}

/**
 * Entries of `got` farther from `want` than tol * scale (+ the floor), or not finite. With
 * `float32`, also the rounding of a float32 store: 2^-24 |want| (and 2^-149 for subnormals).
 */
export function gradMismatches(
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

export const gradErrors = (got: ArrayLike<number>, c: GradCase, float32 = false) =>
  gradMismatches(got, c.grad, c.shape[0], c.shape[1], reductionOf(c.options) === 'none', GRAD_TOL, float32);


export function notFinite(values: ArrayLike<number>): number[] {
  const bad: number[] = [];
  for (let j = 0; j < values.length; j++) if (!Number.isFinite(values[j])) bad.push(j);
  return bad;
}
