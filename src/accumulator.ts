import type { BackendChoice } from './backend/loader.js';
import { show } from './errors.js';
import { PER_CLASS_SLOTS } from './kernels/frame.js';
import { readBinaryFocalLossOptions, type BinaryFocalLossSettings } from './options/binary-focal-loss-options.js';
import { epsilonFor, type Reduction } from './options/common.js';
import { readFocalLossOptions, type FocalLossSettings } from './options/focal-loss-options.js';
import { arrayOption, ownOptions } from './options/read.js';
import { computeLoss } from './pipeline/compute.js';
import { describeBatch } from './shape.js';

/** Options of {@link createFocalLossAccumulator}: fixed for every update. */
export interface FocalLossAccumulatorOptions {
  gamma?: number;
  alpha?: number | ArrayLike<number>;
  fromLogits?: boolean;
  epsilon?: number | 'auto';
  ignoreIndex?: number;
  labelSmoothing?: number;
  /** C; otherwise taken from the first update. */
  classes?: number;
  backend?: BackendChoice;
}

/** Options of {@link createBinaryFocalLossAccumulator}. */
export interface BinaryFocalLossAccumulatorOptions {
  gamma?: number;
  alpha?: number;
  fromLogits?: boolean;
  epsilon?: number | 'auto';
  labelSmoothing?: number;
  /** K, the labels per sample; otherwise taken from the first update. */
  classes?: number;
  backend?: BackendChoice;
}

/** Count, loss sum and mean of one class (binary: one label column). */
export interface ClassSummary {
  count: number;
  sum: number;
  mean: number;
}

export interface AccumulatorSummary {
  /** Samples counted (binary: elements); ignored samples are not. */
  count: number;
  weightSum: number;
  /** Σ w·loss. */
  sum: number;
  /** sum / count (0 when nothing was counted). */
  mean: number;
  /** Per true class of class-index targets (binary: per label column). */
  perClass: ClassSummary[];
}

/**
 * An accumulator's whole state as plain JSON: options, and every sum with its compensation
 * term. Non-finite numbers are written as the strings "Infinity", "-Infinity", "NaN".
 */
export interface AccumulatorState {
  format: 'focal-loss-wasm/accumulator@1';
  loss: 'focalLoss' | 'binaryFocalLoss';
  /** The options that decide the numbers; partials merge only when these agree. */
  options: Record<string, number | string | boolean | number[] | null>;
  /** C (binary: K), or null before the first update. */
  classes: number | null;
  /** The clipping epsilon in use ('auto' is settled by the first chunk's dtype), or null before. */
  epsilon: number | null;
  /** [sum, carry]. */
  sum: [JsonNumber, JsonNumber];
  count: number;
  weightSum: [JsonNumber, JsonNumber];
  /** Per class: [sum, carry, count, weight sum]. */
  perClass: Array<[JsonNumber, JsonNumber, number, JsonNumber]>;
}

type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/**
 * A running focal loss over data that arrives in pieces: `update()` takes chunks of any size
 * (the same inputs and checks as focalLoss), `result()` equals the one-shot call on their
 * concatenation. States merge associatively and commutatively (sums keep their Neumaier
 * compensation terms), so shards computed anywhere combine exactly. Holds O(C) numbers.
 */
export interface FocalLossAccumulator<Y = unknown, P = unknown> {
  /** Adds a chunk; a chunk that fails validation throws and leaves the accumulator as it was. */
  update(yTrue: Y, yPred: P, sampleWeight?: ArrayLike<number>): this;
  /** 'mean' (default), 'sum' or 'weightedMean' of everything seen. */
  result(reduction?: Reduction): number;
  summary(): AccumulatorSummary;
  state(): AccumulatorState;
  /** Adds another accumulator's (or state's) data; both must use the same options. */
  merge(other: FocalLossAccumulator<Y, P> | AccumulatorState): this;
}

