import { asymmetric } from './asymmetric.js';
import { binaryFocal } from './binary-focal.js';
import { focal } from './focal.js';
import type { LossName } from '../options/loss-names.js';
import type { LossSpec } from '../pipeline/loss-spec.js';

/** Every loss's spec by name, for what crosses a thread or a JSON state by name. */
export const LOSSES: { readonly [N in LossName]: LossSpec } = {
  focalLoss: focal,
  binaryFocalLoss: binaryFocal,
  asymmetricLoss: asymmetric,
};
