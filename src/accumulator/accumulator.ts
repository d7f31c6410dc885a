import type { BinaryValues, Predictions, Targets } from '../inputs.js';
import type { FocalLossPool } from '../pool/pool.js';
import { fail } from '../errors/detail.js';
import { show } from '../errors/show.js';
import { PER_CLASS_SLOTS } from '../kernels/frame.js';
import { asymmetric } from '../losses/asymmetric.js';
import { binaryFocal } from '../losses/binary-focal.js';
import { focal } from '../losses/focal.js';
import { isLossName } from '../options/loss-names.js';
import { LOSSES } from '../losses/registry.js';
import type { LossSettings, LossSpec } from '../pipeline/loss-spec.js';
import { addTo, valueOf, type Compensated } from '../math/compensated.js';
import { epsilonFor, type Reduction } from '../options/common.js';
import { arrayOption } from '../options/read.js';
import { readOptions } from '../options/read-options.js';
import { missing, overlap, showRanges, union, type Coverage, type RowRange } from './coverage.js';
import { computeLoss } from '../pipeline/compute.js';
import { addPerClass } from '../pipeline/reduce.js';
import { scaleBy, weightExponent } from '../pipeline/sample-weights.js';
import { describeBatch, type Batch } from '../shape.js';
import { accumulateOn } from '../pool/pool.js';
import type { Totals } from '../pipeline/reduce.js';
import {
  checkState, checkStateDiagnostics, FORMAT, identityOptions, identityValue, partnerTally, type AccumulatorState,
} from './state.js';
import { json, number } from './json-number.js';
import type { DiagnosticsSettings } from '../options/diagnostics.js';
import { observer, Tally } from '../pipeline/diagnostics.js';
import { tallyToJson } from './diagnostics-state.js';
import { summarize } from './diagnostics-summary.js';
import type { AccumulatorSummary, ClassSummary, CoverageSummary } from './summary.js';
import type { AsymmetricLossAccumulatorOptions, BinaryFocalLossAccumulatorOptions, FocalLossAccumulatorOptions } from './options.js';

export type { AccumulatorState } from './state.js';
export type { AccumulatorSummary, ClassSummary, CoverageSummary } from './summary.js';

export type { AsymmetricLossAccumulatorOptions, BinaryFocalLossAccumulatorOptions, FocalLossAccumulatorOptions } from './options.js';

/**
 * A running focal loss over data that arrives in pieces: `update()` takes chunks of any size
 * (the same inputs and checks as focalLoss), `result()` equals the one-shot call on their
 * concatenation. States merge associatively and commutatively (sums keep their Neumaier
 * compensation terms), so shards computed anywhere combine exactly. Holds O(C) numbers.
 */
export interface FocalLossAccumulator<Y = unknown, P = unknown> {
  /** Adds a chunk; a chunk that fails validation throws and leaves the accumulator as it was. */
  update(yTrue: Y, yPred: P, sampleWeight?: ArrayLike<number>): this;
  /**
   * update() with the chunk's rows computed on a pool's workers (createFocalLossPool), in parts
   * combined exactly: the same sums, counts and diagnostics. Resolves to this accumulator once
   * they are added; until then it takes no other update or merge, and the inputs must not
   * change. A chunk that fails validation rejects and leaves the accumulator as it was.
   */
  updateOn(pool: FocalLossPool, yTrue: Y, yPred: P, sampleWeight?: ArrayLike<number>): Promise<this>;
  /** 'mean' (default), 'sum' or 'weightedMean' of everything seen. */
  result(reduction?: Reduction): number;
  summary(): AccumulatorSummary;
  state(): AccumulatorState;
  /** Adds another accumulator's (or state's) data; both must use the same options. */
  merge(other: FocalLossAccumulator<Y, P> | AccumulatorState): this;
}

/** A streaming accumulator of focalLoss. */
export function createFocalLossAccumulator(options?: FocalLossAccumulatorOptions): FocalLossAccumulator<Targets, Predictions> {
  return create(focal, 'createFocalLossAccumulator', options);
}
createFocalLossAccumulator.fromState = (state: AccumulatorState) => fromState(focal, 'createFocalLossAccumulator.fromState', state);

