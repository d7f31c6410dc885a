// The diagnostics of an accumulator computed from their definitions, sample by sample, in
// plain float64, independently of the library: the test's reference for every summary field.

export interface Settings {
  hardest: number;
  bins: number;
  beta: number;
}

export interface Sample {
  row: number;
  column?: number;
  label: number;
  loss: number;
  pt: number;
  /** The predicted class (binary: 1 or 0) and its probability (binary: p). */
  predicted: number;
  confidence: number;
  crossEntropy: number;
}

export interface Reference {
  count: number;
  lossSum: number;
  crossEntropySum: number;
  easy: { count: number; crossEntropySum: number; lossSum: number };
  /** Per bin, over all columns (binary). */
  bins: Array<{ count: number; confidence: number | null; accuracy: number | null }>;
  ece: number | null;
  perClass: Array<{ correct: number; predicted: number; truths: number; recall: number | null; precision: number | null }>;
  hardest: Sample[];
}

const clip = (p: number, eps: number) => Math.min(Math.max(p, eps), 1 - eps);

/** Which bin of M holds x: the b with b/M < x <= (b+1)/M, by testing each bound (bin 0 also holds 0). */
export function binByBounds(x: number, M: number): number {
  for (let b = 0; b < M; b++) if (x <= (b + 1) / M) return b;
  return M - 1;
}

export interface FocalInput {
  labels: number[];
  /** Rows of probabilities, or logits with fromLogits. */
  rows: number[][];
  gamma: number;
  alpha?: number[];
  weights?: number[];
  fromLogits: boolean;
  epsilon: number;
  ignoreIndex?: number;
  labelSmoothing?: number;
  firstRow: number;
}

/** Each counted sample of a class-index batch, from the formulas. */
export function focalSamples(x: FocalInput): Sample[] {
  const out: Sample[] = [];
  const C = x.rows[0]?.length ?? 0;
  x.labels.forEach((t, i) => {
    if (t === x.ignoreIndex) return;
    const z = x.rows[i];
    let p: number[];
    let logP: number[];
    if (x.fromLogits) {
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      logP = z.map((v) => v - lse);
      p = logP.map(Math.exp);
    } else {
      p = z;
      logP = z.map((v) => Math.log(clip(v, x.epsilon)));
    }
    let predicted = 0;
    for (let c = 1; c < C; c++) if (p[c] > p[predicted]) predicted = c;
    // The loss: Σ_c α_c y_c (1 − p_c)^γ (−ln p_c) over the (smoothed) target row, times w.
    const s = x.labelSmoothing ?? 0;
    let loss = 0;
    for (let c = 0; c < C; c++) {
      const y = (c === t ? 1 - s : 0) + s / C;
      if (y === 0) continue;
      // 1 − p_c: for logits the other classes' mass (1 − p_c itself loses digits as p_c → 1).
      const rest = x.fromLogits ? p.reduce((acc, v, j) => (j === c ? acc : acc + v), 0) : 1 - clip(p[c], x.epsilon);
      loss += (x.alpha?.[c] ?? 1) * y * rest ** x.gamma * -logP[c];
    }
    loss *= x.weights?.[i] ?? 1;
    out.push({
      row: x.firstRow + i, label: t, loss, pt: p[t], predicted,
      confidence: x.fromLogits ? Math.max(...p) : p[predicted], crossEntropy: -logP[t],
    });
  });
  return out;
}