const MULTI_KEYS = ['gamma', 'alpha', 'fromLogits', 'epsilon', 'ignoreIndex', 'labelSmoothing', 'classes', 'backend'];
const BINARY_KEYS = ['gamma', 'alpha', 'fromLogits', 'epsilon', 'labelSmoothing', 'classes', 'backend'];
const FORMAT = 'focal-loss-wasm/accumulator@1';

/** A streaming accumulator of focalLoss. */
export function createFocalLossAccumulator(options?: FocalLossAccumulatorOptions): FocalLossAccumulator<
  ArrayLike<number> | ArrayLike<ArrayLike<number>>, ArrayLike<number> | ArrayLike<ArrayLike<number>>
> {
  const fn = 'createFocalLossAccumulator';
  const o = ownOptions(fn, options, MULTI_KEYS);
  return new Accumulator('focalLoss', readFocalLossOptions('focalLossAccumulator.update', o));
}
createFocalLossAccumulator.fromState = (state: AccumulatorState) => fromState(state, 'focalLoss');

/** A streaming accumulator of binaryFocalLoss, with statistics per label column. */
export function createBinaryFocalLossAccumulator(options?: BinaryFocalLossAccumulatorOptions): FocalLossAccumulator<
  ArrayLike<number> | ArrayLike<ArrayLike<number>>, ArrayLike<number> | ArrayLike<ArrayLike<number>>
> {
  const fn = 'createBinaryFocalLossAccumulator';
  const o = ownOptions(fn, options, BINARY_KEYS);
  return new Accumulator('binaryFocalLoss', readBinaryFocalLossOptions('binaryFocalLossAccumulator.update', o));
}
createBinaryFocalLossAccumulator.fromState = (state: AccumulatorState) => fromState(state, 'binaryFocalLoss');

class Accumulator {
  private classes: number | null;
  private epsilon: number | null = null;
  private readonly sum: [number, number] = [0, 0];
  private count = 0;
  private readonly weightSum: [number, number] = [0, 0];
  private perClass: Float64Array | null = null;

  constructor(
    readonly loss: 'focalLoss' | 'binaryFocalLoss',
    private readonly settings: FocalLossSettings | BinaryFocalLossSettings,
  ) {
    this.classes = settings.classes ?? null;
    if (settings.epsilon !== 'auto') this.epsilon = settings.epsilon;
  }

  private get fn(): string {
    return `${this.loss}Accumulator`;
  }

  update(yTrue: unknown, yPred: unknown, sampleWeight?: unknown): this {
    const fn = `${this.fn}.update`;
    const s = { ...this.settings, fn, sampleWeight: arrayOption(fn, 'sampleWeight', sampleWeight, 'an array of per-sample weights') };
    const binary = this.loss === 'binaryFocalLoss';
    const batch = describeBatch(fn, yTrue, yPred, this.classes ?? undefined, binary);
    // epsilon 'auto' follows the first chunk's dtype, so every chunk is clipped alike.
    const epsilon = this.epsilon ?? epsilonFor('auto', batch.f32);
    const evaluation = binary
      ? computeLoss({ loss: 'binaryFocalLoss', settings: { ...(s as BinaryFocalLossSettings), reduction: 'sum' } }, batch, null, true, epsilon)
      : computeLoss({ loss: 'focalLoss', settings: { ...(s as FocalLossSettings), reduction: 'sum' } }, batch, null, true, epsilon);
    this.add(batch.classes, epsilon, evaluation.totals.sum, 0, evaluation.totals.count, evaluation.totals.weightSum, 0, evaluation.perClass!);
    return this;
  }

