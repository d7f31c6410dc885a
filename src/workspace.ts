import type { Backend, Dtype, Region } from './backend.js';
import { checkSampleWeight, prepareWeights } from './focal-loss.js';
import { epsilonFor, resolveOptions, show, type BackendChoice, type FocalLossOptions } from './options.js';
import { int32Ignore } from './marshal.js';
import { SampleReducer } from './reduction.js';
import { selectBackend } from './runtime.js';
import { CHUNK, scratchFor } from './scratch.js';
import { flatName, labelError, logitError, probabilityError } from './validate.js';

const FN = 'workspace.loss';

/** What {@link createWorkspace} needs to know about the batches it will hold. */
export interface WorkspaceOptions {
  /** Samples per batch (N). */
  rows: number;
  /** Classes per sample (C). */
  classes: number;
  /** Element type of `predictions`. Default 'f64'. */
  dtype?: Dtype;
  /** Default of `fromLogits` for {@link Workspace.loss}. Default false. */
  fromLogits?: boolean;
  /** Where the buffers live: wasm linear memory ('auto', 'wasm') or JS memory ('js'). */
  backend?: BackendChoice;
}

/**
 * Batch buffers that live where the kernel reads them, for callers that fill large batches
 * themselves (a data loader, a file reader, another wasm module): nothing is copied or
 * validated twice. Fill `predictions` (rows × classes, row-major) and `labels`, then call
 * `loss()`. The getters return fresh views: wasm memory can grow (another workspace, a
 * `focalLoss` call with wider rows), which detaches older views, so read `predictions` and
 * `labels` again after any such call instead of keeping them.
 */
