import { fail, option } from '../errors/detail.js';
import { describe, show } from '../errors/show.js';
import { readDiagnostics } from './diagnostics.js';
import { ALL_LOSSES, type LossName } from './loss-names.js';
import { arrayOption, booleanOr, finiteNonNegative, numberIn, numbers, oneOf, readDims } from './read.js';

// Every option of every loss, once: how it is checked, its default, which losses take it,
// whether it changes the loss's value, where it is refused (and why), and its command-line
// flag. The key lists, "unknown option" hints, accumulator merge identities and states, the
// CLI's flag table and usage lines, and the TF.js adapter's and workspaces' refusals are all
// read from here. The documented option interfaces (focal-loss-options.ts, ...) are written
// by hand for their TSDoc; a type test holds their keys equal to this table's.

/** Where options are given: one-shot calls, their Grad variants, accumulators, workspaces, the TF.js adapter. */
export type Surface = 'call' | 'grad' | 'accumulator' | 'workspace' | 'tfjs';

/** How the CLI turns a flag's text into the value the option's own check reads. */
export type CliValue = 'number' | 'numbers' | 'integer' | 'switch' | 'number-or-auto' | 'choice';

export interface CliFlag {
  readonly flag: string;
  readonly value: CliValue;
  /** The value's name in the usage line ("G", "A | A1,A2,..."). */
  readonly placeholder?: string;
  readonly help: string;
}

export interface OptionSpec {
  readonly name: string;
  readonly losses: readonly LossName[];
  /** Checks a given value (never undefined): a TypeError or RangeError naming the option, or the value to use. */
  readonly read: (fn: string, value: unknown) => unknown;
  /** The value when the option is absent (undefined: none). */
  readonly default?: unknown;
  /** Changes the loss's value: accumulator partials merge only when it agrees, and a state records it. */
  readonly identity: boolean;
  /** The only surfaces that take it (default: every one). */
  readonly only?: readonly Surface[];
  /** Surfaces that refuse it, with the reason their error gives. */
  readonly refused?: { readonly [S in Surface]?: string };
  readonly cli?: CliFlag;
}

const REDUCTIONS = ['mean', 'sum', 'none', 'weightedMean'] as const;
const BACKENDS = ['auto', 'wasm', 'js'] as const;
const FOCAL = ['focalLoss'] as const;
const FOCAL_AND_BINARY = ['focalLoss', 'binaryFocalLoss'] as const;
const ASYMMETRIC = ['asymmetricLoss'] as const;

const positiveInteger = (v: number): boolean => Number.isSafeInteger(v) && v >= 1;

function epsilon(fn: string, value: unknown): number | 'auto' {
  if (value === 'auto') return value;
  if (typeof value === 'string') throw fail(RangeError, fn)`epsilon must be a number in [0, 0.5) or "auto", got ${show(value)}`;
  return numberIn(fn, 'epsilon', value, (v) => v >= 0 && v < 0.5, 'in [0, 0.5) or "auto"');
}

/** torchvision's alpha = -1 means "no class weighting"; here that is an absent alpha. */
const NO_ALPHA = '; alpha = -1 is torchvision\'s "no weighting": omit alpha instead';

function classWeights(fn: string, value: unknown): number | Float64Array {
  if (value === -1) throw fail(RangeError, fn)`${option('alpha')} must be finite and >= 0, got -1${NO_ALPHA}`;
  if (typeof value === 'number') return numberIn(fn, 'alpha', value, finiteNonNegative, 'finite and >= 0');
  return numbers(fn, 'alpha', value, finiteNonNegative, 'finite and >= 0');
}

function checkRows(fn: string, value: unknown): number {
  if (value === true) return 1e-3;
  if (value === false) return 0;
  if (typeof value !== 'number') throw fail(TypeError, fn)`checkRows must be a boolean or a tolerance, got ${show(value)}`;
  return numberIn(fn, 'checkRows', value, (v) => v > 0 && v < 1, 'true, false or a tolerance in (0, 1)');
}

