import { detailOf, renderWords, type Naming } from '../errors/detail.js';
import { show } from '../errors/show.js';
import { OPTIONS, type OptionSpec } from '../options/schema.js';
import { InputError } from './input-error.js';

/** How a message names an entry of the inputs: label (column) and prediction (class) of a file row. */
export interface Names {
  labelName(row: number, column: number | null): string;
  predName(row: number, column: number | null): string;
}

/** The option's command-line flag, if it has one. */
const cliOf = (name: string): OptionSpec['cli'] => (OPTIONS as readonly OptionSpec[]).find((o) => o.name === name && o.cli)?.cli;

/**
 * The library's references in the CLI's words: entries of yTrue and yPred become the file
 * rows and columns they came from (the chunk's first row is `firstRow`), options become
 * flags, and the batch's own shape is left out (the files have theirs).
 */
function cliNaming(firstRow: number, names: Names | null): Naming {
  return {
    entry({ argument, sample, class: c, index }) {
      if (argument === 'yTrue' || argument === 'yPred') {
        if (names === null || sample === undefined) return argument === 'yTrue' ? 'the labels' : 'the predictions';
        return (argument === 'yTrue' ? names.labelName : names.predName).call(names, firstRow + sample, c ?? null);
      }
      const name = cliOf(argument)?.flag ?? argument;
      return index === undefined ? name : `${name}[${index}]`;
    },
    sample: ({ sample }) => `row ${firstRow + sample}`,
    option({ name, value }) {
      const cli = cliOf(name);
      if (cli === undefined) return value === undefined ? name : `${name}: ${show(value)}`;
      return cli.value === 'switch' || value === undefined ? cli.flag : `${cli.flag} ${String(value)}`;
    },
    shape: () => '',
    advice: ({ advice }) => (advice === 'logits'
      ? 'if the predictions are logits, pass --from-logits'
      : 'the predictions have one column, so C is 1 class: for binary targets (0 or 1 per row) pass --binary'),
  };
}

/** A library TypeError or RangeError in the CLI's words, or the error as it is (a bug: exit code 1). */
function reworded(error: unknown, firstRow: number, names: Names | null): unknown {
  const detail = detailOf(error);
  if (!(error instanceof RangeError || error instanceof TypeError) || detail === null) return error;
  return new InputError(renderWords(detail.parts, cliNaming(firstRow, names)));
}

/** An error the loss threw for one chunk of rows starting at file row `firstRow`. */
export function chunkError(error: unknown, firstRow: number, names: Names): unknown {
  return reworded(error, firstRow, names);
}

/** An error from creating an accumulator (an option out of range) or merging states. */
export function optionError(error: unknown): unknown {
  return reworded(error, 0, null);
}
