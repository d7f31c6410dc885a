import { binaryFocal } from './binary-focal.js';
import { focal } from './focal.js';
import type { LossName } from './names.js';
import type { LossSpec } from './spec.js';

/** Every loss's spec by name, for what crosses a thread or a JSON state by name. */
export const LOSSES: { readonly [N in LossName]: LossSpec } = {
  focalLoss: focal,
  binaryFocalLoss: binaryFocal,
};
