import type { BackendChoice } from '../backend/loader.js';
import { show } from '../errors/show.js';
import type { ArrayOption } from './read.js';
import { fail } from '../errors/detail.js';

/** How per-sample losses combine into one number. */
export type Reduction = 'mean' | 'sum' | 'weightedMean';

/**
 * Options with `reduction: 'none'`, which returns every sample's loss instead of one number.
 * A separate type, so that a variable of an options type keeps its `number` result.
 */
export type PerSample<O> = Omit<O, 'reduction'> & { reduction: 'none' };

/** Options shared by every loss. Every field is optional; `undefined` is the same as absent. */
export interface LossOptions {
  /**
   * 'mean' (default): Σ w·loss / counted samples (or / normalizer); 'sum'; 'weightedMean':
   * Σ w·loss / Σ w. `reduction: 'none'` (see {@link PerSample}) returns each sample's loss.
   */
  reduction?: Reduction;
  /** yPred holds unnormalised scores (logits) instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε]; 'auto' is the input's machine epsilon. Default 1e-7. */
  epsilon?: number | 'auto';
  /** One finite weight ≥ 0 per sample, multiplied into its loss. */
  sampleWeight?: ArrayLike<number>;
  /** A positive number the weighted sum is divided by instead of the sample count ('mean' only). */
  normalizer?: number;
  /** Default 'auto'. */
  backend?: BackendChoice;
  /**
   * The class axis of yPred (binaryFocalLoss: its label axis), Keras' name: -1 (default) is
   * the last, 1 is channels-first maps ([N, C, H, W]); negative values count from the end.
   * It applies where yPred has dimensions: a tensor, a nested array of rank ≥ 3, or `shape`.
   */
  axis?: number;
  /**
   * yPred's dimensions when it is a flat buffer or flat array (their product must be its
   * length), e.g. `[N, C, H, W]` with `axis: 1`. yTrue is then class indices of yPred's shape
   * without the class axis (flat, or nested alike), or targets of yPred's shape.
   */
  shape?: readonly number[];
}

/** Options of both focal losses (focalLoss, binaryFocalLoss). */
export interface CommonOptions extends LossOptions {
  /** Focusing parameter γ ≥ 0; 0 gives (weighted) cross-entropy. Default 2. */
  gamma?: number;
  /** s in [0, 1]: targets become y·(1 − s) + s / C (binary: s / 2). Default 0. */
  labelSmoothing?: number;
  /**
   * Poly-1 (Leng et al., ICLR 2022): ε ≥ −1 adds ε·(1 − p_t)^(γ+1) to each focal term (α weighs
   * the focal term only, sample weights both). Default 0, the focal loss itself.
   */
  poly1?: number;
}

/** The checked options every loss takes (see schema.ts). */
export interface CommonSettings {
  fn: string;
  reduction: Reduction | 'none';
  fromLogits: boolean;
  epsilon: number | 'auto';
  sampleWeight: ArrayOption | undefined;
  normalizer: number | undefined;
  backend: BackendChoice;
  gradOut: Float64Array | Float32Array | undefined;
  axis: number;
  shape: number[] | undefined;
}

/** The options every loss takes, from what readOptions() checked, with the checks between options. */
export function commonSettings(fn: string, o: Record<string, unknown>): CommonSettings {
  const s = {
    fn,
    reduction: o.reduction as CommonSettings['reduction'],
    fromLogits: o.fromLogits as boolean,
    epsilon: o.epsilon as number | 'auto',
    sampleWeight: o.sampleWeight as ArrayOption | undefined,
    normalizer: o.normalizer as number | undefined,
    backend: o.backend as BackendChoice,
    gradOut: o.gradOut as Float64Array | Float32Array | undefined,
    axis: o.axis as number,
    shape: o.shape as number[] | undefined,
  };
  if (s.normalizer !== undefined && s.reduction !== 'mean') {
    throw fail(RangeError, fn)`normalizer applies to reduction "mean" only, got reduction ${show(s.reduction)}`;
  }
  return s;
}

/** The clipping epsilon for an input: 'auto' is its machine epsilon. */
export function epsilonFor(epsilon: number | 'auto', f32: boolean): number {
  if (epsilon !== 'auto') return epsilon;
  return f32 ? 2 ** -23 : 2 ** -52;
}
