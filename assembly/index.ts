// The kernel's exports: plain functions over byte offsets and counts, grouped by input kind.
// Every kernel takes (frame, pred, target, n, classes) and its gradient twin adds `grad`;
// see frame.ts for the frame and src/kernels/ for the JS twin of each kind. The transposes
// turn channels-first chunks into rows and back (transpose.ts).
export { probabilityLoss, probabilityLossGrad, gatheredLoss, gatheredLossGrad } from './probabilities';
export { logitLoss, logitLossGrad } from './logits';
export { targetRowLoss, targetRowLossGrad } from './target-rows';
export { binaryLoss, binaryLossGrad } from './binary';
export { asymmetricLoss, asymmetricLossGrad } from './asymmetric';
export { transposeF32, transposeF64 } from './transpose';
export { elementStats, foldRows, rowStats } from './row-stats';

import { FRAME_LAYOUT } from './generated/frame-layout';

/** The version of the frame layout this kernel reads (derived from frame.ts by the build); a host only uses a kernel that matches its own. */
export function frameLayout(): i32 {
  return FRAME_LAYOUT;
}

/** Where the host may start allocating: everything below holds the kernel's constant tables. */
export function heapBase(): usize {
  return __heap_base;
}

/** Lets the host tell the SIMD build from the scalar one, e.g. for a module passed to init(). */
export function usesSimd(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