/** A streaming accumulator of binaryFocalLoss, with statistics per label column. */
export function createBinaryFocalLossAccumulator(options?: BinaryFocalLossAccumulatorOptions): FocalLossAccumulator<BinaryValues, BinaryValues> {
  return create(binaryFocal, 'createBinaryFocalLossAccumulator', options);
}
createBinaryFocalLossAccumulator.fromState = (state: AccumulatorState) =>
  fromState(binaryFocal, 'createBinaryFocalLossAccumulator.fromState', state);

/** A streaming accumulator of asymmetricLoss, with statistics per label column. */
export function createAsymmetricLossAccumulator(options?: AsymmetricLossAccumulatorOptions): FocalLossAccumulator<BinaryValues, BinaryValues> {
  return create(asymmetric, 'createAsymmetricLossAccumulator', options);
}
createAsymmetricLossAccumulator.fromState = (state: AccumulatorState) =>
  fromState(asymmetric, 'createAsymmetricLossAccumulator.fromState', state);

/** An accumulator of any loss (its public factories are per loss). */
export function createAccumulator(spec: LossSpec, fn: string, options: unknown): FocalLossAccumulator {
  return create(spec, fn, options);
}

/** An accumulator from any loss's state, the loss read from the state. */
export function accumulatorFromState(fn: string, state: unknown): FocalLossAccumulator {
  const loss = (state as { loss?: unknown } | null)?.loss;
  return fromState(isLossName(loss) ? LOSSES[loss] : focal, fn, state);
}

function create(spec: LossSpec, fn: string, options: unknown): Accumulator {
  const checked = readOptions(fn, spec.name, 'accumulator', options);
  return new Accumulator(spec, checked, spec.settings(fn, checked));
}

/** An update checked and described, before its rows run. */
interface Pending {
  s: LossSettings;
  batch: Batch;
  /** The clipping epsilon (settled by the first chunk) and the power of two the sample weights are scaled by. */
  epsilon: number;
  exponent: number;
  /** The data set's rows of the update. */
  rows: RowRange;
  /** Where its diagnostics go (null: none). */
  tally: Tally | null;
}

class Accumulator {
  private classes: number | null;
  private epsilon: number | null = null;
  private readonly sum: Compensated = [0, 0];
  private count = 0;
  private readonly weightSum: Compensated = [0, 0];
  private perClass: Float64Array | null = null;
  /** Sums are held times 2^exponent: sample weights are scaled so that Σw neither overflows nor loses subnormal products. */
  private exponent = 0;
  /** The data set's row of the next update's first row (set by fromState too). */
  nextRow: number;
  /** The rows seen, per data set (empty without a source). */
  private coverage: Coverage[];
  private readonly diagnosis: DiagnosticsSettings | false;
  /** The diagnostics so far (once C is known). */
  private tally: Tally | null = null;
  /** An updateOn() is waiting for its pool. */
  private pending = false;

  constructor(
    private readonly spec: LossSpec,
    /** The options as the schema checked them, for the state's identity. */
    private readonly options: Record<string, unknown>,
    private readonly settings: LossSettings,
  ) {
    this.classes = settings.classes ?? null;
    if (settings.epsilon !== 'auto') this.epsilon = settings.epsilon;
    this.nextRow = options.firstRow as number;
    const source = options.source as string | undefined;
    const totalRows = options.totalRows as number | undefined;
    this.coverage = source === undefined ? [] : [{ source, ranges: [], ...(totalRows === undefined ? {} : { totalRows }) }];
    this.diagnosis = options.diagnostics as DiagnosticsSettings | false;
  }

  private get elements(): boolean {
    return this.spec.reduces === 'elements';
  }

  /** An empty tally for `classes` (null: no diagnostics). */
  private newTally(classes: number): Tally | null {
    return this.diagnosis === false ? null : new Tally(this.diagnosis, this.elements, classes);
  }

  private get fn(): string {
    return `${this.spec.name}Accumulator`;
  }

