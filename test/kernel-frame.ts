import { selectInstance } from '../src/backend/loader.js';
import { chunkRows } from '../src/backend/scratch.js';
import { BINARY_ALPHA, GAMMA, type KernelName } from '../src/kernels/frame.js';
import { makeFrame } from '../src/pipeline/frame.js';
import { reduce, totalsOf } from '../src/pipeline/reduce.js';

// Runs one element-wise kernel (binary, asymmetric) on a small batch, straight through a kernel
// instance and a frame, as the pipeline would for a single chunk: for the kernels that have no
// public function yet, and to compare kernels with each other. Slots the frame settings do not
// cover (GAMMA_NEG, MARGIN, ...) are written into the frame as given.

export type Kind = 'binary' | 'asymmetric';
export type Reduction = 'mean' | 'sum' | 'none' | 'weightedMean';

export interface KernelRun {
  /** N rows of K predictions (probabilities, or logits), flat row-major. */
  pred: ArrayLike<number>;
  target: ArrayLike<number>;
  n: number;
  k: number;
  fromLogits: boolean;
  gamma: number;
  epsilon: number;
  reduction: Reduction;
  sampleWeight?: ArrayLike<number>;
  /** binaryFocalLoss's alpha, or -1. */
  binaryAlpha?: number;
  /** The loss's other frame slots (slot -> value). */
  slots?: Record<number, number>;
  /** Also compute the gradient, as f64 or f32. */
  grad?: 'f64' | 'f32';
}

export interface KernelResult {
  loss: number | Float64Array;
  grad: Float64Array | null;
  /** The first invalid row the kernel reported, or -1. */
  bad: number;
}

export function runKernel(backend: 'wasm' | 'js', kind: Kind, r: KernelRun): KernelResult {
  const { n, k } = r;
  if (n > chunkRows(k)) throw new Error(`runKernel: ${n} rows of ${k} are more than one chunk`);
  const instance = selectInstance(backend, 'runKernel');
  const scratch = instance.scratch;
  scratch.reserve('runKernel', 'rows', k, { pred: 8 * k, target: 8 * k, losses: 8 * k, grad: 8 * k, row: 16 * k }, 1, false);
  const samples = n * k;
  const weights = r.sampleWeight === undefined ? null : Array.from(r.sampleWeight);
  const weightSum = weights === null ? n * k : weights.reduce((s, w) => s + w * k, 0);
  // The gradient's scale, as the pipeline's reduction makes it.
  const scale = r.reduction === 'mean' ? 1 / samples : r.reduction === 'weightedMean' ? (weightSum === 0 ? 0 : 1 / weightSum) : 1;
  const slots: Array<[number, number]> = [[GAMMA, r.gamma], [BINARY_ALPHA, r.binaryAlpha ?? -1]];
  for (const [slot, value] of Object.entries(r.slots ?? {})) slots.push([Number(slot), value]);
  const frame = makeFrame(instance, k, { epsilon: r.epsilon, classWeights: undefined, slots }, {
    fromLogits: r.fromLogits, ignore: 0, hasIgnore: false, gradScale: scale, sampleWeights: weights !== null, perClass: false,
    grad: r.grad !== undefined,
  });
  if (weights !== null) frame.sampleWeights!.set(weights);
  const pred = scratch.f64('pred');
  const target = scratch.f64('target');
  pred.set(Array.from(r.pred));
  target.set(Array.from(r.target));
  const losses = r.reduction === 'none' ? scratch.f64('losses') : null;
  frame.losses = losses;
  const grad = r.grad === undefined ? null : r.grad === 'f32' ? scratch.f32('grad') : scratch.f64('grad');
  const name = `${kind}${grad === null ? 'Loss' : 'LossGrad'}` as KernelName;
  const bad = instance.call(name, frame, pred, target, n, k, grad);
  const loss = losses !== null ? losses.slice(0, samples) : reduce(totalsOf(frame.params), r.reduction, undefined);
  return { loss, grad: grad === null ? null : Float64Array.from(grad.subarray(0, samples)), bad };
}