export interface Workspace {
  readonly rows: number;
  readonly classes: number;
  readonly dtype: Dtype;
  /** N·C predictions, row-major: probabilities, or logits when `fromLogits`. */
  readonly predictions: Float64Array | Float32Array;
  /** N class indices. */
  readonly labels: Int32Array;
  /**
   * The focal loss of the batch; options as for `focalLoss` (alpha, gamma, reduction,
   * sampleWeight, normalizer, ...), except labelSmoothing, which needs target rows.
   */
  loss(options?: Omit<FocalLossOptions, 'backend'>): number;
  loss(options: Omit<FocalLossOptions, 'backend'> & { reduction: 'none' }): Float64Array;
  /** Frees the buffers; the workspace cannot be used afterwards. */
  dispose(): void;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`createWorkspace: ${name} must be a number, got ${show(value)}`);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`createWorkspace: ${name} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

/** Allocates a workspace of `rows` × `classes` predictions and `rows` labels. */
export function createWorkspace(options: WorkspaceOptions): Workspace {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`createWorkspace: expected an options object, got ${show(options)}`);
  }
  const rows = positiveInteger('rows', options.rows);
  const classes = positiveInteger('classes', options.classes);
  const dtype = options.dtype ?? 'f64';
  if (dtype !== 'f64' && dtype !== 'f32') {
    throw new RangeError(`createWorkspace: dtype must be "f64" or "f32", got ${show(dtype)}`);
  }
  const defaultFromLogits = options.fromLogits ?? false;
  if (typeof defaultFromLogits !== 'boolean') {
    throw new TypeError(`createWorkspace: fromLogits must be a boolean, got ${show(options.fromLogits)}`);
  }
  const backend = selectBackend(resolveOptions('focalLoss', { backend: options.backend }).backend);
  const bytes = rows * classes * (dtype === 'f32' ? 4 : 8);

  // The scratch buffers and a weight table for every class exist before the workspace, so
  // that loss() never allocates and never detaches the caller's views.
  const scratch = scratchFor(backend);
  scratch.ensureWeights(classes);
  let predictions: Region | null;
  let labels: Region | null;
  try {
    predictions = backend.alloc(bytes);
  } catch (error) {
    throw new RangeError(`createWorkspace: ${rows} × ${classes} ${dtype} predictions: ${(error as Error).message}`);
  }
  labels = backend.alloc(rows * 4);

  const live = (): [Region, Region] => {
    if (predictions === null || labels === null) throw new Error('workspace: used after dispose()');
    return [predictions, labels];
  };
  const view = (r: Region) => (dtype === 'f32' ? backend.f32(r) : backend.f64(r)).subarray(0, rows * classes);

  return {
    rows,
    classes,
    dtype,
    get predictions() {
      return view(live()[0]);
    },
    get labels() {
      return backend.i32(live()[1]).subarray(0, rows);
    },
    loss(lossOptions?: Omit<FocalLossOptions, 'backend'>) {
      const [p, l] = live();
      const o = resolveOptions('focalLoss', { fromLogits: defaultFromLogits, ...lossOptions });
      if (lossOptions !== undefined && 'backend' in lossOptions) {
        throw new TypeError('workspace.loss: the backend is fixed when the workspace is created');
      }
      if (o.labelSmoothing > 0) {
        throw new RangeError('workspace.loss: labelSmoothing needs target rows; use focalLoss for it');
      }
      checkSampleWeight(o, rows);
      const weightStride = prepareWeights(o, classes, scratchFor(backend));
      return batchLoss(backend, view(p), backend.i32(l).subarray(0, rows), classes, weightStride, o);
    },
    dispose() {
      if (predictions === null || labels === null) return;
      backend.free(predictions);
      backend.free(labels);
      predictions = labels = null;
    },
  } as Workspace;
}

/** Views are taken after prepareWeights, the last thing that could allocate. */
function batchLoss(
  backend: Backend, predictions: Float64Array | Float32Array, labels: Int32Array, classes: number,
  weightStride: 0 | 1, o: ReturnType<typeof resolveOptions>,
): number | Float64Array {
  const n = labels.length;
  const scratch = scratchFor(backend);
  const p = backend.f64(scratch.p);
  const chunkLabels = backend.i32(scratch.labels);
  const out = backend.f64(scratch.out);
  const weights = backend.f64(scratch.weights);
  const [ignore, hasIgnore] = int32Ignore(o.ignoreIndex);
  const epsilon = epsilonFor(o.epsilon, predictions instanceof Float32Array ? 'f32' : 'f64');
  const reducer = new SampleReducer(FN, o, n, backend, out, backend.f64(scratch.sampleWeights));

  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    const rows = predictions.subarray(start * classes, (start + m) * classes);
    const chunk = labels.subarray(start, start + m);
    let counted: number;
    let sum: number;
    if (o.fromLogits) {
      counted = backend.checkLabels(chunk, m, classes, ignore, hasIgnore, chunkLabels);
      if (counted < 0) throw labelError(start - counted - 1, labels[start - counted - 1], classes, o.ignoreIndex, 'labels', FN);
      sum = backend.logitLoss(rows, chunkLabels, m, classes, weights, weightStride, o.gamma, out);
      if (Number.isNaN(sum)) {
        const i = start + backend.invalidRow();
        throw logitError(i, predictions.subarray(i * classes, (i + 1) * classes), (c) => flatName(i, classes, c, 'predictions'), FN);
      }
    } else {
      counted = backend.gather(rows, chunk, m, classes, ignore, hasIgnore, p, chunkLabels);
      if (counted < 0) {
        const i = start - counted - 1;
        const t = labels[i];
        if (t < 0 || t >= classes) throw labelError(i, t, classes, o.ignoreIndex, 'labels', FN);
        throw probabilityError(flatName(i, classes, t, 'predictions'), predictions[i * classes + t], FN);
      }
      sum = backend.probabilityLoss(p, chunkLabels, m, weights, weightStride, o.gamma, epsilon, out);
    }
    reducer.addSamples(sum, counted, start, m, chunkLabels);
  }
  return reducer.result();
}