  private add(
    classes: number, epsilon: number, sum: number, sumCarry: number, count: number, weightSum: number, weightCarry: number,
    perClass: Float64Array,
  ): void {
    this.classes = classes;
    this.epsilon = epsilon;
    addCompensated(this.sum, sum, sumCarry);
    this.count += count;
    addCompensated(this.weightSum, weightSum, weightCarry);
    if (this.perClass === null) this.perClass = new Float64Array(classes * PER_CLASS_SLOTS);
    for (let c = 0; c < classes; c++) {
      const at = c * PER_CLASS_SLOTS;
      const pair: [number, number] = [this.perClass[at], this.perClass[at + 1]];
      addCompensated(pair, perClass[at], perClass[at + 1]);
      this.perClass[at] = pair[0];
      this.perClass[at + 1] = pair[1];
      this.perClass[at + 2] += perClass[at + 2];
      this.perClass[at + 3] += perClass[at + 3];
    }
  }

  result(reduction: Reduction = 'mean'): number {
    const fn = `${this.fn}.result`;
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'weightedMean') {
      throw new RangeError(`${fn}: reduction must be "mean", "sum" or "weightedMean", got ${show(reduction)}`);
    }
    const sum = value(this.sum);
    if (reduction === 'sum') return sum;
    const divisor = reduction === 'mean' ? this.count : value(this.weightSum);
    return divisor === 0 ? 0 : sum / divisor;
  }

  summary(): AccumulatorSummary {
    const perClass: ClassSummary[] = [];
    for (let c = 0; c < (this.classes ?? 0); c++) {
      const at = c * PER_CLASS_SLOTS;
      const count = this.perClass === null ? 0 : this.perClass[at + 2];
      const sum = this.perClass === null ? 0 : value([this.perClass[at], this.perClass[at + 1]]);
      perClass.push({ count, sum, mean: count === 0 ? 0 : sum / count });
    }
    return { count: this.count, weightSum: value(this.weightSum), sum: this.result('sum'), mean: this.result('mean'), perClass };
  }

  state(): AccumulatorState {
    const perClass: AccumulatorState['perClass'] = [];
    // An accumulator that knows C but has seen nothing reports C empty classes.
    const p = this.perClass ?? new Float64Array((this.classes ?? 0) * PER_CLASS_SLOTS);
    for (let c = 0; c < (this.classes ?? 0); c++) {
      const at = c * PER_CLASS_SLOTS;
      perClass.push([json(p[at]), json(p[at + 1]), p[at + 2], json(p[at + 3])]);
    }
    return {
      format: FORMAT,
      loss: this.loss,
      options: this.identity(),
      classes: this.classes,
      epsilon: this.epsilon,
      sum: [json(this.sum[0]), json(this.sum[1])],
      count: this.count,
      weightSum: [json(this.weightSum[0]), json(this.weightSum[1])],
      perClass,
    };
  }

  /** The options that decide the numbers, as JSON: two partials merge only if these agree. */
  identity(): AccumulatorState['options'] {
    const s = this.settings;
    const alpha = s.alpha;
    return {
      gamma: s.gamma,
      alpha: alpha === undefined || alpha === -1 ? null : typeof alpha === 'number' ? alpha : Array.from(alpha),
      fromLogits: s.fromLogits,
      epsilon: s.epsilon,
      ignoreIndex: 'ignoreIndex' in s && s.ignoreIndex !== undefined ? s.ignoreIndex : null,
      labelSmoothing: s.labelSmoothing,
    };
  }

  merge(other: unknown): this {
    const fn = `${this.fn}.merge`;
    const state = other instanceof Accumulator ? other.state() : checkState(fn, other);
    if (state.loss !== this.loss) {
      throw new TypeError(`${fn}: cannot merge a ${state.loss} accumulator into a ${this.loss} one`);
    }
    const mine = this.identity();
    for (const key of Object.keys(mine)) {
      const a = JSON.stringify(mine[key]);
      const b = JSON.stringify(state.options[key] ?? null);
      if (a !== b) throw new RangeError(`${fn}: the partials were made with different options: ${key} is ${a} here and ${b} there`);
    }
    if (state.classes === null || state.epsilon === null) return this;
    if (this.classes !== null && this.classes !== state.classes) {
      throw new RangeError(`${fn}: the partials have ${this.classes} and ${state.classes} classes`);
    }
    if (this.epsilon !== null && this.epsilon !== state.epsilon) {
      throw new RangeError(
        `${fn}: the partials clip with epsilon ${this.epsilon} and ${state.epsilon} (epsilon "auto" follows the first chunk's dtype)`,
      );
    }
    const perClass = new Float64Array(state.classes * PER_CLASS_SLOTS);
    state.perClass.forEach((entry, c) => perClass.set(entry.map(number), c * PER_CLASS_SLOTS));
    this.add(
      state.classes, state.epsilon, number(state.sum[0]), number(state.sum[1]), state.count,
      number(state.weightSum[0]), number(state.weightSum[1]), perClass,
    );
    return this;
  }
}

