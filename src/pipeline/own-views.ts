import type { KernelInstance } from '../backend/instance.js';
import type { Values } from '../kernels/frame.js';
import type { ArrayOption } from '../options/read.js';
import type { Batch } from '../shape.js';
import { prepare, type PreparedJob } from './evaluate.js';
import type { LossSettings, LossSpec } from './loss-spec.js';
import type { Needs } from './plan.js';

type Typed = Float64Array | Float32Array | Int32Array;
type TypedConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => Typed;
type Place = { readonly of: TypedConstructor; readonly byteOffset: number; readonly length: number } | null;

/** A call's inputs and output, as views of memory as it is now. */
interface CallViews {
  batch: Batch;
  sampleWeight: ArrayOption | undefined;
  grad: Values | null;
}

/**
 * prepare() for a call whose inputs or gradOut may be views of the kernel's own memory (a
 * workspace's buffers): the chunk buffers are reserved (by the plan) before anything is
 * read, and the job reads the views where they are after any growth. Returns the job, and
 * the batch and gradient as the job reads and writes them.
 */
export function prepareCall(
  spec: LossSpec, s: LossSettings, batch: Batch, grad: Values | null, instance: KernelInstance, needs: Needs, epsilon?: number,
  weightExponent?: number,
): { job: PreparedJob; batch: Batch; grad: Values | null } {
  const own = ownViews(instance, { batch, sampleWeight: s.sampleWeight, grad });
  if (own !== null) {
    spec.plan(batch, s, instance, needs);
    const now = own.retake();
    ({ batch, grad } = now);
    s = { ...s, sampleWeight: now.sampleWeight };
  }
  return { job: prepare(spec, s, batch, instance, needs, epsilon, weightExponent), batch, grad };
}

/**
 * The call's inputs (and gradOut) that are views of the kernel's own wasm memory, such as a
 * workspace's `predictions` given to a one-shot call. Reserving the call's chunk buffers can
 * grow that memory, which detaches every view of it; where each view was is noted here, and
 * `retake()` gives the same views of memory as it is after the growth (unchanged if it did not
 * grow). Rows are noted when the first row is such a view. null when nothing is in that memory.
 */
function ownViews(instance: KernelInstance, views: CallViews): { retake(): CallViews } | null {
  const memory = instance.growingMemory();
  if (memory === null) return null;
  const { batch, sampleWeight, grad } = views;
  const own = (v: unknown): v is Typed => ArrayBuffer.isView(v) && v.buffer === memory;
  const place = (v: unknown): Place =>
    (own(v) ? { of: v.constructor as TypedConstructor, byteOffset: v.byteOffset, length: v.length } : null);
  const places = (values: ArrayLike<unknown>, rows: boolean): Place | Place[] =>
    (rows && own(values[0]) ? Array.from({ length: batch.n }, (_, i) => place(values[i])) : place(values));
  const pred = places(batch.yPred, batch.predRows);
  const truth = places(batch.yTrue, batch.trueRows);
  const weights = place(sampleWeight?.values);
  const out = place(grad);
  const noted = [pred, truth, weights, out].some((p) => (Array.isArray(p) ? p.some((q) => q !== null) : p !== null));
  if (!noted) return null;
  return {
    retake() {
      const now = instance.growingMemory()!;
      if (now === memory) return views;
      const view = <T>(v: T, p: Place): T => (p === null ? v : (new p.of(now, p.byteOffset, p.length) as T));
      const again = (values: ArrayLike<unknown>, p: Place | Place[]) =>
        (Array.isArray(p) ? p.map((q, i) => view(values[i], q)) : view(values, p));
      return {
        batch: { ...batch, yPred: again(batch.yPred, pred), yTrue: again(batch.yTrue, truth) },
        sampleWeight: sampleWeight === undefined ? undefined : { ...sampleWeight, values: view(sampleWeight.values, weights) },
        grad: view(grad, out),
      };
    },
  };
}