export interface BinaryInput {
  targets: number[][];
  preds: number[][];
  gamma: number;
  alpha?: number;
  weights?: number[];
  fromLogits: boolean;
  epsilon: number;
  firstRow: number;
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Each element of a binary batch, from the formulas. */
export function binarySamples(x: BinaryInput): Sample[] {
  const out: Sample[] = [];
  x.targets.forEach((row, i) => row.forEach((y, k) => {
    const v = x.preds[i][k];
    const p = x.fromLogits ? sigmoid(v) : v;
    const q = x.fromLogits ? sigmoid(-v) : 1 - v;
    const lp = x.fromLogits ? -Math.log1p(Math.exp(-v)) : Math.log(clip(v, x.epsilon));
    const lq = x.fromLogits ? -Math.log1p(Math.exp(v)) : Math.log(clip(1 - v, x.epsilon));
    const bce = -(y * lp + (1 - y) * lq);
    const pt = y * p + (1 - y) * q;
    // 1 − p_t, from the clipped p and 1 − p (never by subtracting p_t from 1).
    const Q = x.fromLogits ? y * q + (1 - y) * p : y * clip(1 - v, x.epsilon) + (1 - y) * clip(v, x.epsilon);
    const a = x.alpha === undefined ? 1 : x.alpha * y + (1 - x.alpha) * (1 - y);
    const loss = (x.weights?.[i] ?? 1) * a * Q ** x.gamma * bce;
    out.push({ row: x.firstRow + i, column: k, label: y, loss, pt, predicted: (x.fromLogits ? v > 0 : v > 0.5) ? 1 : 0, confidence: p, crossEntropy: bce });
  }));
  return out;
}

const ranks = (a: Sample, b: Sample) => b.loss - a.loss || a.row - b.row || (a.column ?? 0) - (b.column ?? 0);

/** The diagnostics of samples over `classes` classes (binary: columns), from the definitions. */
export function reference(samples: Sample[], classes: number, settings: Settings, binary: boolean): Reference {
  const M = settings.bins;
  const bins = Array.from({ length: M }, () => ({ n: 0, confidence: 0, hits: 0 }));
  const perClass = Array.from({ length: classes }, () => ({ correct: 0, predicted: 0, truths: 0 }));
  const easy = samples.filter((s) => s.pt >= 0.5);
  for (const s of samples) {
    const bin = bins[binByBounds(s.confidence, M)];
    bin.n++;
    bin.confidence += s.confidence;
    if (binary) {
      const k = s.column!;
      const positive = s.label >= 0.5;
      bin.hits += s.label;
      perClass[k].correct += positive && s.predicted === 1 ? 1 : 0;
      perClass[k].predicted += s.predicted;
      perClass[k].truths += positive ? 1 : 0;
    } else {
      bin.hits += s.predicted === s.label ? 1 : 0;
      perClass[s.label].correct += s.predicted === s.label ? 1 : 0;
      perClass[s.predicted].predicted++;
      perClass[s.label].truths++;
    }
  }
  const N = samples.length;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const shown = bins.map((b) => ({ count: b.n, confidence: b.n ? b.confidence / b.n : null, accuracy: b.n ? b.hits / b.n : null }));
  return {
    count: N,
    lossSum: sum(samples.map((s) => s.loss)),
    crossEntropySum: sum(samples.map((s) => s.crossEntropy)),
    easy: { count: easy.length, crossEntropySum: sum(easy.map((s) => s.crossEntropy)), lossSum: sum(easy.map((s) => s.loss)) },
    bins: shown,
    ece: N === 0 ? null : sum(shown.map((b) => (b.count === 0 ? 0 : (b.count / N) * Math.abs(b.accuracy! - b.confidence!)))),
    perClass: perClass.map((c) => ({
      ...c, recall: c.truths ? c.correct / c.truths : null, precision: c.predicted ? c.correct / c.predicted : null,
    })),
    hardest: [...samples].sort(ranks).slice(0, settings.hardest),
  };
}

/** Class weights from counts, from the published formulas: N / (C n_c), and (1 − β)/(1 − β^n_c) scaled to add up to C. */
export function classWeights(counts: number[], beta: number): { inverseFrequency: number[]; classBalanced: number[] } {
  const N = counts.reduce((a, b) => a + b, 0);
  const C = counts.length;
  const raw = counts.map((n) => (1 - beta) / (1 - beta ** n));
  const total = raw.reduce((a, b) => a + b, 0);
  return { inverseFrequency: counts.map((n) => N / (C * n)), classBalanced: raw.map((w) => (C * w) / total) };
}
