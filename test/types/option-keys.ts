// Compiled by test/node/option-schema.test.ts: each documented options interface lists exactly
// the options the schema gives its surface (a missing or extra key fails to compile).
import type {
  AsymmetricLossAccumulatorOptions, BinaryFocalLossAccumulatorOptions, FocalLossAccumulatorOptions,
} from '../../src/accumulator/accumulator.js';
import type { AsymmetricLossGradOptions, AsymmetricLossOptions } from '../../src/options/asymmetric-loss-options.js';
import type { BinaryFocalLossGradOptions, BinaryFocalLossOptions } from '../../src/options/binary-focal-loss-options.js';
import type { FocalLossGradOptions, FocalLossOptions } from '../../src/options/focal-loss-options.js';
import type { OptionKeys } from '../../src/options/schema.js';
import type { TfAsymmetricLossOptions, TfBinaryFocalLossOptions, TfFocalLossOptions } from '../../src/tfjs.js';
import type { WorkspaceLossOptions } from '../../src/workspace.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

export const checks: true[] = [
  true satisfies Equal<keyof FocalLossOptions, OptionKeys<'focalLoss', 'call'>>,
  true satisfies Equal<keyof FocalLossGradOptions, OptionKeys<'focalLoss', 'grad'>>,
  true satisfies Equal<keyof FocalLossAccumulatorOptions, OptionKeys<'focalLoss', 'accumulator'>>,
  true satisfies Equal<keyof WorkspaceLossOptions, OptionKeys<'focalLoss', 'workspace'>>,
  true satisfies Equal<keyof TfFocalLossOptions, OptionKeys<'focalLoss', 'tfjs'>>,
  true satisfies Equal<keyof BinaryFocalLossOptions, OptionKeys<'binaryFocalLoss', 'call'>>,
  true satisfies Equal<keyof BinaryFocalLossGradOptions, OptionKeys<'binaryFocalLoss', 'grad'>>,
  true satisfies Equal<keyof BinaryFocalLossAccumulatorOptions, OptionKeys<'binaryFocalLoss', 'accumulator'>>,
  true satisfies Equal<keyof TfBinaryFocalLossOptions, OptionKeys<'binaryFocalLoss', 'tfjs'>>,
  true satisfies Equal<keyof AsymmetricLossOptions, OptionKeys<'asymmetricLoss', 'call'>>,
  true satisfies Equal<keyof AsymmetricLossGradOptions, OptionKeys<'asymmetricLoss', 'grad'>>,
  true satisfies Equal<keyof AsymmetricLossAccumulatorOptions, OptionKeys<'asymmetricLoss', 'accumulator'>>,
  true satisfies Equal<keyof TfAsymmetricLossOptions, OptionKeys<'asymmetricLoss', 'tfjs'>>,
];
