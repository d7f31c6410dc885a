import type { Region } from './backend/instance.js';
import { selectInstance, type BackendChoice } from './backend/loader.js';
import { fail } from './errors/detail.js';
import type { Values } from './kernels/frame.js';
import { Layout } from './layout/layout.js';
import { focal } from './losses/focal.js';
import { readSettings } from './pipeline/loss-spec.js';
import type { PerSample } from './options/common.js';
import type { FocalLossOptions } from './options/focal-loss-options.js';
import { booleanOr, numberIn, oneOf, ownOptions, readDims } from './options/read.js';
import { describe, show } from './errors/show.js';
import { mapLayout } from './layout/map.js';
import { evaluate, prepare, type LossAndGradient } from './pipeline/evaluate.js';
import { reserve } from './pipeline/plan.js';
import type { Batch } from './shape.js';

/** Element type of a workspace's predictions (and gradients). */
export type Dtype = 'f64' | 'f32';

/** The typed array of a dtype. */
export type ValuesOf<D extends Dtype> = D extends 'f32' ? Float32Array : D extends 'f64' ? Float64Array : Float64Array | Float32Array;

/**
 * What {@link createWorkspace} needs to know about the batches it will hold: `rows` and
 * `classes` (rows of C, row-major), or the predictions' `shape` and class `axis` (maps).
 */
export interface WorkspaceOptions {
  /** Samples per batch (N). With `shape`: omit it, or give the samples the shape has. */
  rows?: number;
  /** Classes per sample (C). With `shape`: omit it, or give the class axis' length. */
  classes?: number;
  /**
   * The predictions' dimensions, for maps: e.g. `[N, C, H, W]` with `axis: 1` (channels-first)
   * or `[N, H, W, C]` (channels-last). `labels` then hold one class index per pixel, in the
   * order of the shape without its class axis; `gradients` are laid out as the predictions.
   */
  shape?: readonly number[];
  /** The class axis of `shape` (negative: from the end). Default -1, the last. */
  axis?: number;
  /** Element type of `predictions` and `gradients`. Default 'f64'. */
  dtype?: Dtype;
  /** Default of `fromLogits` for {@link Workspace.loss}. Default false. */
  fromLogits?: boolean;
  /** Allocate `gradients` now rather than on the first `lossAndGrad()`. Default false. */
  gradients?: boolean;
  /** Where the buffers live: wasm linear memory ('auto', 'wasm') or JS memory ('js'). */
  backend?: BackendChoice;
}

/** Options of {@link Workspace.loss}: those of focalLoss but the ones a workspace fixes. */
export type WorkspaceLossOptions = Omit<FocalLossOptions, 'backend' | 'labelSmoothing' | 'classes' | 'axis' | 'shape'>;

/**
 * Batch buffers that live where the kernel reads them, for callers that fill large batches
 * themselves (a data loader, a file reader, another wasm module): nothing is copied. Fill
 * `predictions` (rows × classes, row-major) and `labels`, then call `loss()` or
 * `lossAndGrad()`. The getters return fresh views: wasm memory can grow (another workspace,
 * a first call with wider rows, the first `lossAndGrad()`), which detaches older views, so
 * read them again after such a call instead of keeping them. Views given to another call
 * (one-shot, accumulator, pool) that grows memory are read where they are after the growth;
 * a view detached before the call is a TypeError naming it. `D` is the dtype, so that an
 * 'f32' workspace's arrays are typed Float32Array.
 */
export interface Workspace<D extends Dtype = Dtype> {
  readonly rows: number;
  readonly classes: number;
  readonly dtype: D;
  /** N·C predictions, row-major: probabilities, or logits when `fromLogits`. */
  readonly predictions: ValuesOf<D>;
  /** N class indices. */
  readonly labels: Int32Array;
  /** N·C gradient values, written by `lossAndGrad()` (allocated on first use unless created with `gradients: true`). */
  readonly gradients: ValuesOf<D>;
  /** The focal loss of the batch; options as for focalLoss (alpha, gamma, reduction, ignoreIndex, sampleWeight, ...). */
  loss(options: PerSample<WorkspaceLossOptions>): Float64Array;
  loss(options?: WorkspaceLossOptions): number;
  /** The loss and its gradient, written into `gradients` in place (returned as `grad`). */
  lossAndGrad(options: PerSample<WorkspaceLossOptions>): LossAndGradient<Float64Array, ValuesOf<D>>;
  lossAndGrad(options?: WorkspaceLossOptions): LossAndGradient<number, ValuesOf<D>>;
  /** Frees the buffers; the workspace cannot be used afterwards. */
  dispose(): void;
}

const FN = 'createWorkspace';
const KEYS = ['rows', 'classes', 'shape', 'axis', 'dtype', 'fromLogits', 'gradients', 'backend'];
const positive = (v: number) => Number.isSafeInteger(v) && v >= 1;

