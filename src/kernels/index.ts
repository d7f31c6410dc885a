// The JS kernels by name, as assembly/index.ts exports the wasm ones.
import { binaryLoss, binaryLossGrad } from './binary.js';
import type { JsKernel, KernelName } from './frame.js';
import { logitLoss, logitLossGrad } from './logits.js';
import { elementStats, foldRows, rowStats } from './row-stats.js';
import { gatheredLoss, gatheredLossGrad, probabilityLoss, probabilityLossGrad } from './probabilities.js';
import { targetRowLoss, targetRowLossGrad } from './target-rows.js';

export const jsKernels: Record<KernelName, JsKernel> = {
  probabilityLoss, probabilityLossGrad, gatheredLoss, gatheredLossGrad,
  logitLoss, logitLossGrad,
  targetRowLoss, targetRowLossGrad,
  binaryLoss, binaryLossGrad,
  rowStats, elementStats, foldRows,
};
