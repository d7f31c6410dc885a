import {
  EPSILON, flag, FOLD_BINS, FOLD_CANDIDATES, FOLD_COUNT, FOLD_CROSS_ENTROPY, FOLD_LOSS, FOLD_EASY, FOLD_EASY_CROSS_ENTROPY, FOLD_EASY_LOSS,
  FOLD_FLOOR, FOLD_HEADER, FROM_LOGITS, HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, LOSSES, param, pointer, PRED_F32,
  STAT_CONFIDENCE, STAT_CROSS_ENTROPY, STAT_PREDICTED, STAT_PT, STATS_SLOTS,
} from './frame';
import { clippedLog, clippedLogOneMinus } from './math/clip';
import { expSumExcept, rowMax } from './math/softmax';

// What an accumulator's diagnostics read of each sample, STATS_SLOTS f64 per sample at `out`,
// and foldRows, which adds a chunk's up (src/kernels/row-stats.ts is the JS twin). The host
// runs them on a chunk right after the loss kernel, while the chunk's rows are still in cache
// (src/pipeline/diagnostics.ts).
//
// rowStats, class-index targets over rows of C probabilities, or logits with label smoothing
// (the logits kernels write their own rows' stats): the predicted class
// (argmax, the lowest index on ties; -1 for an ignored sample), its probability, p_t, and
// -ln p_t clipped as the loss clips it. Logits go through one stable softmax about the
// argmax a: rest = sum over j != a of e^(z_j - z_a), confidence = 1 / (1 + rest),
// p_t = e^(z_t - z_a) / (1 + rest), -ln p_t = (z_a - z_t) + log1p(rest), exact as p_t -> 1.
//
// elementStats, binary: per element 1 where p > 0.5 (logits: x > 0) else 0, p (sigmoid for
// logits), p_t = y p + (1 - y)(1 - p), and the cross-entropy -y ln p - (1 - y) ln(1 - p)
// against the unsmoothed target (probabilities clipped as the loss clips them; logits in
// log space).
//
// rowStats and elementStats return -1, or the first row they cannot read: a label out of range, a logit row
// without a finite maximum, a probability outside [0, 1] anywhere in the row (the loss reads
// only p_t; the argmax reads them all), a NaN logit or a target outside [0, 1].

export function rowStats(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, out: usize): i32 {
  return flag(frame, PRED_F32) ? rows<f32>(frame, pred, labels, n, classes, out) : rows<f64>(frame, pred, labels, n, classes, out);
}

function rows<T>(frame: usize, pred: usize, labels: usize, n: i32, classes: i32, out: usize): i32 {
  const logits = flag(frame, FROM_LOGITS);
  const hasIgnore = flag(frame, HAS_IGNORE);
  const ignore = <i32>param(frame, IGNORE_INDEX);
  const eps = param(frame, EPSILON);
  const logHigh = param(frame, LOG_ONE_MINUS_EPSILON);
  const stride = <usize>classes << alignof<T>();
  for (let i = 0; i < n; i++) {
    const at = out + ((<usize>i * STATS_SLOTS) << 3);
    const label = load<i32>(labels + (<usize>i << 2));
    if (hasIgnore && label == ignore) {
      store<f64>(at, -1, STAT_PREDICTED << 3);
      continue;
    }
    if (<u32>label >= <u32>classes) return i;
    const row = pred + <usize>i * stride;
    let top = 0;
    let confidence: f64;
    let pt: f64;
    let crossEntropy: f64;
    if (logits) {
      const m = rowMax<T>(row, classes);
      if (!(m < Infinity && m > -Infinity)) return i;
      while (<f64>load<T>(row + (<usize>top << alignof<T>())) != m) top++;
      const rest = expSumExcept<T>(row, classes, top, m);
      confidence = 1 / (1 + rest);
      const gap = m - <f64>load<T>(row + (<usize>label << alignof<T>()));
      pt = Math.exp(-gap) * confidence;
      crossEntropy = gap + Math.log1p(rest);
    } else {
      let best: f64 = -1;
      for (let c = 0; c < classes; c++) {
        const v = <f64>load<T>(row + (<usize>c << alignof<T>()));
        if (!(v >= 0 && v <= 1)) return i;
        if (v > best) {
          best = v;
          top = c;
        }
      }
      confidence = best;
      pt = <f64>load<T>(row + (<usize>label << alignof<T>()));
      crossEntropy = -clippedLog(pt, eps, logHigh);
    }
    store<f64>(at, <f64>top, STAT_PREDICTED << 3);
    store<f64>(at, confidence, STAT_CONFIDENCE << 3);
    store<f64>(at, pt, STAT_PT << 3);
    store<f64>(at, crossEntropy, STAT_CROSS_ENTROPY << 3);
  }
  return -1;
}