function fromState(state: unknown, loss: 'focalLoss' | 'binaryFocalLoss') {
  const fn = `create${loss[0].toUpperCase()}${loss.slice(1)}Accumulator.fromState`;
  const s = checkState(fn, state);
  if (s.loss !== loss) throw new TypeError(`${fn}: the state is of a ${s.loss} accumulator`);
  const o = s.options;
  const options: Record<string, unknown> = {
    gamma: o.gamma,
    fromLogits: o.fromLogits,
    labelSmoothing: o.labelSmoothing,
    epsilon: o.epsilon,
    ...(o.alpha === null ? {} : { alpha: o.alpha }),
    ...(o.ignoreIndex === null || o.ignoreIndex === undefined ? {} : { ignoreIndex: o.ignoreIndex }),
    ...(s.classes === null ? {} : { classes: s.classes }),
  };
  const accumulator = loss === 'focalLoss'
    ? createFocalLossAccumulator(options as FocalLossAccumulatorOptions)
    : createBinaryFocalLossAccumulator(options as BinaryFocalLossAccumulatorOptions);
  return accumulator.merge(s);
}

function checkState(fn: string, value: unknown): AccumulatorState {
  const s = value as AccumulatorState;
  const ok = typeof value === 'object' && value !== null && s.format === FORMAT &&
    (s.loss === 'focalLoss' || s.loss === 'binaryFocalLoss') && typeof s.options === 'object' && s.options !== null &&
    (s.classes === null || (Number.isSafeInteger(s.classes) && s.classes > 0)) && isPair(s.sum) && isPair(s.weightSum) &&
    (s.epsilon === null || (typeof s.epsilon === 'number' && s.epsilon >= 0 && s.epsilon < 0.5)) &&
    Number.isSafeInteger(s.count) && s.count >= 0 && Array.isArray(s.perClass) &&
    (s.classes === null ? s.perClass.length === 0 : s.perClass.length === s.classes) &&
    s.perClass.every((e) => Array.isArray(e) && e.length === 4 && e.every((v) => isJsonNumber(v)));
  if (!ok) throw new TypeError(`${fn}: not an accumulator state (expected what state() returns, format "${FORMAT}"), got ${show(value)}`);
  return s;
}

const isJsonNumber = (v: unknown): v is JsonNumber =>
  typeof v === 'number' || v === 'Infinity' || v === '-Infinity' || v === 'NaN';
const isPair = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && v.every(isJsonNumber);
const json = (x: number): JsonNumber => (Number.isFinite(x) ? x : (String(x) as JsonNumber));
const number = (x: JsonNumber): number => (typeof x === 'number' ? x : Number(x));
const value = (pair: [number, number]): number => (Number.isFinite(pair[0]) ? pair[0] + pair[1] : pair[0]);

/** Adds (x, xCarry) to a compensated (sum, carry) pair, Neumaier's way. */
function addCompensated(pair: [number, number], x: number, xCarry: number): void {
  const sum = pair[0];
  const t = sum + x;
  pair[1] += (Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum) + xCarry;
  pair[0] = t;
}
