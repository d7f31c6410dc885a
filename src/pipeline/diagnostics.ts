import type { Batch } from '../shape.js';
import {
  FOLD_BINS, FOLD_CANDIDATES, FOLD_COUNT, FOLD_CROSS_ENTROPY, FOLD_EASY, FOLD_EASY_CROSS_ENTROPY, FOLD_EASY_LOSS, FOLD_FLOOR, FOLD_HEADER,
  FOLD_LOSS, STAT_CONFIDENCE, STAT_CROSS_ENTROPY, STAT_PREDICTED, STAT_PT, STATS_SLOTS, type Targets,
} from '../kernels/frame.js';
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

/** The bounds of M bins: b / M for b = 0 … M. */
export const binBounds = (bins: number): Float64Array => Float64Array.from({ length: bins + 1 }, (_, b) => b / bins);

/**
 * Bin b of M holds confidences in (b/M, (b+1)/M] (`bounds`); bin 0 also holds 0. The product
 * confidence·M may round onto an integer: one step fixes the bin against the bounds themselves.
 */
export function binOf(confidence: number, bounds: Float64Array): number {
  const M = bounds.length - 1;
  let b = Math.ceil(confidence * M) - 1;
  b = b < 0 ? 0 : b >= M ? M - 1 : b;
  if (confidence > bounds[b + 1] && b < M - 1) b++;
  else if (confidence <= bounds[b] && b > 0) b--;
  return b;
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
  private readonly bounds: Float64Array;

  constructor(
    readonly settings: DiagnosticsSettings,
    /** Binary: per-element diagnostics, one calibration per label column. */
    readonly elements: boolean,
    readonly classes: number,
  ) {
    this.bins = new Float64Array((elements ? classes : 1) * settings.bins * BIN_SLOTS);
    this.perClass = new Float64Array(classes * CLASS_SLOTS);
    this.hardest = new Hardest(settings.hardest);
    this.bounds = binBounds(settings.bins);
  }

  /**
   * Sets up foldRows' output for a chunk whose losses are held times 2^exponent: M and the bin
   * bounds, zero sums, and the loss from which a row may be among the hardest.
   */
  prepareFold(out: Float64Array, exponent: number): void {
    const M = this.settings.bins;
    out.fill(0, 0, FOLD_HEADER + 4 * M + 1 + CLASS_SLOTS * this.classes);
    out[FOLD_BINS] = M;
    out.set(this.bounds, FOLD_HEADER);
    // The floor in the losses' scale, where that is exact; else every row is a candidate.
    const floor = scaleBy(this.hardest.floor, exponent);
    out[FOLD_FLOOR] = exponent === 0 || floor === 0 || Math.abs(floor) >= 2 ** -1022 ? floor : -Infinity;
  }

  /**
   * Adds what foldRows wrote for a chunk of m class-index rows (`stats`, `labels` and `losses`
   * as the kernels read and wrote them, losses times 2^exponent; `row`: the data set's row of
   * the chunk's first sample). The chunk's plain sums join the tally with compensation.
   */
  absorbRows(out: Float64Array, stats: Float64Array, labels: Targets, losses: Float64Array, row: number, exponent: number): void {
    const M = this.settings.bins;
    const binsAt = FOLD_HEADER + M + 1;
    const classesAt = binsAt + 3 * M;
    this.add(out[FOLD_COUNT], out[FOLD_LOSS], out[FOLD_CROSS_ENTROPY], out[FOLD_EASY], out[FOLD_EASY_CROSS_ENTROPY], out[FOLD_EASY_LOSS]);
    for (let b = 0; b < M; b++) this.addBin(b, out[binsAt + 3 * b], out[binsAt + 3 * b + 1], out[binsAt + 3 * b + 2]);
    for (let k = 0; k < CLASS_SLOTS * this.classes; k++) this.perClass[k] += out[classesAt + k];
    const candidates = classesAt + CLASS_SLOTS * this.classes;
    for (let k = 0; k < out[FOLD_CANDIDATES]; k++) {
      const i = out[candidates + k];
      const own = exponent === 0 ? losses[i] : scaleBy(losses[i], -exponent);
      if (own >= this.hardest.floor) this.hardest.offer({ row: row + i, label: labels[i], loss: own, pt: stats[i * STATS_SLOTS + STAT_PT] });
    }
  }

  /** Adds a chunk's plain sums. */
  private add(count: number, loss: number, crossEntropy: number, easy: number, easyCrossEntropy: number, easyLoss: number): void {
    this.count += count;
    addTo(this.lossSum, loss);
    addTo(this.crossEntropy, crossEntropy);
    this.easyCount += easy;
    addTo(this.easyCrossEntropy, easyCrossEntropy);
    addTo(this.easyLoss, easyLoss);
  }

  /** Adds a chunk's count, confidence sum and hit sum of bin b (of all bins: binary columns one after the other). */
  private addBin(b: number, count: number, confidence: number, hits: number): void {
    const at = b * BIN_SLOTS;
    this.bins[at] += count;
    addPair(this.bins, at + 1, confidence);
    addPair(this.bins, at + 3, hits);
  }

  /**
   * Adds a chunk of m binary rows' element stats (elementStats) and losses (times 2^exponent);
   * `row` is the data set's row of the chunk's first row. A column's bins compare p with the
   * mean target y; a positive is y >= 0.5. Binary rows fold here rather than in a kernel: their
   * stats kernel (a sigmoid and logs per element) costs far more than this.
   */
  foldElements(stats: Float64Array, targets: Targets, losses: Float64Array, row: number, m: number, exponent: number): void {
    const M = this.settings.bins;
    const K = this.classes;
    const { perClass, hardest } = this;
    const counts = new Float64Array(K * M);
    const confidence = new Float64Array(K * M);
    const hits = new Float64Array(K * M);
    let loss = 0;
    let crossEntropy = 0;
    let easy = 0;
    let easyCrossEntropy = 0;
    let easyLoss = 0;
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
        loss += l;
        crossEntropy += ce;
        if (pt >= EASY) {
          easy++;
          easyCrossEntropy += ce;
          easyLoss += l;
        }
        const truth = y >= 0.5 ? 1 : 0;
        perClass[k * CLASS_SLOTS] += truth * positive;
        perClass[k * CLASS_SLOTS + 1] += positive;
        perClass[k * CLASS_SLOTS + 2] += truth;
        const b = k * M + binOf(p, this.bounds);
        counts[b] += 1;
        confidence[b] += p;
        hits[b] += y;
        const own = exponent === 0 ? l : scaleBy(l, -exponent);
        if (own >= hardest.floor) hardest.offer({ row: row + i, column: k, label: y, loss: own, pt });
      }
    }
    this.add(m * K, loss, crossEntropy, easy, easyCrossEntropy, easyLoss);
    for (let b = 0; b < K * M; b++) if (counts[b] > 0) this.addBin(b, counts[b], confidence[b], hits[b]);
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
    const stats = frame.stats!;
    // The logits kernels write their rows' stats themselves (they compute them for the loss).
    if (plan.kind !== 'logit') {
      const bad = instance.call(job.elements ? 'elementStats' : 'rowStats', frame, pred, target, m, plan.classes, stats);
      if (bad >= 0) {
        const i = start + bad;
        throw job.elements ? explainBinary(batch, i, fromLogits) : explainTargetRow(batch, i, fromLogits, true, ignoreIndex, () => true);
      }
    }
    if (job.elements) {
      tally.foldElements(stats, target, frame.losses!, firstRow + start, m, exponent);
      return;
    }
    const out = instance.scratch.f64('fold');
    tally.prepareFold(out, exponent);
    instance.call('foldRows', frame, stats, target, m, plan.classes, out);
    tally.absorbRows(out, stats, target, frame.losses!, firstRow + start, exponent);
  };
}