export function elementStats(frame: usize, pred: usize, targets: usize, n: i32, classes: i32, out: usize): i32 {
  const logits = flag(frame, FROM_LOGITS);
  const eps = param(frame, EPSILON);
  const logEps = param(frame, LOG_EPSILON);
  const logHigh = param(frame, LOG_ONE_MINUS_EPSILON);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < classes; k++) {
      const e = <usize>i * classes + k;
      const v = load<f64>(pred + (e << 3));
      const y = load<f64>(targets + (e << 3));
      if (logits ? v != v : !(v >= 0 && v <= 1)) return i;
      if (!(y >= 0 && y <= 1)) return i;
      let p: f64;
      let q: f64;
      let logP: f64;
      let logQ: f64;
      let positive: bool;
      if (logits) {
        // ln sigmoid(v) = -softplus(-v) and ln(1 - sigmoid(v)) = -softplus(v), each directly.
        const tail = Math.log1p(Math.exp(-Math.abs(v)));
        logP = -(max(-v, 0) + tail);
        logQ = -(max(v, 0) + tail);
        p = Math.exp(logP);
        q = Math.exp(logQ);
        positive = v > 0;
      } else {
        p = v;
        q = 1 - v;
        logP = clippedLog(v, eps, logHigh);
        logQ = clippedLogOneMinus(v, eps, logEps, logHigh);
        positive = v > 0.5;
      }
      const at = out + ((e * STATS_SLOTS) << 3);
      store<f64>(at, positive ? 1 : 0, STAT_PREDICTED << 3);
      store<f64>(at, p, STAT_CONFIDENCE << 3);
      store<f64>(at, y * p + (1 - y) * q, STAT_PT << 3);
      store<f64>(at, (y > 0 ? -y * logP : 0) + (y < 1 ? -(1 - y) * logQ : 0), STAT_CROSS_ENTROPY << 3);
    }
  }
  return -1;
}

/**
 * Adds up a chunk of class-index rows' stats (written by rowStats or the logits kernels) and
 * losses (frame slot LOSSES) into `out`, laid out as frame.ts's FOLD_* slots say. Bin b of M
 * holds confidences in (b/M, (b+1)/M] (bin 0 also 0): ceil(confidence * M) - 1, checked
 * against the bounds themselves, since the product may round onto an integer. Whether a row
 * is easy or right is data, so those sums go without branches (an easy row's -ln p_t is below
 * 1 and its loss finite: the factor 0 never meets an infinity).
 */
export function foldRows(frame: usize, stats: usize, labels: usize, n: i32, classes: i32, out: usize): i32 {
  const losses = pointer(frame, LOSSES);
  const M = <i32>load<f64>(out, FOLD_BINS << 3);
  const bounds = out + (FOLD_HEADER << 3);
  const bins = bounds + ((<usize>M + 1) << 3);
  const perClass = bins + ((<usize>M * 3) << 3);
  const candidates = perClass + ((<usize>classes * 3) << 3);
  const floor = load<f64>(out, FOLD_FLOOR << 3);
  let count: f64 = 0;
  let lossSum: f64 = 0;
  let crossEntropy: f64 = 0;
  let easy: f64 = 0;
  let easyCrossEntropy: f64 = 0;
  let easyLoss: f64 = 0;
  let found = 0;
  for (let i = 0; i < n; i++) {
    const at = stats + ((<usize>i * STATS_SLOTS) << 3);
    const predicted = load<f64>(at, STAT_PREDICTED << 3);
    if (predicted < 0) continue;
    const label = load<i32>(labels + (<usize>i << 2));
    const p = load<f64>(at, STAT_CONFIDENCE << 3);
    const ce = load<f64>(at, STAT_CROSS_ENTROPY << 3);
    const loss = load<f64>(losses + (<usize>i << 3));
    const e = select<f64>(1, 0, load<f64>(at, STAT_PT << 3) >= 0.5);
    count += 1;
    lossSum += loss;
    crossEntropy += ce;
    easy += e;
    easyCrossEntropy += e * min(ce, 1);
    easyLoss += e * min(loss, f64.MAX_VALUE);
    const top = <i32>predicted;
    const correct = select<f64>(1, 0, top == label);
    const own = perClass + ((<usize>label * 3) << 3);
    store<f64>(own, load<f64>(own) + correct);
    store<f64>(own, load<f64>(own, 16) + 1, 16);
    const guessed = perClass + ((<usize>top * 3) << 3);
    store<f64>(guessed, load<f64>(guessed, 8) + 1, 8);
    let b = <i32>Math.ceil(p * M) - 1;
    b = b < 0 ? 0 : b >= M ? M - 1 : b;
    if (b < M - 1 && p > load<f64>(bounds + ((<usize>b + 1) << 3))) b++;
    else if (b > 0 && p <= load<f64>(bounds + (<usize>b << 3))) b--;
    const bin = bins + ((<usize>b * 3) << 3);
    store<f64>(bin, load<f64>(bin) + 1);
    store<f64>(bin, load<f64>(bin, 8) + p, 8);
    store<f64>(bin, load<f64>(bin, 16) + correct, 16);
    if (loss >= floor) {
      store<f64>(candidates + (<usize>found << 3), <f64>i);
      found++;
    }
  }
  store<f64>(out, count, FOLD_COUNT << 3);
  store<f64>(out, lossSum, FOLD_LOSS << 3);
  store<f64>(out, crossEntropy, FOLD_CROSS_ENTROPY << 3);
  store<f64>(out, easy, FOLD_EASY << 3);
  store<f64>(out, easyCrossEntropy, FOLD_EASY_CROSS_ENTROPY << 3);
  store<f64>(out, easyLoss, FOLD_EASY_LOSS << 3);
  store<f64>(out, <f64>found, FOLD_CANDIDATES << 3);
  return -1;
}
