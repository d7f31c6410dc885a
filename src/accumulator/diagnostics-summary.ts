import { classBalancedAlpha, inverseFrequencyAlpha } from '../class-weights.js';
import { addTo, valueOf, type Compensated } from '../math/compensated.js';
import { scaleBy } from '../pipeline/sample-weights.js';
import { BIN_SLOTS, CLASS_SLOTS, EASY, type Tally } from '../pipeline/diagnostics.js';
import type { HardSample } from '../pipeline/hardest.js';

// What summary() makes of an accumulator's diagnostics: means from sums, ratios with null
// where the denominator is 0, the ECE, and class weights from the class counts.

/** One confidence bin: (b/M, (b+1)/M]. Means are null for an empty bin. */
export interface CalibrationBin {
  count: number;
  /** The mean confidence (the predicted class's probability; binary: p). */
  confidence: number | null;
  /** The fraction predicted correctly (binary: the mean target y). */
  accuracy: number | null;
}

export interface Calibration {
  /** Σ_b (n_b / N)·|accuracy_b − confidence_b|; null when nothing was diagnosed. */
  ece: number | null;
  bins: CalibrationBin[];
}

/** The samples (binary: elements) with p_t ≥ 0.5 and their share of the sums. */
export interface EasySamples {
  threshold: number;
  count: number;
  /** Their Σ −ln p_t (unweighted). */
  crossEntropySum: number;
  /** Their Σ w·loss, the same kind of sum as `sum`. */
  lossSum: number;
}

/**
 * Class weights from the class counts (binary: per column, the α of positives that balances
 * the column's positives and negatives): `inverseFrequencyAlpha` and `classBalancedAlpha`.
 */
export interface RecommendedAlpha {
  /** null with a `reason` where a class (binary: a column's positives or negatives) has no samples. */
  inverseFrequency: number[] | null;
  classBalanced: number[] | null;
  beta: number;
  reason?: string;
}

/** The fields summary() adds with the `diagnostics` option. */
export interface DiagnosticsSummary {
  /** The samples (binary: elements) the diagnostics cover, and their Σ w·loss: class-index samples (target rows have no class). */
  diagnosed: { count: number; lossSum: number };
  /** Σ −ln p_t over them, unweighted (with the loss's clipping). */
  crossEntropySum: number;
  easy: EasySamples;
  /** Of the predicted class (binary: of p against y, all columns pooled). */
  calibration: Calibration;
  recommendedAlpha: RecommendedAlpha;
  /** The samples with the largest loss, hardest first. */
  hardest: HardSample[];
}

/** What the diagnostics add to a class's (binary: a column's) summary. */
export interface ClassDiagnostics {
  /** Correct predictions of the class (binary: true positives, p > 0.5 where y ≥ 0.5). */
  correct: number;
  /** Samples predicted as the class (binary: elements with p > 0.5; logits: x > 0). */
  predicted: number;
  /** correct / count (binary: / positives); null when that is 0. */
  recall: number | null;
  /** correct / predicted; null when nothing was predicted as the class. */
  precision: number | null;
  /** Binary: elements with y ≥ 0.5. */
  positives?: number;
  /** Binary: the column's calibration of p against y. */
  calibration?: Calibration;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The calibration of bins [from, from + M), each summed over `groups` groups M bins apart. */
function calibration(bins: Float64Array, M: number, from: number, groups: number): Calibration {
  const out: CalibrationBin[] = [];
  let total = 0;
  for (let b = 0; b < M; b++) {
    let count = 0;
    const confidence: Compensated = [0, 0];
    const hits: Compensated = [0, 0];
    for (let g = 0; g < groups; g++) {
      const at = (from + g * M + b) * BIN_SLOTS;
      count += bins[at];
      addTo(confidence, bins[at + 1], bins[at + 2]);
      addTo(hits, bins[at + 3], bins[at + 4]);
    }
    out.push({ count, confidence: ratio(valueOf(confidence), count), accuracy: ratio(valueOf(hits), count) });
    total += count;
  }
  let ece = 0;
  for (const bin of out) if (bin.count > 0) ece += (bin.count / total) * Math.abs(bin.accuracy! - bin.confidence!);
  return { ece: total === 0 ? null : ece, bins: out };
}

function recommendedAlpha(t: Tally): RecommendedAlpha {
  const beta = t.settings.beta;
  const none = (reason: string): RecommendedAlpha => ({ inverseFrequency: null, classBalanced: null, beta, reason });
  if (t.classes === 0) return none('no samples were diagnosed');
  const truths = Array.from({ length: t.classes }, (_, c) => t.perClass[c * CLASS_SLOTS + 2]);
  if (!t.elements) {
    const empty = truths.flatMap((n, c) => (n === 0 ? [c] : []));
    if (empty.length > 0) {
      return none(`${empty.length === 1 ? 'class' : 'classes'} ${list(empty)} ${empty.length === 1 ? 'has' : 'have'} no samples: no weight exists for a class never seen`);
    }
    return { inverseFrequency: Array.from(inverseFrequencyAlpha(truths)), classBalanced: Array.from(classBalancedAlpha(truths, { beta })), beta };
  }
  const rows = t.count / t.classes;
  const one = truths.flatMap((positives, k) => (positives === 0 || positives === rows ? [k] : []));
  if (one.length > 0) {
    return none(`${one.length === 1 ? 'column' : 'columns'} ${list(one)} ${one.length === 1 ? 'has' : 'have'} targets of one class only: no α balances it`);
  }
  // binaryFocalLoss's α weighs positives, 1 − α negatives: each column's two class weights, normalised to add up to 1.
  const positive = (w: Float64Array) => w[1] / (w[0] + w[1]);
  return {
    inverseFrequency: truths.map((positives) => positive(inverseFrequencyAlpha([rows - positives, positives]))),
    classBalanced: truths.map((positives) => positive(classBalancedAlpha([rows - positives, positives], { beta }))),
    beta,
  };
}

const list = (items: number[]): string => (items.length > 8 ? `${items.slice(0, 8).join(', ')}, …` : items.join(', '));

/** The summary fields of a tally whose loss sums are held times 2^exponent. */
export function summarize(t: Tally, exponent: number): { diagnostics: DiagnosticsSummary; perClass: ClassDiagnostics[] } {
  const own = (pair: Compensated) => scaleBy(valueOf(pair), -exponent);
  const M = t.settings.bins;
  const perClass = Array.from({ length: t.classes }, (_, c): ClassDiagnostics => {
    const [correct, predicted, truths] = t.perClass.subarray(c * CLASS_SLOTS, (c + 1) * CLASS_SLOTS);
    const out: ClassDiagnostics = { correct, predicted, recall: ratio(correct, truths), precision: ratio(correct, predicted) };
    if (t.elements) {
      out.positives = truths;
      out.calibration = calibration(t.bins, M, c * M, 1);
    }
    return out;
  });
  return {
    diagnostics: {
      diagnosed: { count: t.count, lossSum: own(t.lossSum) },
      crossEntropySum: valueOf(t.crossEntropy),
      easy: { threshold: EASY, count: t.easyCount, crossEntropySum: valueOf(t.easyCrossEntropy), lossSum: own(t.easyLoss) },
      calibration: calibration(t.bins, M, 0, t.elements ? t.classes : 1),
      recommendedAlpha: recommendedAlpha(t),
      hardest: t.hardest.sorted(),
    },
    perClass,
  };
}
