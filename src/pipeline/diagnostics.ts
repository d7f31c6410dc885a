import type { Batch } from '../shape.js';
import { STAT_CONFIDENCE, STAT_CROSS_ENTROPY, STAT_PREDICTED, STAT_PT, STATS_SLOTS, type Targets } from '../kernels/frame.js';
import { addTo, type Compensated } from '../math/compensated.js';
import type { DiagnosticsSettings } from '../options/diagnostics.js';
import { explainBinary, explainTargetRow } from './explain.js';
import type { LossSettings } from './loss-spec.js';
import type { ChunkObserver } from './run.js';
import { scaleBy } from './sample-weights.js';
import { Hardest, type HardSample } from './hardest.js';

// An accumulator's diagnostics of class-index targets (binary: of every element): where the
// loss and the cross-entropy lie (easy samples, p_t >= 0.5, against the rest), calibration
// bins, per class hits and predictions, and the hardest samples. The row-stats kernel writes
// each chunk's predicted class, confidence, p_t and cross-entropy while the chunk is in cache;
// fold() adds them up here. Tallies merge exactly: counts add, sums keep their carries, and
// the hardest samples are a top-k under a total order.

/** The threshold on p_t above which (inclusive) a sample is easy. */
export const EASY = 0.5;
/** Per bin: count, confidence sum and carry, hit sum and carry (binary: the sum of the targets y). */
export const BIN_SLOTS = 5;
/** Per class (binary: per column): correct predictions, predictions of it, true samples of it (binary: positives). */
export const CLASS_SLOTS = 3;

/**
 * Bin b of M holds confidences in (b/M, (b+1)/M]; bin 0 also holds 0. The product
 * confidence·M may round onto an integer: one step fixes the bin against the bounds themselves.
 */
export function binOf(confidence: number, bins: number): number {
  let b = Math.ceil(confidence * bins) - 1;
  if (confidence > (b + 1) / bins) b++;
  else if (confidence <= b / bins) b--;
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}

export class Tally {
  /** Samples (binary: elements) diagnosed. */
  count = 0;
  /** Σ w·loss, held times 2^exponent as the accumulator's sums are. */
  readonly lossSum: Compensated = [0, 0];
  readonly crossEntropy: Compensated = [0, 0];
  easyCount = 0;
  readonly easyCrossEntropy: Compensated = [0, 0];
  /** Held times 2^exponent. */
  readonly easyLoss: Compensated = [0, 0];
  /** BIN_SLOTS per bin; one calibration (binary: one per column) of `settings.bins` bins. */
  readonly bins: Float64Array;
  readonly perClass: Float64Array;
  /** Losses in their own scale (not times 2^exponent). */
  readonly hardest: Hardest;

  constructor(
    readonly settings: DiagnosticsSettings,
    /** Binary: per-element diagnostics, one calibration per label column. */
    readonly elements: boolean,
    readonly classes: number,
  ) {
    this.bins = new Float64Array((elements ? classes : 1) * settings.bins * BIN_SLOTS);
    this.perClass = new Float64Array(classes * CLASS_SLOTS);
    this.hardest = new Hardest(settings.hardest);
  }

  /**
   * Adds a chunk of m samples (binary: m rows of elements) whose stats the kernel wrote:
   * `losses` as the loss kernel wrote them (times 2^exponent), `row` the data set's row of
   * the chunk's first sample. A chunk's sums are plain (at most 4096 samples) and join the
   * totals with compensation.
   */
  fold(stats: Float64Array, target: Targets, losses: Float64Array, row: number, m: number, exponent: number): void {
    const groups = this.bins.length / BIN_SLOTS;
    const chunk = new Chunk(groups);
    if (this.elements) this.foldElements(chunk, stats, target, losses, row, m, exponent);
    else this.foldRows(chunk, stats, target, losses, row, m, exponent);
    this.count += chunk.count;
    addTo(this.lossSum, chunk.loss);
    addTo(this.crossEntropy, chunk.crossEntropy);
    this.easyCount += chunk.easy;
    addTo(this.easyCrossEntropy, chunk.easyCrossEntropy);
    addTo(this.easyLoss, chunk.easyLoss);
    for (let b = 0; b < groups; b++) {
      const at = b * BIN_SLOTS;
      this.bins[at] += chunk.bins[b];
      addPair(this.bins, at + 1, chunk.confidence[b]);
      addPair(this.bins, at + 3, chunk.hits[b]);
    }
  }