/** yPred's dimensions: numbers, or BigInts as ONNX Runtime gives them. */
function dims(fn: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw fail(TypeError, fn)`shape must be an array of dimensions (yPred's), got ${show(value)}`;
  return readDims(fn, 'shape', value);
}

function gradOut(fn: string, value: unknown): Float64Array | Float32Array {
  if (value instanceof Float64Array || value instanceof Float32Array) return value;
  throw fail(TypeError, fn)`gradOut must be a Float64Array or Float32Array, got ${show(value)}`;
}

export const OPTIONS = [
  {
    name: 'gamma',
    losses: FOCAL_AND_BINARY,
    read: (fn, v) => numberIn(fn, 'gamma', v, finiteNonNegative, 'finite and >= 0'),
    default: 2,
    identity: true,
    cli: { flag: '--gamma', value: 'number', placeholder: 'G', help: 'focusing parameter, >= 0 (default 2)' },
  },
  {
    name: 'alpha',
    losses: FOCAL,
    read: classWeights,
    identity: true,
    cli: { flag: '--alpha', value: 'numbers', placeholder: 'A | A1,A2,...', help: 'class weight: one number, or one per class (--binary: one number in [0, 1])' },
  },
  {
    name: 'alpha',
    losses: ['binaryFocalLoss'],
    read: (fn, v) => {
      if (v === -1) throw fail(RangeError, fn)`${option('alpha')} must be in [0, 1], got -1${NO_ALPHA}`;
      return numberIn(fn, 'alpha', v, (x) => x >= 0 && x <= 1, 'in [0, 1]');
    },
    identity: true,
    cli: { flag: '--alpha', value: 'number', placeholder: 'A', help: 'the weight of positives, in [0, 1]' },
  },
  {
    name: 'reduction',
    losses: ALL_LOSSES,
    read: (fn, v) => oneOf(fn, 'reduction', v, REDUCTIONS, 'mean'),
    default: 'mean',
    identity: false,
    refused: { accumulator: 'an accumulator keeps sums; pass the reduction to result()' },
  },
  {
    name: 'fromLogits',
    losses: ALL_LOSSES,
    read: (fn, v) => booleanOr(fn, 'fromLogits', v, false),
    default: false,
    identity: true,
    cli: { flag: '--from-logits', value: 'switch', help: 'predictions are logits (softmax, or sigmoid with --binary)' },
  },
  {
    name: 'epsilon',
    losses: ALL_LOSSES,
    read: epsilon,
    default: 1e-7,
    identity: true,
    cli: { flag: '--epsilon', value: 'number-or-auto', placeholder: 'E | auto', help: 'probabilities are clipped to [E, 1 - E] (default 1e-7)' },
  },
  {
    name: 'ignoreIndex',
    losses: FOCAL,
    read: (fn, v) => numberIn(fn, 'ignoreIndex', v, Number.isSafeInteger, 'an integer'),
    identity: true,
    cli: { flag: '--ignore-index', value: 'integer', placeholder: 'I', help: 'samples with this label are skipped (e.g. -100, or 255 for void pixels)' },
  },
  {
    name: 'labelSmoothing',
    losses: FOCAL_AND_BINARY,
    read: (fn, v) => numberIn(fn, 'labelSmoothing', v, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    default: 0,
    identity: true,
    refused: { workspace: 'labelSmoothing needs target rows; use focalLoss for it' },
    cli: { flag: '--label-smoothing', value: 'number', placeholder: 'S', help: 'smooth the targets by S in [0, 1]' },
  },
  {
    name: 'poly1',
    losses: FOCAL_AND_BINARY,
    read: (fn, v) => numberIn(fn, 'poly1', v, (x) => x >= -1 && x < Infinity, 'finite and >= -1'),
    default: 0,
    identity: true,
    cli: { flag: '--poly1', value: 'number', placeholder: 'EPS', help: 'Poly-1: add EPS (1 - p_t)^(gamma + 1), EPS >= -1 (default 0)' },
  },
  {
    name: 'gammaPos',
    losses: ASYMMETRIC,
    read: (fn, v) => numberIn(fn, 'gammaPos', v, finiteNonNegative, 'finite and >= 0'),
    default: 0,
    identity: true,
    cli: { flag: '--gamma-pos', value: 'number', placeholder: 'G', help: 'asymmetric loss: focusing of positives, >= 0 (default 0)' },
  },
  {
    name: 'gammaNeg',
    losses: ASYMMETRIC,
    read: (fn, v) => numberIn(fn, 'gammaNeg', v, finiteNonNegative, 'finite and >= 0'),
    default: 4,
    identity: true,
    cli: { flag: '--gamma-neg', value: 'number', placeholder: 'G', help: 'asymmetric loss: focusing of negatives, >= 0 (default 4)' },
  },
  {
    name: 'clip',
    losses: ASYMMETRIC,
    read: (fn, v) => numberIn(fn, 'clip', v, (x) => x >= 0 && x < 1, 'in [0, 1)'),
    default: 0.05,
    identity: true,
    cli: { flag: '--clip', value: 'number', placeholder: 'M', help: 'asymmetric loss: probability margin m in [0, 1),\nnegatives with p <= m count 0 (default 0.05)' },
  },
  {
    name: 'sampleWeight',
    losses: ALL_LOSSES,
    read: (fn, v) => arrayOption(fn, 'sampleWeight', v, 'an array of per-sample weights'),
    identity: false,
    refused: {
      accumulator: 'pass each chunk\'s weights to update(yTrue, yPred, sampleWeight)',
      tfjs: 'weights change with every batch; use alpha for class weights',
    },
  },
  {
    name: 'normalizer',
    losses: ALL_LOSSES,
    // A subnormal normalizer would make 1 / normalizer, the gradient's scale, infinite.
    read: (fn, v) => numberIn(fn, 'normalizer', v, (x) => x >= 2 ** -1022 && x < Infinity, 'finite and at least 2^-1022'),
    identity: false,
    refused: {
      accumulator: 'divide result("sum") by it yourself',
      tfjs: 'use reduction "sum" and scale the loss yourself',
    },
  },
  {
    name: 'classes',
    losses: ALL_LOSSES,
    read: (fn, v) => numberIn(fn, 'classes', v, positiveInteger, 'a positive integer'),
    identity: false,
    refused: { workspace: 'classes is fixed when the workspace is created' },
  },
  {
    name: 'axis',
    losses: ALL_LOSSES,
    read: (fn, v) => numberIn(fn, 'axis', v, Number.isSafeInteger, 'an integer (negative counts from the end)'),
    default: -1,
    identity: false,
    refused: { workspace: 'the layout is fixed when the workspace is created: createWorkspace({ shape, axis })' },
    cli: {
      flag: '--axis', value: 'integer', placeholder: 'A',
      help: 'the class axis of .npy predictions of any rank (--binary: the label axis):\n1 for channels-first (N, C, H, W); default -1, the last',
    },
  },
  {
    name: 'shape',
    losses: ALL_LOSSES,
    read: dims,
    identity: false,
    refused: {
      accumulator: 'chunks differ in size: pass each chunk to update() as a tensor or as { data, shape }',
      tfjs: 'tensors carry their shape',
      workspace: 'the layout is fixed when the workspace is created: createWorkspace({ shape, axis })',
    },
  },
  {
    name: 'checkRows',
    losses: FOCAL,
    read: checkRows,
    default: 0,
    identity: false,
    refused: { tfjs: 'it is a debugging aid of focalLoss; call focalLoss on yPred.dataSync() instead' },
  },
  {
    name: 'backend',
    losses: ALL_LOSSES,
    read: (fn, v) => oneOf(fn, 'backend', v, BACKENDS, 'auto'),
    default: 'auto',
    identity: false,
    refused: { workspace: 'the backend is fixed when the workspace is created' },
    cli: { flag: '--backend', value: 'choice', placeholder: 'auto|wasm|js', help: 'kernel to use (default auto: wasm where it loads)' },
  },
  {
    name: 'gradOut',
    losses: ALL_LOSSES,
    read: gradOut,
    identity: false,
    only: ['grad'],
    refused: { tfjs: 'the adapter manages the gradient buffer', workspace: 'the workspace writes its own gradients buffer' },
  },
  {
    name: 'source',
    losses: ALL_LOSSES,
    read: (fn, v) => {
      if (typeof v !== 'string' || v === '') throw fail(TypeError, fn)`${option('source')} must be a non-empty string naming the data set, got ${describe(v)}`;
      return v;
    },
    identity: false,
    only: ['accumulator'],
  },
  {
    name: 'firstRow',
    losses: ALL_LOSSES,
    read: (fn, v) => numberIn(fn, 'firstRow', v, (x) => Number.isSafeInteger(x) && x >= 0, 'an integer >= 0'),
    default: 0,
    identity: false,
    only: ['accumulator'],
  },
  {
    name: 'totalRows',
    losses: ALL_LOSSES,
    read: (fn, v) => numberIn(fn, 'totalRows', v, (x) => Number.isSafeInteger(x) && x >= 0, 'an integer >= 0'),
    identity: false,
    only: ['accumulator'],
  },
  {
    // Not an identity option (it does not change the loss), but partials merge only when their
    // diagnostics settings agree: the state records them beside the diagnostics (accumulator/diagnostics-state.ts).
    name: 'diagnostics',
    losses: ALL_LOSSES,
    read: readDiagnostics,
    default: false,
    identity: false,
    only: ['accumulator'],
  },
] as const satisfies readonly OptionSpec[];

export type OptionName = (typeof OPTIONS)[number]['name'];

/** Names other libraries give options: the option they mean here, and a note for the "did you mean". */
export const HABITS: Readonly<Record<string, readonly [name: string, note?: string]>> = {
  weight: ['alpha', 'PyTorch\'s weight: one weight per class'],
  class_weight: ['alpha', 'one weight per class'],
  classWeight: ['alpha', 'one weight per class'],
  pos_weight: ['alpha', 'the weight of positives'],
  ignore_index: ['ignoreIndex'],
  label_smoothing: ['labelSmoothing'],
  from_logits: ['fromLogits'],
  sample_weight: ['sampleWeight'],
  gamma: ['gammaNeg', 'for negatives (and gammaPos for positives): the asymmetric loss has two'],
  gamma_pos: ['gammaPos'],
  gamma_neg: ['gammaNeg'],
  margin: ['clip', 'the asymmetric loss\'s probability margin'],
};

type Entry = (typeof OPTIONS)[number];
type TakenOn<E, S extends Surface> =
  (E extends { only: readonly (infer O)[] } ? (S extends O ? true : false) : true) extends true
    ? (E extends { refused: infer R } ? (S extends keyof R ? false : true) : true)
    : false;

/** The names of the options surface S of loss L takes, as a type: what its documented options interface must list. */
export type OptionKeys<L extends LossName, S extends Surface> = Entry extends infer E
  ? E extends { name: infer N; losses: readonly (infer Ls)[] }
    ? L extends Ls ? (TakenOn<E, S> extends true ? N : never) : never
    : never
  : never;

/** Whether surface `surface` of loss `loss` lists the option at all (to take it, or to refuse it with a reason). */
export function knows(o: OptionSpec, loss: LossName, surface: Surface): boolean {
  return o.losses.includes(loss) && (o.only === undefined || o.only.includes(surface) || o.refused?.[surface] !== undefined);
}

/** The options a surface of a loss takes or explains, by name. */
export function optionsOf(loss: LossName, surface: Surface): ReadonlyMap<string, OptionSpec> {
  return new Map((OPTIONS as readonly OptionSpec[]).filter((o) => knows(o, loss, surface)).map((o) => [o.name, o]));
}

/** The names of the options a surface of a loss takes (not those it refuses). */
export function accepted(loss: LossName, surface: Surface): string[] {
  return [...optionsOf(loss, surface).values()].filter((o) => o.refused?.[surface] === undefined).map((o) => o.name);
}
