import {
  EPSILON, FOLD_BINS, FOLD_CANDIDATES, FOLD_COUNT, FOLD_CROSS_ENTROPY, FOLD_LOSS, FOLD_EASY, FOLD_EASY_CROSS_ENTROPY, FOLD_EASY_LOSS, FOLD_FLOOR,
  FOLD_HEADER, FROM_LOGITS, HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, STAT_CONFIDENCE, STAT_CROSS_ENTROPY,
  STAT_PREDICTED, STAT_PT, STATS_SLOTS, type Frame, type Targets, type Values,
} from './frame.js';
import { clippedLog, clippedLogOneMinus } from './math/clip.js';
import { expSumExcept, rowMax } from './math/softmax.js';

// What an accumulator's diagnostics read of each sample, STATS_SLOTS values per sample in
// `out`, and foldRows, which adds a chunk's up (assembly/row-stats.ts; the formulas are there).

export function rowStats(frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number, out: Values | null): number {
  const params = frame.params;
  const stats = out!;
  const logits = params[FROM_LOGITS] !== 0;
  const hasIgnore = params[HAS_IGNORE] !== 0;
  const ignore = params[IGNORE_INDEX];
  const eps = params[EPSILON];
  const logHigh = params[LOG_ONE_MINUS_EPSILON];
  for (let i = 0; i < n; i++) {
    const at = i * STATS_SLOTS;
    const label = labels[i];
    if (hasIgnore && label === ignore) {
      stats[at + STAT_PREDICTED] = -1;
      continue;
    }
    if (!(label >= 0 && label < classes)) return i;
    const start = i * classes;
    let top = 0;
    let confidence: number;
    let pt: number;
    let crossEntropy: number;
    if (logits) {
      const m = rowMax(pred, start, classes);
      if (!(m < Infinity && m > -Infinity)) return i;
      while (pred[start + top] !== m) top++;
      const rest = expSumExcept(pred, start, classes, top, m);
      confidence = 1 / (1 + rest);
      const gap = m - pred[start + label];
      pt = gap === 0 ? confidence : Math.exp(-gap) * confidence;
      crossEntropy = gap + Math.log1p(rest);
    } else {
      let best = -1;
      for (let c = 0; c < classes; c++) {
        const v = pred[start + c];
        if (!(v >= 0 && v <= 1)) return i;
        if (v > best) {
          best = v;
          top = c;
        }
      }
      confidence = best;
      pt = pred[start + label];
      crossEntropy = -clippedLog(pt, eps, logHigh);
    }
    stats[at + STAT_PREDICTED] = top;
    stats[at + STAT_CONFIDENCE] = confidence;
    stats[at + STAT_PT] = pt;
    stats[at + STAT_CROSS_ENTROPY] = crossEntropy;
  }
  return -1;
}

export function elementStats(
  frame: Frame, pred: ArrayLike<number>, targets: Targets, n: number, classes: number, out: Values | null,
): number {
  const params = frame.params;
  const stats = out!;
  const logits = params[FROM_LOGITS] !== 0;
  const eps = params[EPSILON];
  const logEps = params[LOG_EPSILON];
  const logHigh = params[LOG_ONE_MINUS_EPSILON];
  for (let e = 0; e < n * classes; e++) {
    const v = pred[e];
    const y = targets[e];
    if (logits ? v !== v : !(v >= 0 && v <= 1)) return Math.floor(e / classes);
    if (!(y >= 0 && y <= 1)) return Math.floor(e / classes);
    let p: number;
    let q: number;
    let logP: number;
    let logQ: number;
    if (logits) {
      const tail = Math.log1p(Math.exp(-Math.abs(v)));
      logP = -(Math.max(-v, 0) + tail);
      logQ = -(Math.max(v, 0) + tail);
      p = Math.exp(logP);
      q = Math.exp(logQ);
    } else {
      p = v;
      q = 1 - v;
      logP = clippedLog(v, eps, logHigh);
      logQ = clippedLogOneMinus(v, eps, logEps, logHigh);
    }
    const at = e * STATS_SLOTS;
    stats[at + STAT_PREDICTED] = (logits ? v > 0 : v > 0.5) ? 1 : 0;
    stats[at + STAT_CONFIDENCE] = p;
    stats[at + STAT_PT] = y * p + (1 - y) * q;
    stats[at + STAT_CROSS_ENTROPY] = (y > 0 ? -y * logP : 0) + (y < 1 ? -(1 - y) * logQ : 0);
  }
  return -1;
}

/** A chunk of class-index rows' stats and losses added up into `out` (assembly/row-stats.ts's foldRows). */
export function foldRows(frame: Frame, pred: ArrayLike<number>, labels: Targets, n: number, classes: number, out: Values | null): number {
  const stats = pred;
  const losses = frame.losses!;
  const fold = out!;
  const M = fold[FOLD_BINS];
  const bounds = FOLD_HEADER;
  const bins = bounds + M + 1;
  const perClass = bins + 3 * M;
  const candidates = perClass + 3 * classes;
  const floor = fold[FOLD_FLOOR];
  let count = 0;
  let lossSum = 0;
  let crossEntropy = 0;
  let easy = 0;
  let easyCrossEntropy = 0;
  let easyLoss = 0;
  let found = 0;
  for (let i = 0; i < n; i++) {
    const at = i * STATS_SLOTS;
    const predicted = stats[at + STAT_PREDICTED];
    if (predicted < 0) continue;
    const label = labels[i];
    const p = stats[at + STAT_CONFIDENCE];
    const ce = stats[at + STAT_CROSS_ENTROPY];
    const loss = losses[i];
    const e = stats[at + STAT_PT] >= 0.5 ? 1 : 0;
    count += 1;
    lossSum += loss;
    crossEntropy += ce;
    easy += e;
    easyCrossEntropy += e * Math.min(ce, 1);
    easyLoss += e * Math.min(loss, Number.MAX_VALUE);
    const correct = predicted === label ? 1 : 0;
    fold[perClass + 3 * label] += correct;
    fold[perClass + 3 * label + 2] += 1;
    fold[perClass + 3 * predicted + 1] += 1;
    let b = Math.ceil(p * M) - 1;
    b = b < 0 ? 0 : b >= M ? M - 1 : b;
    if (b < M - 1 && p > fold[bounds + b + 1]) b++;
    else if (b > 0 && p <= fold[bounds + b]) b--;
    fold[bins + 3 * b] += 1;
    fold[bins + 3 * b + 1] += p;
    fold[bins + 3 * b + 2] += correct;
    if (loss >= floor) fold[candidates + found++] = i;
  }
  fold[FOLD_COUNT] = count;
  fold[FOLD_LOSS] = lossSum;
  fold[FOLD_CROSS_ENTROPY] = crossEntropy;
  fold[FOLD_EASY] = easy;
  fold[FOLD_EASY_CROSS_ENTROPY] = easyCrossEntropy;
  fold[FOLD_EASY_LOSS] = easyLoss;
  fold[FOLD_CANDIDATES] = found;
  return -1;
}