  private foldRows(chunk: Chunk, stats: Float64Array, labels: Targets, losses: Float64Array, row: number, m: number, exponent: number): void {
    const M = this.settings.bins;
    const { perClass, hardest } = this;
    const { bins, confidence, hits } = chunk;
    let floor = hardest.floor;
    let count = 0;
    let loss = 0;
    let crossEntropy = 0;
    let easy = 0;
    let easyCrossEntropy = 0;
    let easyLoss = 0;
    for (let i = 0; i < m; i++) {
      const at = i * STATS_SLOTS;
      const predicted = stats[at + STAT_PREDICTED];
      if (predicted < 0) continue;
      const label = labels[i];
      const p = stats[at + STAT_CONFIDENCE];
      const pt = stats[at + STAT_PT];
      const ce = stats[at + STAT_CROSS_ENTROPY];
      const l = losses[i];
      count++;
      loss += l;
      crossEntropy += ce;
      if (pt >= EASY) {
        easy++;
        easyCrossEntropy += ce;
        easyLoss += l;
      }
      const correct = predicted === label ? 1 : 0;
      perClass[label * CLASS_SLOTS] += correct;
      perClass[predicted * CLASS_SLOTS + 1] += 1;
      perClass[label * CLASS_SLOTS + 2] += 1;
      const b = binOf(p, M);
      bins[b] += 1;
      confidence[b] += p;
      hits[b] += correct;
      const own = exponent === 0 ? l : scaleBy(l, -exponent);
      if (own >= floor) {
        hardest.offer({ row: row + i, label, loss: own, pt });
        floor = hardest.floor;
      }
    }
    Object.assign(chunk, { count, loss, crossEntropy, easy, easyCrossEntropy, easyLoss });
  }

  /** Binary: a column's bins compare p with the mean target y; a positive is y >= 0.5. */
  private foldElements(chunk: Chunk, stats: Float64Array, targets: Targets, losses: Float64Array, row: number, m: number, exponent: number): void {
    const M = this.settings.bins;
    const K = this.classes;
    const { perClass, hardest } = this;
    const { bins, confidence, hits } = chunk;
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < K; k++) {
        const e = i * K + k;
        const at = e * STATS_SLOTS;
        const positive = stats[at + STAT_PREDICTED];
        const y = targets[e];
        const p = stats[at + STAT_CONFIDENCE];
        const pt = stats[at + STAT_PT];
        const ce = stats[at + STAT_CROSS_ENTROPY];
        const l = losses[e];
        chunk.loss += l;
        chunk.crossEntropy += ce;
        if (pt >= EASY) {
          chunk.easy++;
          chunk.easyCrossEntropy += ce;
          chunk.easyLoss += l;
        }
        const truth = y >= 0.5 ? 1 : 0;
        perClass[k * CLASS_SLOTS] += truth * positive;
        perClass[k * CLASS_SLOTS + 1] += positive;
        perClass[k * CLASS_SLOTS + 2] += truth;
        const b = k * M + binOf(p, M);
        bins[b] += 1;
        confidence[b] += p;
        hits[b] += y;
        const own = exponent === 0 ? l : scaleBy(l, -exponent);
        if (own >= hardest.floor) hardest.offer({ row: row + i, column: k, label: y, loss: own, pt });
      }
    }
    chunk.count += m * K;
  }

  /** The tally as plain data (it crosses threads as it is; states write it as JSON). */
  data(): TallyData {
    return {
      count: this.count, lossSum: [...this.lossSum], crossEntropy: [...this.crossEntropy], easyCount: this.easyCount,
      easyCrossEntropy: [...this.easyCrossEntropy], easyLoss: [...this.easyLoss], bins: Array.from(this.bins),
      perClass: Array.from(this.perClass), hardest: this.hardest.sorted(),
    };
  }

  static fromData(settings: DiagnosticsSettings, elements: boolean, classes: number, d: TallyData): Tally {
    const t = new Tally(settings, elements, classes);
    t.count = d.count;
    for (const [mine, theirs] of [
      [t.lossSum, d.lossSum], [t.crossEntropy, d.crossEntropy], [t.easyCrossEntropy, d.easyCrossEntropy], [t.easyLoss, d.easyLoss],
    ]) mine.splice(0, 2, ...theirs);
    t.easyCount = d.easyCount;
    t.bins.set(d.bins);
    t.perClass.set(d.perClass);
    for (const h of d.hardest) t.hardest.offer(h);
    return t;
  }

  /** Adds another tally (of the same settings and classes), both held times the same 2^exponent. */
  merge(other: Tally): void {
    this.count += other.count;
    for (const [mine, theirs] of [
      [this.lossSum, other.lossSum], [this.crossEntropy, other.crossEntropy], [this.easyCrossEntropy, other.easyCrossEntropy],
      [this.easyLoss, other.easyLoss],
    ]) addTo(mine, theirs[0], theirs[1]);
    this.easyCount += other.easyCount;
    for (let at = 0; at < this.bins.length; at += BIN_SLOTS) {
      this.bins[at] += other.bins[at];
      addPair(this.bins, at + 1, other.bins[at + 1], other.bins[at + 2]);
      addPair(this.bins, at + 3, other.bins[at + 3], other.bins[at + 4]);
    }
    for (let k = 0; k < this.perClass.length; k++) this.perClass[k] += other.perClass[k];
    for (const s of other.hardest.sorted()) this.hardest.offer(s);
  }

  /** Multiplies the sums held times 2^exponent by 2^e. */
  rescale(e: number): void {
    if (e === 0) return;
    for (const pair of [this.lossSum, this.easyLoss]) pair.splice(0, 2, scaleBy(pair[0], e), scaleBy(pair[1], e));
  }
}

