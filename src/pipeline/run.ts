import type { KernelInstance } from '../backend/instance.js';
import { chunkRows } from '../backend/scratch.js';
import type { Frame, KernelName, Targets, Values } from '../kernels/frame.js';
import type { Layout } from '../layout/layout.js';
import { copySampleWeights, type SampleWeights } from './sample-weights.js';

/** The kernel families: each has a loss kernel and its gradient twin (`${kind}Loss`, `${kind}LossGrad`). */
export type KernelKind = 'probability' | 'gathered' | 'logit' | 'targetRow' | 'binary' | 'asymmetric';

/** How one call's batch reaches the kernel: chosen once, then run chunk by chunk. */
export interface Plan {
  readonly kind: KernelKind;
  /** Rows (samples) and values per row. */
  readonly n: number;
  readonly classes: number;
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

/** A call's work on one kernel instance, prepared once (evaluate.ts) and run over any range of its rows. */
export interface Job {
  readonly instance: KernelInstance;
  readonly plan: Plan;
  readonly layout: Layout;
  readonly sampleWeights: SampleWeights | null;
  /** One loss per element (K per row, laid out as yPred) rather than one per sample. */
  readonly elements: boolean;
}

/**
 * Outputs of rows [from, to), each indexed from `from`: per-sample (elements: per-element,
 * in yPred's layout) losses, and the gradient in yPred's layout, or null.
 */
export interface Outputs {
  losses: Float64Array | null;
  grad: Values | null;
  /** Shown each chunk after its loss kernel ran (an accumulator's diagnostics). */
  observe?: ChunkObserver;
}

/**
 * Reads a chunk while it is in cache: rows [start, start + m) of the job as the kernel read
 * them (pred, target), and the frame, whose `losses` hold the chunk's per-sample (elements:
 * per-element) losses. Throws to reject the chunk.
 */
export type ChunkObserver = (job: Job, frame: Frame, start: number, m: number, pred: ArrayLike<number>, target: Targets) => void;

const failedChunks = new WeakMap<object, number>();

/** The first row of the chunk an error thrown by runPlan came from (a pool names rows by it), or -1. */
export function failedChunk(error: unknown): number {
  return typeof error === 'object' && error !== null ? (failedChunks.get(error) ?? -1) : -1;
}

/**
 * The one chunk loop every API runs: fill the chunk (the plan copies and checks what it
 * reads), run the kernel (which adds to the frame's totals), and move per-sample losses and
 * gradients out where the kernel could not write them in place. Rows [from, to) run (a pool
 * part: `from` on a chunk boundary, and on an image boundary for channels-first maps).
 */
export function runPlan(job: Job, frame: Frame, out: Outputs, from = 0, to = job.plan.n): void {
  const { instance, plan, layout, sampleWeights } = job;
  const { classes } = plan;
  const step = chunkRows(classes);
  const kernel = `${plan.kind}${out.grad === null ? 'Loss' : 'LossGrad'}` as KernelName;
  // Outputs are indexed from `from`: a part's own layout (a whole batch's, or none to write, needs no slice).
  const here = from === 0 || (out.losses === null && out.grad === null) ? layout : layout.slice(from, to).layout;
  const gathered = plan.chunkLabels !== null;
  const losses = out.losses;
  const width = job.elements ? classes : 1;
  const lossesInPlace = losses !== null && (!job.elements || here.rowMajor) && instance.reads(losses);
  const lossBuffer = losses !== null && !lossesInPlace ? instance.scratch.f64('losses') : null;
  const grad = out.grad;
  const gradInPlace = grad !== null && !gathered && here.rowMajor && instance.reads(grad);
  let gradBuffer: Values | null = null;
  if (grad !== null && !gradInPlace) {
    gradBuffer = grad instanceof Float32Array ? instance.scratch.f32('grad') : instance.scratch.f64('grad');
  }
  const observe = out.observe ?? null;
  if (observe !== null) {
    if (losses === null) frame.losses = instance.scratch.f64('losses');
    frame.stats = instance.scratch.f64('stats');
  }
  for (let start = from; start < to; start += step) {
    const m = Math.min(step, to - start);
    const at = start - from;
    try {
      const [pred, target] = plan.fill(start, m);
      if (sampleWeights !== null) copySampleWeights(sampleWeights, start, m, frame.sampleWeights!);
      if (losses !== null) frame.losses = lossBuffer ?? losses.subarray(at * width, (at + m) * width);
      const gradChunk = grad === null ? null : (gradBuffer ?? grad.subarray(at * classes, (at + m) * classes));
      const bad = instance.call(kernel, frame, pred, target, m, classes, gradChunk);
      if (bad >= 0) throw plan.explain(start + bad);
      observe?.(job, frame, start, m, pred, target);
    } catch (error) {
      if (typeof error === 'object' && error !== null) failedChunks.set(error, start);
      throw error;
    }
    if (lossBuffer !== null) {
      if (job.elements) writeBack(here, instance, lossBuffer, losses!, at, m);
      else losses!.set(lossBuffer.subarray(0, m), at);
    }
    if (gathered && grad !== null) here.scatter(gradBuffer!, plan.chunkLabels!, grad, at, m);
    else if (gradBuffer !== null) writeBack(here, instance, gradBuffer, grad!, at, m);
  }
}

/** Rows of C (a chunk of samples [start, start + m)) into a buffer of `layout`: channels-first ones transposed back into planes first. */
function writeBack(layout: Layout, instance: KernelInstance, rows: Values, into: Values, start: number, m: number): void {
  if (layout.rowMajor) return layout.writeRows(rows, into, start, m);
  const planes = rows instanceof Float32Array ? instance.scratch.f32('planes') : instance.scratch.f64('planes');
  instance.transpose(rows, planes, m, layout.classes);
  layout.writePlanes(planes, into, start, m);
}
