export { alloc, release } from './memory';
export { probabilityLoss } from './probabilities';
export { logitLossF64, logitLossF32, invalidRow } from './logits';
export { gatherF64, gatherF32, checkLabels } from './gather';

/** Lets the host tell the SIMD build from the scalar one, e.g. for a module passed to init(). */
export function usesSimd(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
export { denseProbabilityLoss, denseLogitLoss, invalidDenseRow } from './dense';
export { binaryLoss } from './binary';
export { applyWeights } from './summation';