  update(yTrue: unknown, yPred: unknown, sampleWeight?: unknown): this {
    const u = this.begin('update', yTrue, yPred, sampleWeight);
    const ignoreIndex = (this.settings as { ignoreIndex?: number }).ignoreIndex;
    const observe = u.tally === null ? undefined : observer(u.tally, u.batch, u.s.fromLogits, ignoreIndex, u.rows[0], u.exponent);
    const { totals, perClass } = computeLoss(this.spec, u.s, u.batch, null, true, u.epsilon, u.exponent, observe);
    return this.finish(u, totals, perClass!, u.tally);
  }

  async updateOn(pool: unknown, yTrue: unknown, yPred: unknown, sampleWeight?: unknown): Promise<this> {
    const u = this.begin('updateOn', yTrue, yPred, sampleWeight);
    const diagnostics = u.tally === null ? null : { settings: u.tally.settings, firstRow: u.rows[0] };
    const settings = { ...u.s, epsilon: u.epsilon };
    this.pending = true;
    let result;
    try {
      result = await accumulateOn(pool, u.s.fn, { spec: this.spec, settings, batch: u.batch, exponent: u.exponent, diagnostics });
    } finally {
      this.pending = false;
    }
    if (result === null) return this.update(yTrue, yPred, sampleWeight);
    // A batch of no rows has no parts: nothing to add but its (empty) tally.
    const perClass = result.perClass ?? new Float64Array(u.batch.classes * PER_CLASS_SLOTS);
    return this.finish(u, result.totals, perClass, u.tally === null ? null : (result.diagnostics ?? u.tally));
  }

  /** An update checked and described, before its rows run: nothing of the accumulator changes yet. */
  private begin(method: string, yTrue: unknown, yPred: unknown, sampleWeight: unknown): Pending {
    const fn = `${this.fn}.${method}`;
    this.notPending(fn);
    const weights = arrayOption(fn, 'sampleWeight', sampleWeight, 'an array of per-sample weights');
    const s = { ...this.settings, fn, sampleWeight: weights, reduction: 'sum' as const };
    const batch = describeBatch(fn, yTrue, yPred, { classes: this.classes ?? undefined, axis: this.settings.axis }, this.spec.reduces === 'elements');
    // epsilon 'auto' follows the first chunk's dtype, so every chunk is clipped alike.
    const epsilon = this.epsilon ?? epsilonFor('auto', batch.f32);
    const exponent = weights === undefined ? 0 : weightExponent(fn, weights);
    const rows: RowRange = [this.nextRow, this.nextRow + batch.n];
    const own = this.coverage[0];
    if (own?.totalRows !== undefined && rows[1] > own.totalRows) {
      throw fail(RangeError, fn)`this update holds rows ${rows[0]}–${rows[1] - 1} of ${own.source}, which has ${own.totalRows} (totalRows)`;
    }
    // Target rows have no class index, so no diagnostics (see DiagnosticsSummary.diagnosed).
    const tally = !this.elements && batch.targets ? null : this.newTally(batch.classes);
    return { s, batch, epsilon, exponent, rows, tally };
  }

  /** Adds an update's results, and its rows to the coverage. */
  private finish(u: Pending, totals: Totals, perClass: Float64Array, tally: Tally | null): this {
    this.add(u.batch.classes, u.epsilon, u.exponent, totals.sum, totals.count, totals.weightSum, perClass, tally);
    const own = this.coverage[0];
    if (own !== undefined) own.ranges = union(own.ranges, [u.rows]);
    this.nextRow = u.rows[1];
    return this;
  }

  /** While updateOn's rows are on the pool, the accumulator takes no other update or merge (its rows would be numbered twice). */
  private notPending(fn: string): void {
    if (this.pending) throw fail(Error, fn)`an updateOn() of this accumulator is still running: await it first`;
  }

