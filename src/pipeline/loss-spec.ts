import type { KernelInstance } from '../backend/instance.js';
import type { CommonSettings } from '../options/common.js';
import { readOptions } from '../options/read-options.js';
import type { Surface } from '../options/schema.js';
import type { Needs } from './plan.js';
import type { Plan } from './run.js';
import type { Batch } from '../shape.js';
import type { LossName } from '../options/loss-names.js';

/** The checked options of a loss: the common ones, and C (K) if the caller pinned it. */
export interface LossSettings extends CommonSettings {
  classes: number | undefined;
}

/** The parameters a loss sets in a call's frame; the plan and the reduction set the rest. */
export interface LossFrame {
  /** The clipping epsilon, settled for the batch's dtype ('auto'). */
  epsilon: number;
  /** The class-weight table: none, one weight for all, or one per class (checked against C). */
  classWeights: number | Float64Array | undefined;
  /** The loss's own slots of the frame (assembly/frame.ts) and their values. */
  slots: ReadonlyArray<readonly [slot: number, value: number]>;
}

/**
 * One loss, whole: everything the public functions, accumulators, workspaces, the pool, the
 * TF.js adapter and the CLI need to know of it, so that they take a spec instead of telling
 * losses apart. Its options are the schema's entries that list it (options/schema.ts).
 */
export interface LossSpec<S extends LossSettings = LossSettings> {
  readonly name: LossName;
  /** What reports call it: "focal loss". */
  readonly title: string;
  /**
   * 'classes': one loss per sample, over its C classes (yTrue holds class indices or target
   * rows); 'elements': one loss per element of yPred, against a target of the same shape
   * (binary, multi-label), so per-sample results have N·K values.
   */
  readonly reduces: 'classes' | 'elements';
  /** The typed settings from the schema-checked options, with the checks between options. */
  settings(fn: string, options: Record<string, unknown>): S;
  /** How a batch reaches the kernels (their kind, and how chunks are filled and checked). */
  plan(batch: Batch, s: S, instance: KernelInstance, needs: Needs): Plan;
  frame(batch: Batch, s: S): LossFrame;
}

/** A loss's settings from options given on `surface`, checked by the schema. */
export function readSettings<S extends LossSettings>(
  spec: LossSpec<S>, fn: string, surface: Surface, value: unknown, defaults?: Record<string, unknown>,
): S {
  return spec.settings(fn, readOptions(fn, spec.name, surface, value, defaults));
}
