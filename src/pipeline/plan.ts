import type { KernelInstance } from '../backend/instance.js';
import { STATS_SLOTS } from '../kernels/frame.js';

/** What a call produces besides its totals: which chunk buffers its plan must reserve. */
export interface Needs {
  losses: boolean;
  grad: boolean;
  perClass: boolean;
  /** An accumulator's diagnostics: whole rows, each chunk's losses, and the stats the row-stats kernels write. */
  diagnostics?: boolean;
}

/**
 * Reserves a plan's chunk buffers before any view is taken: bytes per row of predictions,
 * targets and per-row losses (binary: K of them), gradients if asked for, a class-weight
 * table of `weights` entries, and for diagnostics STATS_SLOTS values per loss.
 */
export function reserve(
  fn: string, instance: KernelInstance, classes: number, needs: Needs, targetBytes: number, lossBytes: number, weights: number,
): void {
  instance.scratch.reserve(fn, 'yPred rows', classes, {
    pred: 8 * classes,
    target: targetBytes,
    ...(needs.losses || needs.diagnostics ? { losses: lossBytes } : {}),
    ...(needs.diagnostics ? { stats: STATS_SLOTS * lossBytes } : {}),
    ...(needs.grad ? { grad: 8 * classes, row: 16 * classes } : {}),
  }, weights, needs.perClass);
}
