import { createAccumulator, type FocalLossAccumulator } from '../accumulator/accumulator.js';
import { LOSSES } from '../losses/registry.js';
import { InputError } from './input-error.js';
import type { Inputs } from './input-request.js';
import { LabelConverter } from './labels.js';
import { chunkError, optionError } from './library-errors.js';
import type { LossFlags } from './loss-flags.js';
import { count } from './words.js';

export interface Accumulated {
  accumulator: FocalLossAccumulator;
  rows: number;
}

/** Which rows of which data set a run reads (the accumulator's coverage options). */
export interface Covered {
  source: string;
  firstRow: number;
  /** The data set's rows, or null for a run over a whole file: then the rows read. */
  totalRows: number | null;
}

/** Checks the loss options against the library (and --alpha's length against C) before any data is read. */
export function checkOptions(flags: LossFlags, classes: number): void {
  const alpha = flags.options.alpha;
  if (Array.isArray(alpha) && alpha.length !== classes) {
    throw new InputError(`--alpha has ${count(alpha.length, 'weight')} but the predictions have ${count(classes, 'class')}`);
  }
  create(flags, classes);
}

/**
 * The run's accumulator: C, what it covers (its first row names the hardest rows) and
 * diagnostics besides the loss flags. --axis says where the files keep the classes; the reader
 * hands the accumulator rows of C, or channels-first chunks as C planes (`planes`), read with axis 1.
 */
function create(flags: LossFlags, classes: number | undefined, covered?: Covered, diagnostics = false, planes = false): FocalLossAccumulator {
  const spec = LOSSES[flags.loss];
  const coverage = covered === undefined ? {} : { ...covered, totalRows: covered.totalRows ?? undefined };
  try {
    return createAccumulator(spec, `${spec.name}Accumulator`, { ...flags.options, classes, ...coverage, diagnostics, axis: planes ? 1 : -1 });
  } catch (error) {
    throw optionError(error);
  }
}

/**
 * Streams the inputs through an accumulator, chunk by chunk: memory stays at the chunk
 * buffers whatever the files' sizes. `onChunk` is told the bytes read so far.
 */
export async function accumulate(
  inputs: Inputs, flags: LossFlags, covered: Covered, onChunk: (bytesRead: number) => void, diagnostics = false,
): Promise<Accumulated> {
  // C is unknown (0) only for an empty range of a Parquet list column: then nothing is checked against it.
  if (inputs.classes > 0) checkOptions(flags, inputs.classes);
  const labels = new LabelConverter();
  // C is pinned on the first chunk: an accumulator that pins it but sees no rows (an empty
  // shard) writes a state that merge() rejects, so an empty input leaves it unpinned.
  let accumulator: FocalLossAccumulator | null = null;
  let rows = 0;
  for (let chunk = await inputs.next(); chunk !== null; chunk = await inputs.next()) {
    accumulator ??= create(flags, inputs.classes, covered, diagnostics, chunk.planes);
    const shaped = (values: typeof chunk.preds) => (chunk.planes ? { data: values, shape: [1, inputs.classes, chunk.rows] } : values);
    const yTrue = LOSSES[flags.loss].reduces === 'elements' ? shaped(chunk.labels) : labels.convert(chunk.labels);
    try {
      accumulator.update(yTrue, shaped(chunk.preds));
    } catch (error) {
      throw chunkError(error, chunk.firstRow, inputs);
    }
    rows += chunk.rows;
    onChunk(inputs.bytesRead());
  }
  const read = accumulator ?? create(flags, undefined, covered, diagnostics);
  if (covered.totalRows !== null) return { accumulator: read, rows };
  // A whole file has the rows read, known only now: an empty accumulator that knows their
  // count (and that the next row would follow them) takes them in.
  return { accumulator: create(flags, undefined, { ...covered, firstRow: rows, totalRows: rows }, diagnostics).merge(read), rows };
}