/** The workspace's layout: rows × classes, or a map's shape and class axis. */
function layoutOf(o: Record<string, unknown>): Layout {
  if (o.shape === undefined) {
    if (o.axis !== undefined) throw fail(TypeError, FN)`axis needs shape: pass the predictions' shape with it`;
    return new Layout(numberIn(FN, 'rows', o.rows, positive, 'a positive integer'), numberIn(FN, 'classes', o.classes, positive, 'a positive integer'));
  }
  if (!Array.isArray(o.shape)) throw fail(TypeError, FN)`shape must be an array of dimensions, got ${describe(o.shape)}`;
  const axis = o.axis === undefined ? -1 : numberIn(FN, 'axis', o.axis, Number.isSafeInteger, 'an integer');
  const classes = o.classes === undefined ? undefined : numberIn(FN, 'classes', o.classes, positive, 'a positive integer');
  const layout = mapLayout(FN, readDims(FN, 'shape', o.shape), axis, classes);
  if (o.rows !== undefined && o.rows !== layout.samples) {
    throw fail(RangeError, FN)`rows is ${show(o.rows)}, but shape ${show(o.shape)} with axis ${axis} has ${layout.samples} samples`;
  }
  return layout;
}

/** Allocates a workspace of `rows` × `classes` predictions (or predictions of `shape`) and a label per sample. */
export function createWorkspace(options: WorkspaceOptions & { dtype: 'f32' }): Workspace<'f32'>;
export function createWorkspace(options: WorkspaceOptions & { dtype?: 'f64' }): Workspace<'f64'>;
export function createWorkspace(options: WorkspaceOptions): Workspace;
export function createWorkspace(options: WorkspaceOptions): Workspace {
  const o = ownOptions(FN, options, KEYS);
  if (options === undefined) throw fail(TypeError, FN)`expected an options object with rows and classes (or shape), got undefined`;
  const layout = layoutOf(o);
  const { samples: rows, classes } = layout;
  const dtype = oneOf<Dtype>(FN, 'dtype', o.dtype, ['f64', 'f32'], 'f64');
  const defaultFromLogits = booleanOr(FN, 'fromLogits', o.fromLogits, false);
  const withGradients = booleanOr(FN, 'gradients', o.gradients, false);
  const instance = selectInstance(oneOf<BackendChoice>(FN, 'backend', o.backend, ['auto', 'wasm', 'js'], 'auto'), FN);
  const size = dtype === 'f32' ? 4 : 8;
  const elements = rows * classes;
  return instance.exclusive(FN, () => {
    // The chunk buffers and class tables exist before the batch, so that loss() never allocates
    // and never detaches the caller's views.
    reserve(FN, instance, classes, { losses: true, grad: true, perClass: false }, 4, 8, classes, !layout.rowMajor);
    const regions: Region[] = [];
    const take = (what: string, bytes: number): Region => {
      try {
        const region = instance.alloc(bytes);
        regions.push(region);
        // Memory a disposed workspace held comes back with its values: a new workspace starts at zero, on either backend.
        instance.i32(region, bytes >>> 2).fill(0);
        return region;
      } catch (error) {
        for (const r of regions) instance.free(r);
        throw fail(RangeError, FN)`${what} (${bytes} bytes): ${(error as Error).message}`;
      }
    };
    const predictions = take(`${rows} × ${classes} ${dtype} predictions`, elements * size);
    const labels = take(`${rows} labels`, rows * 4);
    let gradients = withGradients ? take(`${rows} × ${classes} ${dtype} gradients`, elements * size) : null;
    let live = true;
    const check = (fn: string) => {
      if (!live) throw fail(Error, fn)`the workspace was disposed`;
    };
    const values = (r: Region) => (dtype === 'f32' ? instance.f32(r, elements) : instance.f64(r, elements));
    const gradientRegion = (fn: string): Region =>
      (gradients ??= instance.exclusive(fn, () => take(`${rows} × ${classes} ${dtype} gradients`, elements * size)));

    const run = (fn: string, lossOptions: unknown, withGrad: boolean): LossAndGradient<number | Float64Array, Values> => {
      check(fn);
      const s = readSettings(focal, fn, 'workspace', lossOptions, { fromLogits: defaultFromLogits });
      const gradRegion = withGrad ? gradientRegion(fn) : null;
      return instance.exclusive(fn, () => {
        const batch: Batch = {
          fn,
          n: rows,
          classes,
          layout,
          yTrue: instance.i32(labels, rows),
          targets: false,
          trueRows: false,
          yPred: values(predictions),
          predRows: false,
          f32: dtype === 'f32',
          images: layout.shape?.dims[layout.shape.axis === 0 ? 1 : 0] ?? rows,
          shape: ` (the workspace is ${rows} rows × ${classes} classes)`,
          trueName: 'labels',
          predName: 'predictions',
        };
        const grad = gradRegion === null ? null : values(gradRegion);
        const needs = { losses: s.reduction === 'none', grad: withGrad, perClass: false };
        return { loss: evaluate(prepare(focal, s, batch, instance, needs), grad).loss, grad: grad! };
      });
    };

    return {
      rows,
      classes,
      dtype,
      get predictions() {
        check('workspace.predictions');
        return values(predictions);
      },
      get labels() {
        check('workspace.labels');
        return instance.i32(labels, rows);
      },
      get gradients() {
        check('workspace.gradients');
        return values(gradientRegion('workspace.gradients'));
      },
      loss: (lossOptions?: unknown) => run('workspace.loss', lossOptions, false).loss,
      lossAndGrad: (lossOptions?: unknown) => run('workspace.lossAndGrad', lossOptions, true),
      dispose() {
        if (!live) return;
        live = false;
        for (const r of regions) instance.free(r);
      },
    } as Workspace;
  });
}
