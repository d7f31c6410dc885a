import type { KernelInstance } from '../backend/instance.js';
import type { Frame, KernelName, Targets, Values } from '../kernels/frame.js';
import { copySampleWeights } from './sample-weights.js';

/** The kernel families: each has a loss kernel and its gradient twin (`${kind}Loss`, `${kind}LossGrad`). */
export type KernelKind = 'probability' | 'gathered' | 'logit' | 'targetRow' | 'binary';

/** How one call's batch reaches the kernel: chosen once, then run chunk by chunk. */
export interface Plan {
  readonly kind: KernelKind;
  /** Rows (samples) and values per row. */
  readonly n: number;
  readonly classes: number;
  /** Rows per chunk. */
  readonly step: number;
  /** The ignore rule that applies to the labels fill() hands the kernel. */
  readonly ignore: number;
  readonly hasIgnore: boolean;
  /** Rows [start, start + m) as the kernel reads them (copied and checked, or in place). */
  fill(start: number, m: number): readonly [ArrayLike<number>, Targets];
  /** Why the kernel rejected row i. */
  explain(i: number): Error;
  /** Gathered plans: the chunk's labels (-1 when ignored), to place each p_t's gradient in its row. */
  readonly chunkLabels: Int32Array | null;
}

/** Outputs of the rows run, or null: per-sample (binary: per-element) losses and the gradient. */
export interface Outputs {
  losses: Float64Array | null;
  grad: Values | null;
}

/**
 * The one chunk loop every API runs: fill the chunk (the plan copies and checks what it
 * reads), run the kernel (which adds to the frame's totals), and move per-sample losses and
 * gradients out where the kernel could not write them in place. Rows [from, to) run (a pool
 * part; `from` on a chunk boundary), and `out` holds theirs: row `from` is its first.
 */
export function runPlan(
  instance: KernelInstance, plan: Plan, frame: Frame, sampleWeights: { fn: string; values: ArrayLike<unknown> } | null,
  out: Outputs, from = 0, to = plan.n,
): void {
  const { classes, step } = plan;
  const kernel = `${plan.kind}${out.grad === null ? 'Loss' : 'LossGrad'}` as KernelName;
  const lossWidth = plan.kind === 'binary' ? classes : 1;
  const gathered = plan.chunkLabels !== null;
  const gradWidth = gathered ? 1 : classes;
  const losses = out.losses;
  const lossBuffer = losses !== null && !instance.reads(losses) ? instance.scratch.f64('losses') : null;
  const grad = out.grad;
  let gradBuffer: Values | null = null;
  if (grad !== null && (gathered || !instance.reads(grad))) {
    gradBuffer = grad instanceof Float32Array ? instance.scratch.f32('grad') : instance.scratch.f64('grad');
  }
  for (let start = from; start < to; start += step) {
    const m = Math.min(step, to - start);
    const at = start - from;
    const [pred, target] = plan.fill(start, m);
    if (sampleWeights !== null) copySampleWeights(sampleWeights.fn, sampleWeights.values, start, m, frame.sampleWeights!);
    if (losses !== null) frame.losses = lossBuffer ?? losses.subarray(at * lossWidth, (at + m) * lossWidth);
    const gradChunk = grad === null ? null : (gradBuffer ?? grad.subarray(at * gradWidth, (at + m) * gradWidth));
    const bad = instance.call(kernel, frame, pred, target, m, classes, gradChunk);
    if (bad >= 0) throw plan.explain(start + bad);
    if (lossBuffer !== null) losses!.set(lossBuffer.subarray(0, m * lossWidth), at * lossWidth);
    if (gathered && grad !== null) scatter(gradBuffer!, plan.chunkLabels!, grad, at, m, classes);
    else if (gradBuffer !== null) grad!.set(gradBuffer.subarray(0, m * gradWidth), at * gradWidth);
  }
}

/** Gathered gradients: d loss / d p_t of each sample into its row, zeros elsewhere. */
function scatter(g: Values, labels: Int32Array, grad: Values, start: number, m: number, classes: number): void {
  grad.fill(0, start * classes, (start + m) * classes);
  for (let j = 0; j < m; j++) {
    if (labels[j] >= 0) grad[(start + j) * classes + labels[j]] = g[j];
  }
}