  /** Adds totals held times 2^exponent, both sides brought to the smaller exponent (the one safe from overflow). */
  private add(
    classes: number, epsilon: number, exponent: number, sum: Compensated, count: number, weightSum: Compensated, perClass: Float64Array,
    tally: Tally | null,
  ): void {
    // A side that holds no weight (nothing yet, or weights all 0) has no scale of its own: it takes the other's.
    const weightless = (total: Compensated, weights: Compensated) => total[0] === 0 && weights[0] === 0;
    const common = this.perClass === null || weightless(this.sum, this.weightSum)
      ? exponent
      : weightless(sum, weightSum) ? this.exponent : Math.min(this.exponent, exponent);
    rescale(this.sum, this.weightSum, this.perClass, common - this.exponent);
    this.tally?.rescale(common - this.exponent);
    rescale(sum, weightSum, perClass, common - exponent);
    tally?.rescale(common - exponent);
    this.tally ??= this.newTally(classes);
    if (tally !== null) this.tally!.merge(tally);
    this.exponent = common;
    this.classes = classes;
    this.epsilon = epsilon;
    addTo(this.sum, sum[0], sum[1]);
    this.count += count;
    addTo(this.weightSum, weightSum[0], weightSum[1]);
    this.perClass ??= new Float64Array(classes * PER_CLASS_SLOTS);
    addPerClass(this.perClass, perClass);
  }

  result(reduction: Reduction = 'mean'): number {
    const fn = `${this.fn}.result`;
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'weightedMean') {
      throw fail(RangeError, fn)`reduction must be "mean", "sum" or "weightedMean", got ${show(reduction)}`;
    }
    if (reduction === 'weightedMean') {
      const weightSum = valueOf(this.weightSum);
      return weightSum === 0 ? 0 : valueOf(this.sum) / weightSum;
    }
    const sum = scaleBy(valueOf(this.sum), -this.exponent);
    if (reduction === 'sum') return sum;
    return this.count === 0 ? 0 : sum / this.count;
  }

  summary(): AccumulatorSummary {
    const perClass: ClassSummary[] = [];
    for (let c = 0; c < (this.classes ?? 0); c++) {
      const at = c * PER_CLASS_SLOTS;
      const count = this.perClass === null ? 0 : this.perClass[at + 2];
      const sum = this.perClass === null ? 0 : scaleBy(valueOf([this.perClass[at], this.perClass[at + 1]]), -this.exponent);
      perClass.push({ count, sum, mean: count === 0 ? 0 : sum / count });
    }
    const weightSum = scaleBy(valueOf(this.weightSum), -this.exponent);
    const coverage = this.coverage.map((c): CoverageSummary => {
      if (c.totalRows === undefined) return copy(c);
      const gaps = missing(c.ranges, c.totalRows);
      return { ...copy(c), missing: gaps, complete: gaps.length === 0 };
    });
    const summary = { count: this.count, weightSum, sum: this.result('sum'), mean: this.result('mean'), perClass, coverage };
    const tally = this.tally ?? this.newTally(this.classes ?? 0);
    if (tally === null) return summary;
    const { diagnostics, perClass: hits } = summarize(tally, this.exponent);
    hits.forEach((h, c) => Object.assign(perClass[c], h));
    return { ...summary, ...diagnostics };
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
      loss: this.spec.name,
      options: this.identity(),
      classes: this.classes,
      epsilon: this.epsilon,
      sum: [json(this.sum[0]), json(this.sum[1])],
      count: this.count,
      weightSum: [json(this.weightSum[0]), json(this.weightSum[1])],
      perClass,
      ...(this.exponent === 0 ? {} : { exponent: this.exponent }),
      ...(this.coverage.length === 0 ? {} : { coverage: this.coverage.map(copy), nextRow: this.nextRow }),
      ...(this.diagnosis === false ? {} : { diagnostics: tallyToJson(this.tally ?? this.newTally(this.classes ?? 0)!) }),
    };
  }

  /** The options that decide the numbers, as JSON: two partials merge only if these agree. */
  private identity(): AccumulatorState['options'] {
    return Object.fromEntries(identityOptions(this.spec.name).map((o) => [o.name, identityValue(this.options[o.name])]));
  }

  merge(other: unknown): this {
    const fn = `${this.fn}.merge`;
    this.notPending(fn);
    if (other === this) throw fail(RangeError, fn)`cannot merge an accumulator with itself: its rows would count twice`;
    const state = other instanceof Accumulator ? other.state() : checkState(fn, other);
    if (state.loss !== this.spec.name) {
      throw fail(TypeError, fn)`cannot merge a ${state.loss} accumulator into a ${this.spec.name} one`;
    }
    const mine = this.identity();
    for (const key of Object.keys(mine)) {
      const a = JSON.stringify(mine[key]);
      const b = JSON.stringify(state.options[key] ?? null);
      if (a !== b) throw fail(RangeError, fn)`the partials were made with different options: ${key} is ${a} here and ${b} there`;
    }
    const tally = partnerTally(fn, this.diagnosis, state);
    const coverage = mergedCoverage(fn, this.coverage, state.coverage ?? []);
    if (state.classes === null || state.epsilon === null) {
      this.coverage = coverage;
      return this;
    }
    if (this.classes !== null && this.classes !== state.classes) {
      throw fail(RangeError, fn)`the partials have ${this.classes} and ${state.classes} classes`;
    }
    if (this.epsilon !== null && this.epsilon !== state.epsilon) {
      throw fail(RangeError, fn)`the partials clip with epsilon ${this.epsilon} and ${state.epsilon} (epsilon "auto" follows the first chunk's dtype)`;
    }
    const perClass = new Float64Array(state.classes * PER_CLASS_SLOTS);
    state.perClass.forEach((entry, c) => perClass.set(entry.map(number), c * PER_CLASS_SLOTS));
    this.add(
      state.classes, state.epsilon, state.exponent ?? 0, [number(state.sum[0]), number(state.sum[1])], state.count,
      [number(state.weightSum[0]), number(state.weightSum[1])], perClass, tally,
    );
    this.coverage = coverage;
    return this;
  }

}

