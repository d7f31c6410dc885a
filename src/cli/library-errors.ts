import { InputError } from './input-error.js';

/** How a message names an entry of the inputs: label (column) and prediction (class) of a file row. */
export interface Names {
  labelName(row: number, column: number | null): string;
  predName(row: number, column: number | null): string;
}

/**
 * A RangeError or TypeError the loss threw for one chunk, as the CLI reports it: the chunk's
 * yTrue[i] and yPred[i] become the file and row they came from, and the library's option
 * names become the CLI's flags. Anything else is returned as it is (a bug: exit code 1).
 */
export function chunkError(error: unknown, firstRow: number, names: Names): unknown {
  if (!(error instanceof RangeError || error instanceof TypeError)) return error;
  const row = (sample: string) => firstRow + Number(sample);
  let message = strip(error.message)
    .replace(/yTrue\[\d+\] \(sample (\d+), class (\d+)\)/g, (_, s, c) => names.labelName(row(s), Number(c)))
    .replace(/yPred\[\d+\] \(sample (\d+), class (\d+)\)/g, (_, s, c) => names.predName(row(s), Number(c)))
    // A flat name without "(sample, class)": one value per sample (labels, or C = 1).
    .replace(/yTrue\[(\d+)\]/g, (_, i) => names.labelName(row(i), null))
    .replace(/yPred\[(\d+)\]/g, (_, i) => names.predName(row(i), null))
    .replace(/\(sample (\d+)\)/g, (_, s) => `(row ${row(s)})`)
    .replace(/^sample (\d+) /, (_, s) => `row ${row(s)} `);
  message = flags(message);
  return new InputError(message);
}

/** An error from creating an accumulator (an option out of range) or merging states, in the CLI's words. */
export function optionError(error: unknown): unknown {
  if (!(error instanceof RangeError || error instanceof TypeError)) return error;
  return new InputError(flags(strip(error.message)));
}

/** Drops "focalLossAccumulator.update: " and the chunk's " (the batch is N samples × C classes …)". */
function strip(message: string): string {
  return message.replace(/^[\w.]+: /, '').replace(/ \(the batch is [^)]*\)/g, '');
}

const FLAGS: Record<string, string> = {
  gamma: '--gamma',
  alpha: '--alpha',
  epsilon: '--epsilon',
  labelSmoothing: '--label-smoothing',
  ignoreIndex: '--ignore-index',
  fromLogits: '--from-logits',
};

function flags(message: string): string {
  return message
    // The library's advice for C = 1 (pass rows, call binaryFocalLoss) is, on the command line, --binary.
    .replace(/; C was taken as 1 class because yPred has one value per label: .*$/,
      '; the predictions have one column, so C is 1 class: for binary targets (0 or 1 per row) pass --binary')
    .replace(/\b(yPred|yTrue) has\b/g, (_, name) => `${name} have`)
    .replace(/if yPred holds logits, pass fromLogits: true/g, 'if the predictions are logits, pass --from-logits')
    .replace(/pass fromLogits: true/g, 'pass --from-logits')
    .replace(/\(or the ignoreIndex (\S+)\)/g, '(or the --ignore-index $1)')
    .replace(/^(gamma|alpha|epsilon|labelSmoothing|ignoreIndex)\b/, (name) => FLAGS[name])
    .replace(/\byPred\b/g, 'the predictions')
    .replace(/\byTrue\b/g, 'the labels');
}
