import type { BackendChoice } from '../backend/loader.js';
import { describe, show } from '../errors.js';
import { arrayOption, finiteNonNegative, numberIn, oneOf, type ArrayOption } from './read.js';

/** How per-sample losses combine into one number. */
export type Reduction = 'mean' | 'sum' | 'weightedMean';

/**
 * Options with `reduction: 'none'`, which returns every sample's loss instead of one number.
 * A separate type, so that a variable of an options type keeps its `number` result.
 */
export type PerSample<O> = Omit<O, 'reduction'> & { reduction: 'none' };

/** Options shared by every loss. Every field is optional; `undefined` is the same as absent. */
export interface CommonOptions {
  /** Focusing parameter γ ≥ 0; 0 gives (weighted) cross-entropy. Default 2. */
  gamma?: number;
  /**
   * 'mean' (default): Σ w·loss / counted samples (or / normalizer); 'sum'; 'weightedMean':
   * Σ w·loss / Σ w. `reduction: 'none'` (see {@link PerSample}) returns each sample's loss.
   */
  reduction?: Reduction;
  /** yPred holds unnormalised scores (logits) instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε]; 'auto' is the input's machine epsilon. Default 1e-7. */
  epsilon?: number | 'auto';
  /** s in [0, 1]: targets become y·(1 − s) + s / C (binary: s / 2). Default 0. */
  labelSmoothing?: number;
  /** One finite weight ≥ 0 per sample, multiplied into its loss. */
  sampleWeight?: ArrayLike<number>;
  /** A positive number the weighted sum is divided by instead of the sample count ('mean' only). */
  normalizer?: number;
  /**
   * Poly-1 (Leng et al., ICLR 2022): ε ≥ −1 adds ε·(1 − p_t)^(γ+1) to each sample's focal term
   * (α weighs the focal term only; sample weights weigh both). Default 0, the focal loss itself.
   */
  poly1?: number;
  /** Default 'auto'. */
  backend?: BackendChoice;
}

export const COMMON_KEYS = [
  'gamma', 'alpha', 'reduction', 'fromLogits', 'epsilon', 'labelSmoothing', 'sampleWeight', 'normalizer', 'poly1', 'backend',
] as const;

/** The checked common options. */
export interface CommonSettings {
  fn: string;
  gamma: number;
  reduction: Reduction | 'none';
  fromLogits: boolean;
  epsilon: number | 'auto';
  labelSmoothing: number;
  sampleWeight: ArrayOption | undefined;
  normalizer: number | undefined;
  poly1: number;
  backend: BackendChoice;
}

const REDUCTIONS = ['mean', 'sum', 'none', 'weightedMean'] as const;
const BACKENDS = ['auto', 'wasm', 'js'] as const;

export function readCommon(fn: string, o: Record<string, unknown>): CommonSettings {
  const gamma = o.gamma === undefined ? 2 : numberIn(fn, 'gamma', o.gamma, finiteNonNegative, 'finite and >= 0');
  if (o.fromLogits !== undefined && typeof o.fromLogits !== 'boolean') {
    throw new TypeError(`${fn}: fromLogits must be a boolean, got ${describe(o.fromLogits)}`);
  }
  let epsilon: number | 'auto' = 1e-7;
  if (o.epsilon === 'auto') epsilon = 'auto';
  else if (typeof o.epsilon === 'string') {
    throw new RangeError(`${fn}: epsilon must be a number in [0, 0.5) or "auto", got ${show(o.epsilon)}`);
  } else if (o.epsilon !== undefined) {
    epsilon = numberIn(fn, 'epsilon', o.epsilon, (v) => v >= 0 && v < 0.5, 'in [0, 0.5) or "auto"');
  }
  const labelSmoothing =
    o.labelSmoothing === undefined ? 0 : numberIn(fn, 'labelSmoothing', o.labelSmoothing, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  // A subnormal normalizer would make 1 / normalizer, the gradient's scale, infinite.
  const normalizer = o.normalizer === undefined
    ? undefined
    : numberIn(fn, 'normalizer', o.normalizer, (v) => v >= 2 ** -1022 && v < Infinity, 'finite and at least 2^-1022');
  const reduction = oneOf(fn, 'reduction', o.reduction, REDUCTIONS, 'mean');
  if (normalizer !== undefined && reduction !== 'mean') {
    throw new RangeError(`${fn}: normalizer applies to reduction "mean" only, got reduction ${show(reduction)}`);
  }
  return {
    fn,
    gamma,
    reduction,
    fromLogits: o.fromLogits === true,
    epsilon,
    labelSmoothing,
    sampleWeight: arrayOption(fn, 'sampleWeight', o.sampleWeight, 'an array of per-sample weights'),
    normalizer,
    poly1: o.poly1 === undefined ? 0 : numberIn(fn, 'poly1', o.poly1, (v) => v >= -1 && v < Infinity, 'finite and >= -1'),
    backend: oneOf(fn, 'backend', o.backend, BACKENDS, 'auto'),
  };
}

/** The clipping epsilon for an input: 'auto' is its machine epsilon. */
export function epsilonFor(epsilon: number | 'auto', f32: boolean): number {
  if (epsilon !== 'auto') return epsilon;
  return f32 ? 2 ** -23 : 2 ** -52;
}

/** `classes` pins C (binary: K) instead of inferring it from the shapes. */
export function readClasses(fn: string, value: unknown, name = 'classes'): number | undefined {
  if (value === undefined) return undefined;
  return numberIn(fn, name, value, (v) => Number.isSafeInteger(v) && v >= 1, 'a positive integer');
}

/** A gradient output buffer: a Float64Array or Float32Array (its length is checked against the batch). */
export function readGradOut(fn: string, value: unknown): Float64Array | Float32Array | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Float64Array || value instanceof Float32Array) return value;
  throw new TypeError(`${fn}: gradOut must be a Float64Array or Float32Array, got ${describe(value)}`);
}