const copy = (c: Coverage): Coverage => ({ ...c, ranges: c.ranges.map(([a, b]): RowRange => [a, b]) });

/** Both partials' coverage, per source; rows of one source seen by both are an error (a shard counted twice). */
function mergedCoverage(fn: string, mine: readonly Coverage[], theirs: readonly Coverage[]): Coverage[] {
  const out = mine.map(copy);
  for (const c of theirs) {
    const same = out.find((o) => o.source === c.source);
    if (same === undefined) {
      out.push(copy(c));
      continue;
    }
    if (same.totalRows !== undefined && c.totalRows !== undefined && same.totalRows !== c.totalRows) {
      throw fail(RangeError, fn)`the partials give ${c.source} ${same.totalRows} and ${c.totalRows} rows (totalRows)`;
    }
    const both = overlap(same.ranges, c.ranges);
    if (both !== null) {
      throw fail(RangeError, fn)`both partials hold ${showRanges([both])} of ${c.source}: a shard would count twice`;
    }
    same.ranges = union(same.ranges, c.ranges);
    same.totalRows ??= c.totalRows;
  }
  return out;
}

/** Multiplies a part's sums (not its counts) by 2^e. */
function rescale(sum: Compensated, weightSum: Compensated, perClass: Float64Array | null, e: number): void {
  if (e === 0) return;
  for (const pair of [sum, weightSum]) pair.splice(0, 2, scaleBy(pair[0], e), scaleBy(pair[1], e));
  if (perClass === null) return;
  for (let at = 0; at < perClass.length; at += PER_CLASS_SLOTS) {
    for (const k of [0, 1, 3]) perClass[at + k] = scaleBy(perClass[at + k], e);
  }
}

function fromState(spec: LossSpec, fn: string, state: unknown): Accumulator {
  const s = checkState(fn, state);
  if (s.loss !== spec.name) throw fail(TypeError, fn)`the state is of a ${s.loss} accumulator`;
  const options: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(s.options)) if (value !== null) options[key] = value;
  if (s.classes !== null) options.classes = s.classes;
  if (s.diagnostics !== undefined) options.diagnostics = checkStateDiagnostics(fn, s).settings;
  const restored = create(spec, fn, options).merge(s);
  restored.nextRow = s.nextRow ?? 0;
  return restored;
}
