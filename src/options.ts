import type { Dtype } from './backend.js';

/** How per-sample losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';
/** Which implementation computes the loss; 'auto' is wasm when it instantiated, else JS. */
export type BackendChoice = 'auto' | 'wasm' | 'js';

/** Options of {@link focalLoss}. Every field is optional. */
export interface FocalLossOptions {
  /** Focusing parameter γ ≥ 0; 0 gives (weighted) cross-entropy. Default 2. */
  gamma?: number;
  /** Class weight α: one number for every class, or one weight per class. Default: none. */
  alpha?: number | ArrayLike<number>;
  /** 'mean' (default): Σ loss / counted samples; 'sum'; 'none': a Float64Array of N losses. */
  reduction?: Reduction;
  /** yPred holds unnormalised scores (logits); a stable log-softmax is applied per row. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε]; 'auto' is the input's machine epsilon. Default 1e-7. */
  epsilon?: number | 'auto';
  /** Samples with this label contribute 0 and are not counted in the mean. */
  ignoreIndex?: number;
  /** Default 'auto'. */
  backend?: BackendChoice;
}

export interface Resolved {
  gamma: number;
  alpha: number | ArrayLike<number> | undefined;
  reduction: Reduction;
  fromLogits: boolean;
  epsilon: number | 'auto';
  ignoreIndex: number | undefined;
  backend: BackendChoice;
}

const KNOWN = new Set(['gamma', 'alpha', 'reduction', 'fromLogits', 'epsilon', 'ignoreIndex', 'backend']);
const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];
const BACKENDS: readonly string[] = ['auto', 'wasm', 'js'];

const show = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value);
export { show };

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly string[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new TypeError(`focalLoss: ${name} must be a string, got ${show(value)}`);
  if (!allowed.includes(value)) {
    throw new RangeError(`focalLoss: ${name} must be one of ${allowed.map(show).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

function numberIn(name: string, value: unknown, ok: (v: number) => boolean, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`focalLoss: ${name} must be a number, got ${show(value)}`);
  if (!ok(value)) throw new RangeError(`focalLoss: ${name} must be ${what}, got ${show(value)}`);
  return value;
}

/** Reads the positional (gamma, alpha) or options form into one checked record. */
export function resolveOptions(third: unknown, fourth: unknown): Resolved {
  let o: FocalLossOptions;
  if (third === undefined || typeof third === 'number') {
    o = { gamma: third, alpha: fourth as FocalLossOptions['alpha'] };
  } else if (typeof third === 'object' && third !== null && !Array.isArray(third)) {
    if (fourth !== undefined) {
      throw new TypeError('focalLoss: pass alpha inside the options object, not as a fourth argument');
    }
    o = third as FocalLossOptions;
    for (const key of Object.keys(o)) {
      if (!KNOWN.has(key)) throw new TypeError(`focalLoss: unknown option ${show(key)}`);
    }
  } else {
    throw new TypeError(`focalLoss: the third argument must be gamma (a number) or an options object, got ${show(third)}`);
  }

  const gamma =
    o.gamma === undefined ? 2 : numberIn('gamma', o.gamma, (v) => v >= 0 && v < Infinity, 'finite and >= 0');
  const alpha = o.alpha;
  if (alpha !== undefined && typeof alpha === 'number') {
    numberIn('alpha', alpha, (v) => v >= 0 && v < Infinity, 'finite and >= 0');
  } else if (alpha !== undefined && !isArrayLike(alpha)) {
    throw new TypeError(`focalLoss: alpha must be a number or an array of per-class weights, got ${show(alpha)}`);
  }
  if (o.fromLogits !== undefined && typeof o.fromLogits !== 'boolean') {
    throw new TypeError(`focalLoss: fromLogits must be a boolean, got ${show(o.fromLogits)}`);
  }
  let epsilon: number | 'auto' = 1e-7;
  if (o.epsilon === 'auto') epsilon = 'auto';
  else if (typeof o.epsilon === 'string') {
    throw new RangeError(`focalLoss: epsilon must be a number in [0, 0.5) or "auto", got ${show(o.epsilon)}`);
  } else if (o.epsilon !== undefined) {
    epsilon = numberIn('epsilon', o.epsilon, (v) => v >= 0 && v < 0.5, 'in [0, 0.5) or "auto"');
  }
  const ignoreIndex =
    o.ignoreIndex === undefined
      ? undefined
      : numberIn('ignoreIndex', o.ignoreIndex, Number.isSafeInteger, 'an integer');
  return {
    gamma,
    alpha,
    reduction: oneOf('reduction', o.reduction, REDUCTIONS, 'mean'),
    fromLogits: o.fromLogits ?? false,
    epsilon,
    ignoreIndex,
    backend: oneOf('backend', o.backend, BACKENDS, 'auto'),
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
