import type { KernelInstance } from '../backend/instance.js';

/** What a call produces besides its totals: which chunk buffers its plan must reserve. */
export interface Needs {
  losses: boolean;
  grad: boolean;
  perClass: boolean;
}

/**
 * Reserves a plan's chunk buffers before any view is taken: bytes per row of predictions,
 * targets and per-row losses (binary: K of them), gradients if asked for, a class-weight
 * table of `weights` entries, and for channels-first batches (`planes`) the buffer their
 * chunks are transposed through.
 */
export function reserve(
  fn: string, instance: KernelInstance, classes: number, needs: Needs, targetBytes: number, lossBytes: number, weights: number,
  planes: boolean,
): void {
  instance.scratch.reserve(fn, 'yPred rows', classes, {
    pred: 8 * classes,
    target: targetBytes,
    ...(needs.losses ? { losses: lossBytes } : {}),
    ...(needs.grad ? { grad: 8 * classes, row: 16 * classes } : {}),
    ...(planes ? { planes: 8 * classes } : {}),
  }, weights, needs.perClass);
}
