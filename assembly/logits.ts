import { addTotals, BLOCK, flag, pointer, PRED_F32, SAMPLE_WEIGHTS } from './frame';
import { pairedRows } from './logit-pairs';
import { IGNORED, oneRow } from './logit-row';

// Class-index targets with logits: each row goes through one stable log-softmax,
//   m = max_j z_j,  rest = sum over j != t of e^(z_j - m),  total = e^(z_t - m) + rest,
//   ln p_t = z_t - m - ln total,  q = 1 - p_t = rest / total,
//   loss = alpha_t * w * q^gamma * -ln p_t  [+ eps w q^(gamma + 1), Poly-1].
// q is the off-target mass itself, never 1 - p_t, so it keeps its digits as p_t -> 1, and
// the gradient
//   d loss / d z_j = w q^gamma (alpha_t (gamma p_t ln p_t / q - 1) [- eps (gamma + 1) p_t]) (delta_tj - p_j)
// stays finite and exact for every gamma >= 0: ln p_t / q -> -1, and delta_tt - p_t is q.
// ln total carries the rounding error of et + rest, so where z_t is the max (et = 1) it is
// log1p(rest) to full accuracy however small rest is.
//
// An accumulator's diagnostics (frame slot STATS) take each row's argmax, its probability
// 1 / total (e^(z_argmax - m) = 1), p_t and -ln p_t: what the loss computes anyway, and the
// argmax from the pass that finds m (the lowest index on ties), so no second pass over the row.
//
// Narrow rows go two at a time, one per lane (logit-pairs.ts): the max, the exp pass and all
// of the per-row arithmetic then run once for both (rows of 10 would fill f64x2 lanes poorly
// one at a time, and their per-row work would be scalar). Wider rows go one at a time, in
// pairs of classes.


/** Rows up to this many classes go two at a time. */
const PAIRED_CLASSES = 32;

export function logitLoss(frame: usize, pred: usize, labels: usize, n: i32, classes: i32): i32 {
  return logits(frame, pred, labels, n, classes, 0);
}

export function logitLossGrad(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  return logits(frame, pred, labels, n, classes, grad);
}

/** Returns -1, or the first row with an invalid label, a NaN or +Inf logit, or no finite logit. */
function logits(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  const f32 = flag(frame, PRED_F32);
  if (ASC_FEATURE_SIMD && classes <= PAIRED_CLASSES) {
    return pairedRows(frame, pred, labels, n, classes, grad, f32);
  }
  return f32 ? singleRows<f32>(frame, pred, labels, n, classes, grad) : singleRows<f64>(frame, pred, labels, n, classes, grad);
}

function singleRows<T>(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, grad: usize): i32 {
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  let i = 0;
  while (i < n) {
    const end = min(i + BLOCK, n);
    let block: f64 = 0;
    let weightSum: f64 = 0;
    let counted = 0;
    for (; i < end; i++) {
      const loss = oneRow<T>(frame, pred, labels, i, classes, grad);
      if (isNaN(loss)) return i;
      if (loss == IGNORED) continue;
      block += loss;
      weightSum += sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
      counted++;
    }
    addTotals(frame, block, counted, weightSum);
  }
  return -1;
}
