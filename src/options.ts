import type { Dtype } from './backend.js';

/**
 * How per-sample losses are combined: 'mean' (Σ w·loss / counted samples, or / normalizer),
 * 'sum', 'none' (the losses themselves), 'weightedMean' (Σ w·loss / Σ w).
 */
export type Reduction = 'mean' | 'sum' | 'none' | 'weightedMean';
/** Which implementation computes the loss; 'auto' is wasm when it instantiated, else JS. */
export type BackendChoice = 'auto' | 'wasm' | 'js';

/** Options shared by {@link focalLoss} and {@link binaryFocalLoss}. Every field is optional. */
export interface CommonOptions {
  /** Focusing parameter γ ≥ 0; 0 gives (weighted) cross-entropy. Default 2. */
  gamma?: number;
  /** Default 'mean'. */
  reduction?: Reduction;
  /** yPred holds unnormalised scores (logits) instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε]; 'auto' is the input's machine epsilon. Default 1e-7. */
  epsilon?: number | 'auto';
  /** s in [0, 1]: targets become y·(1 − s) + s / C (binary: s / 2). Default 0. */
  labelSmoothing?: number;
  /** One non-negative weight per sample, multiplied into its loss. */
  sampleWeight?: ArrayLike<number>;
  /** A positive number the weighted sum is divided by instead of the sample count ('mean' only). */
  normalizer?: number;
  /** Default 'auto'. */
  backend?: BackendChoice;
}

/** Options of {@link focalLoss}. */
export interface FocalLossOptions extends CommonOptions {
  /** Class weight α: one number for every class, or one weight per class. Default: none. */
  alpha?: number | ArrayLike<number>;
  /** Samples with this class index contribute 0 and are not counted. Class-index targets only. */
  ignoreIndex?: number;
}

/** Options of {@link binaryFocalLoss}. */
export interface BinaryFocalLossOptions extends CommonOptions {
  /** α in [0, 1] weighs positives, 1 − α negatives. Default: no weighting. */
  alpha?: number;
}

export interface Resolved {
  fn: string;
  gamma: number;
  alpha: number | ArrayLike<number> | undefined;
  reduction: Reduction;
  fromLogits: boolean;
  epsilon: number | 'auto';
  labelSmoothing: number;
  sampleWeight: ArrayLike<number> | undefined;
  normalizer: number | undefined;
  ignoreIndex: number | undefined;
  backend: BackendChoice;
}

const COMMON = ['gamma', 'alpha', 'reduction', 'fromLogits', 'epsilon', 'labelSmoothing', 'sampleWeight', 'normalizer', 'backend'];
const KNOWN: Record<string, Set<string>> = {
  focalLoss: new Set([...COMMON, 'ignoreIndex']),
  binaryFocalLoss: new Set(COMMON),
};
const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none', 'weightedMean'];
const BACKENDS: readonly string[] = ['auto', 'wasm', 'js'];

/** A value as error messages quote it. */
export const show = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value);

function oneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly string[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new TypeError(`${fn}: ${name} must be a string, got ${show(value)}`);
  if (!allowed.includes(value)) {
    throw new RangeError(`${fn}: ${name} must be one of ${allowed.map(show).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

function numberIn(fn: string, name: string, value: unknown, ok: (v: number) => boolean, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${show(value)}`);
  if (!ok(value)) throw new RangeError(`${fn}: ${name} must be ${what}, got ${show(value)}`);
  return value;
}

const finiteNonNegative = (v: number) => v >= 0 && v < Infinity;

/**
 * Reads the options of `fn` ('focalLoss' also takes the positional (gamma, alpha) form)
 * into one checked record. Checks that need the batch (lengths) happen later.
 */
export function resolveOptions(fn: 'focalLoss' | 'binaryFocalLoss', third: unknown, fourth?: unknown): Resolved {
  let o: FocalLossOptions;
  if (third === undefined || (typeof third === 'number' && fn === 'focalLoss')) {
    o = { gamma: third, alpha: fourth as FocalLossOptions['alpha'] };
  } else if (typeof third === 'object' && third !== null && !Array.isArray(third)) {
    if (fourth !== undefined) {
      throw new TypeError(`${fn}: pass alpha inside the options object, not as a fourth argument`);
    }
    o = third as FocalLossOptions;
    for (const key of Object.keys(o)) {
      if (!KNOWN[fn].has(key)) throw new TypeError(`${fn}: unknown option ${show(key)}`);
    }
  } else {
    const what = fn === 'focalLoss' ? 'gamma (a number) or an options object' : 'an options object';
    throw new TypeError(`${fn}: the third argument must be ${what}, got ${show(third)}`);
  }

  const gamma = o.gamma === undefined ? 2 : numberIn(fn, 'gamma', o.gamma, finiteNonNegative, 'finite and >= 0');
  const alpha = o.alpha;
  if (fn === 'binaryFocalLoss') {
    if (alpha !== undefined) numberIn(fn, 'alpha', alpha, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  } else if (typeof alpha === 'number') {
    numberIn(fn, 'alpha', alpha, finiteNonNegative, 'finite and >= 0');
  } else if (alpha !== undefined && !isArrayLike(alpha)) {
    throw new TypeError(`${fn}: alpha must be a number or an array of per-class weights, got ${show(alpha)}`);
  }
  if (o.fromLogits !== undefined && typeof o.fromLogits !== 'boolean') {
    throw new TypeError(`${fn}: fromLogits must be a boolean, got ${show(o.fromLogits)}`);
  }
  let epsilon: number | 'auto' = 1e-7;
  if (o.epsilon === 'auto') epsilon = 'auto';
  else if (typeof o.epsilon === 'string') {
    throw new RangeError(`${fn}: epsilon must be a number in [0, 0.5) or "auto", got ${show(o.epsilon)}`);
  } else if (o.epsilon !== undefined) {
    epsilon = numberIn(fn, 'epsilon', o.epsilon, (v) => v >= 0 && v < 0.5, 'in [0, 0.5) or "auto"');
  }
  const ignoreIndex =
    o.ignoreIndex === undefined ? undefined : numberIn(fn, 'ignoreIndex', o.ignoreIndex, Number.isSafeInteger, 'an integer');
  const labelSmoothing =
    o.labelSmoothing === undefined ? 0 : numberIn(fn, 'labelSmoothing', o.labelSmoothing, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  const normalizer =
    o.normalizer === undefined ? undefined : numberIn(fn, 'normalizer', o.normalizer, (v) => v > 0 && v < Infinity, 'finite and > 0');
  const reduction = oneOf<Reduction>(fn, 'reduction', o.reduction, REDUCTIONS, 'mean');
  if (normalizer !== undefined && reduction !== 'mean') {
    throw new RangeError(`${fn}: normalizer applies to reduction "mean" only, got reduction ${show(reduction)}`);
  }
  const sampleWeight = o.sampleWeight;
  if (sampleWeight !== undefined && !isArrayLike(sampleWeight)) {
    throw new TypeError(`${fn}: sampleWeight must be an array of per-sample weights, got ${show(sampleWeight)}`);
  }
  return {
    fn,
    gamma,
    alpha,
    reduction,
    fromLogits: o.fromLogits ?? false,
    epsilon,
    labelSmoothing,
    sampleWeight,
    normalizer,
    ignoreIndex,
    backend: oneOf(fn, 'backend', o.backend, BACKENDS, 'auto'),
  };
}

export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as ArrayLike<unknown>).length === 'number';
}

/** The clipping epsilon for an input dtype: 'auto' is its machine epsilon. */
export function epsilonFor(epsilon: number | 'auto', dtype: Dtype): number {
  if (epsilon !== 'auto') return epsilon;
  return dtype === 'f32' ? 2 ** -23 : 2 ** -52;
}