/** A tally's numbers: BIN_SLOTS per bin, CLASS_SLOTS per class, the hardest samples hardest first. */
export interface TallyData {
  count: number;
  lossSum: Compensated;
  crossEntropy: Compensated;
  easyCount: number;
  easyCrossEntropy: Compensated;
  easyLoss: Compensated;
  bins: number[];
  perClass: number[];
  hardest: HardSample[];
}

/** What a pool part needs to keep diagnostics: the settings, and the data set's row of its first sample. */
export interface DiagnosticsPart {
  settings: DiagnosticsSettings;
  firstRow: number;
}

/** A chunk's plain sums, before they join a tally with compensation. */
class Chunk {
  count = 0;
  loss = 0;
  crossEntropy = 0;
  easy = 0;
  easyCrossEntropy = 0;
  easyLoss = 0;
  readonly bins: Float64Array;
  readonly confidence: Float64Array;
  readonly hits: Float64Array;
  constructor(groups: number) {
    this.bins = new Float64Array(groups);
    this.confidence = new Float64Array(groups);
    this.hits = new Float64Array(groups);
  }
}

/** Adds x (with its carry) to the compensated pair at values[at], values[at + 1]. */
function addPair(values: Float64Array, at: number, x: number, carry = 0): void {
  const pair: Compensated = [values[at], values[at + 1]];
  addTo(pair, x, carry);
  values[at] = pair[0];
  values[at + 1] = pair[1];
}

/**
 * A pool part's tally and the observer that fills it: the part's rows are its batch's own
 * (from 0), so its first row is the data set's row of the part's first sample.
 */
export function partTally(
  part: DiagnosticsPart, elements: boolean, batch: Batch, s: LossSettings, exponent: number,
): { tally: Tally; observe: ChunkObserver } {
  const tally = new Tally(part.settings, elements, batch.classes);
  const ignoreIndex = (s as { ignoreIndex?: number }).ignoreIndex;
  return { tally, observe: observer(tally, batch, s.fromLogits, ignoreIndex, part.firstRow, exponent) };
}

/**
 * Reads each chunk of an update into `tally`: runs the row-stats kernel on it and folds the
 * result. `firstRow` is the data set's row of the batch's first sample; `exponent` the power
 * of two the update's sample weights were scaled by.
 */
export function observer(tally: Tally, batch: Batch, fromLogits: boolean, ignoreIndex: number | undefined, firstRow: number, exponent: number): ChunkObserver {
  return (job, frame, start, m, pred, target) => {
    const { instance, plan } = job;
    const stats = instance.scratch.f64('stats');
    const bad = instance.call(job.elements ? 'elementStats' : 'rowStats', frame, pred, target, m, plan.classes, stats);
    if (bad >= 0) {
      const i = start + bad;
      throw job.elements ? explainBinary(batch, i, fromLogits) : explainTargetRow(batch, i, fromLogits, true, ignoreIndex, () => true);
    }
    tally.fold(stats, target, frame.losses!, firstRow + start, m, exponent);
  };
}
