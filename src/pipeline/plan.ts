import type { KernelInstance } from '../backend/instance.js';
import { chunkRows } from '../backend/scratch.js';
import { FOLD_HEADER, STATS_SLOTS } from '../kernels/frame.js';
import { MAX_BINS } from '../options/diagnostics.js';

/** Bytes per row of a chunk that hold foldRows' output for C classes: its header, at most MAX_BINS bins, the classes, a candidate per row. */
const foldBytes = (classes: number): number => 8 * (1 + Math.ceil((FOLD_HEADER + 4 * MAX_BINS + 1 + 3 * classes) / chunkRows(classes)));

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
 * table of `weights` entries, for diagnostics STATS_SLOTS values per loss and foldRows' output,
 * and for channels-first batches (`planes`) the buffer their chunks are transposed through.
 */
export function reserve(
  fn: string, instance: KernelInstance, classes: number, needs: Needs, targetBytes: number, lossBytes: number, weights: number,
  planes: boolean,
): void {
  instance.scratch.reserve(fn, 'yPred rows', classes, {
    pred: 8 * classes,
    target: targetBytes,
    ...(needs.losses || needs.diagnostics ? { losses: lossBytes } : {}),
    ...(needs.diagnostics ? { stats: STATS_SLOTS * lossBytes, fold: foldBytes(classes) } : {}),
    ...(needs.grad ? { grad: 8 * classes, row: 16 * classes } : {}),
    ...(planes ? { planes: 8 * classes } : {}),
  }, weights, needs.perClass);
}
