import {
  createBinaryFocalLossAccumulator, createFocalLossAccumulator, type FocalLossAccumulator,
} from '../accumulator.js';
import type { LossFlags } from './arguments.js';
import { InputError } from './input-error.js';
import type { Inputs } from './inputs.js';
import { LabelConverter } from './labels.js';
import { chunkError, optionError } from './library-errors.js';
import { count } from './words.js';

export interface Accumulated {
  accumulator: FocalLossAccumulator;
  rows: number;
}

/** Checks the loss options against the library (and --alpha's length against C) before any data is read. */
export function checkOptions(flags: LossFlags, classes: number): void {
  if (Array.isArray(flags.alpha) && flags.alpha.length !== classes) {
    throw new InputError(`--alpha has ${count(flags.alpha.length, 'weight')} but the predictions have ${count(classes, 'class')}`);
  }
  create(flags, classes);
}

function create(flags: LossFlags, classes: number | undefined): FocalLossAccumulator {
  const { binary, ...options } = flags;
  try {
    return binary
      ? createBinaryFocalLossAccumulator({ ...(options as object), alpha: flags.alpha as number | undefined, classes })
      : createFocalLossAccumulator({ ...options, classes });
  } catch (error) {
    throw optionError(error);
  }
}

/**
 * Streams the inputs through an accumulator, chunk by chunk: memory stays at the chunk
 * buffers whatever the files' sizes. `onChunk` is told the bytes read so far.
 */
export async function accumulate(inputs: Inputs, flags: LossFlags, onChunk: (bytesRead: number) => void): Promise<Accumulated> {
  checkOptions(flags, inputs.classes);
  const labels = new LabelConverter();
  // C is pinned on the first chunk: an accumulator that pins it but sees no rows (an empty
  // shard) writes a state that merge() rejects, so an empty input leaves it unpinned.
  let accumulator: FocalLossAccumulator | null = null;
  let rows = 0;
  for (let chunk = await inputs.next(); chunk !== null; chunk = await inputs.next()) {
    accumulator ??= create(flags, inputs.classes);
    const yTrue = flags.binary ? chunk.labels : labels.convert(chunk.labels);
    try {
      accumulator.update(yTrue, chunk.preds);
    } catch (error) {
      throw chunkError(error, chunk.firstRow, inputs);
    }
    rows += chunk.rows;
    onChunk(inputs.bytesRead());
  }
  return { accumulator: accumulator ?? create(flags, undefined), rows };
}
