import {
  addCompensated, addToClass, BLOCK, COUNT, flag, GRAD_F32, LOSSES, param, PER_CLASS, pointer, SAMPLE_WEIGHTS, SUM, WEIGHT_SUM,
} from './frame';

// The element-wise kernels (binaryFocalLoss, the asymmetric loss) share this loop: n rows of K
// f64 predictions against K f64 targets (the host widens f32 as it copies, which costs little
// beside the per-element work), one weight per row. E's element() gives each element's weighted
// loss and writes its derivative; this adds the losses up (BLOCK at a time, blocks with
// Neumaier's compensation), stores per-element losses and per-column sums where the frame asks,
// and counts every element.

/** Returns -1, or the first row with an invalid prediction or target (element() returned NaN). */
export function elementRows<E>(frame: usize, pred: usize, target: usize, n: i32, classes: i32, grad: usize): i32 {
  const kind = changetype<E>(0);
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  const losses = pointer(frame, LOSSES);
  const perClass = pointer(frame, PER_CLASS);
  const gradF32 = flag(frame, GRAD_F32);
  let block: f64 = 0;
  let weightSum: f64 = 0;
  let inBlock = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
    for (let k = 0; k < classes; k++) {
      const e = <usize>i * <usize>classes + <usize>k;
      const gradAt: usize = grad == 0 ? 0 : grad + (e << (gradF32 ? 2 : 3));
      const loss = kind.element(frame, load<f64>(pred + (e << 3)), load<f64>(target + (e << 3)), w, gradAt, gradF32);
      if (isNaN(loss)) return i;
      block += loss;
      if (++inBlock == BLOCK) {
        addCompensated(frame + (<usize>SUM << 3), block);
        block = 0;
        inBlock = 0;
      }
      if (losses != 0) store<f64>(losses + (e << 3), loss);
      if (perClass != 0) addToClass(perClass, k, loss, w);
    }
    weightSum += w * <f64>classes;
  }
  addCompensated(frame + (<usize>SUM << 3), block);
  store<f64>(frame + (<usize>COUNT << 3), param(frame, COUNT) + <f64>n * <f64>classes);
  addCompensated(frame + (<usize>WEIGHT_SUM << 3), weightSum);
  return -1;
}

/** An element's derivative into gradAt (f32 or f64), unless gradAt is 0. */
// @ts-ignore: decorator
@inline
export function storeSlope(gradAt: usize, slope: f64, f32: bool): void {
  if (gradAt == 0) return;
  if (f32) store<f32>(gradAt, <f32>slope);
  else store<f64>(gradAt, slope);
}
