import { parseDelimiter } from './csv-dialect.js';
import { clip, InputError, quote } from './input-error.js';
import { LOSS_SWITCHES_ALL, LOSS_VALUED, lossFlags, type LossFlags } from './loss-flags.js';
import type { RowRange } from './source.js';


/** How the input files are read: the layout of a CSV file. */
export interface InputFlags {
  csv: {
    /** --header / --no-header: whether a CSV file's first line is a header; null to tell from the line. */
    header: boolean | null;
    /** --delimiter, or null to tell from the first line. */
    delimiter: string | null;
  };
  /** --pred-columns: the prediction columns of a CSV or Parquet table (see columns.ts). */
  predColumns: string | null;
  /** --pred-column: a Parquet list column holding each row's predictions. */
  predColumn: string | null;
}

export interface OutputFlags {
  perClass: boolean;
  json: boolean;
  /** --diagnostics: the accumulator's diagnostics in the summary and the JSON. */
  diagnostics: boolean;
  /** --html: a file for the diagnostics report, or null. */
  html: string | null;
  /** A file for the accumulator state, "-" for stdout, or null. */
  stateOut: string | null;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | ({
    kind: 'loss';
    labels: string | null;
    pred: string;
    /** A column index or header name (single-file CSV), or null. */
    labelColumn: string | null;
    range: RowRange | null;
    shard: { index: number; count: number } | null;
    loss: LossFlags;
    progress: 'auto' | 'on' | 'off';
    chunkBytes: number;
  } & InputFlags & OutputFlags)
  | ({
    kind: 'merge';
    files: string[];
    /** --allow-partial: report the loss of states that do not cover their data sets. */
    allowPartial: boolean;
  } & OutputFlags);

export const DEFAULT_CHUNK_BYTES = 8 << 20;

/** Flags that take a value, and those that do not. */
const INPUT_VALUED = ['--labels', '--pred', '--label-column', '--rows', '--shard', '--chunk-size', '--delimiter', '--pred-columns', '--pred-column'];
const INPUT_SWITCHES = ['--progress', '--no-progress', '--header', '--no-header'];
const VALUED = new Set([...INPUT_VALUED, ...LOSS_VALUED, '--state-out', '--html']);
const SWITCHES = new Set([...INPUT_SWITCHES, ...LOSS_SWITCHES_ALL, '--per-class', '--json', '--diagnostics', '--help', '--version', '--merge', '--allow-partial']);
const ALIASES: Record<string, string> = {
  '-h': '--help', '-v': '--version', '--preds': '--pred', '--predictions': '--pred', '--label': '--labels', '--targets': '--labels',
};
/** Loss and input flags that make no sense with --merge: the states carry their options. */
const NOT_WITH_MERGE = [...INPUT_VALUED, ...LOSS_VALUED, ...INPUT_SWITCHES, ...LOSS_SWITCHES_ALL];

/** Reads the command line (without node and the script); throws InputError for anything wrong. */
export function parseArguments(argv: readonly string[]): Command {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const mergeFiles: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (switches.has('--merge')) {
        mergeFiles.push(arg);
        continue;
      }
      throw new InputError(`unexpected argument ${quote(arg)}: every input is given with a flag (--labels, --pred)`);
    }
    const eq = arg.indexOf('=');
    const given = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const flag = ALIASES[given] ?? given;
    if (SWITCHES.has(flag)) {
      if (eq > 0 && arg.startsWith('--')) throw new InputError(`${given} takes no value`);
      if (switches.has(flag)) throw new InputError(`${given} is given twice`);
      switches.add(flag);
      continue;
    }
    if (!VALUED.has(flag)) {
      const close = [...VALUED, ...SWITCHES].find((f) => distance(f, given) <= 2);
      throw new InputError(`unknown option ${clip(given)}${close === undefined ? '' : ` (did you mean ${close}?)`}; see --help`);
    }
    let value: string;
    if (eq > 0 && arg.startsWith('--')) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new InputError(`${given} needs a value; see --help`);
      value = argv[++i];
    }
    if (values.has(flag)) throw new InputError(`${given} is given twice`);
    values.set(flag, value);
  }

  if (switches.has('--help')) return { kind: 'help' };
  if (switches.has('--version')) return { kind: 'version' };

  const output: OutputFlags = {
    perClass: switches.has('--per-class'),
    json: switches.has('--json'),
    stateOut: values.get('--state-out') ?? null,
    diagnostics: switches.has('--diagnostics'),
    html: values.get('--html') ?? null,
  };
  if (output.stateOut === '') throw new InputError('--state-out needs a file name (or - for stdout)');
  if (output.html === '') throw new InputError('--html needs a file name');

  if (switches.has('--merge')) {
    const extra = NOT_WITH_MERGE.find((f) => values.has(f) || switches.has(f));
    if (extra !== undefined) {
      throw new InputError(`${extra} cannot be used with --merge: the states carry their inputs' options`);
    }
    if (mergeFiles.length === 0) throw new InputError('--merge needs one or more state files (written by --state-out)');
    return { kind: 'merge', files: mergeFiles, allowPartial: switches.has('--allow-partial'), ...output };
  }
  if (switches.has('--allow-partial')) throw new InputError('--allow-partial applies to --merge (states that do not cover their data)');

  const pred = values.get('--pred');
  if (pred === undefined) throw new InputError('--pred is required (the predictions file); see --help');
  const labels = values.get('--labels') ?? null;
  const labelColumn = values.get('--label-column') ?? null;
  if (labels !== null && labelColumn !== null) {
    throw new InputError('--label-column picks the label out of the --pred file; it cannot be used with --labels');
  }
  if (values.has('--rows') && values.has('--shard')) throw new InputError('--rows and --shard cannot be used together');
  if (switches.has('--progress') && switches.has('--no-progress')) throw new InputError('--progress and --no-progress contradict each other');

  const loss = lossFlags(values, switches);

  const rows = values.get('--rows');
  const shard = values.get('--shard');
  const chunk = values.get('--chunk-size');
  return {
    kind: 'loss',
    labels,
    pred,
    labelColumn,
    range: rows === undefined ? null : rowRange(rows),
    shard: shard === undefined ? null : shardOf(shard),
    loss,
    progress: switches.has('--progress') ? 'on' : switches.has('--no-progress') ? 'off' : 'auto',
    chunkBytes: chunk === undefined ? DEFAULT_CHUNK_BYTES : bytes('--chunk-size', chunk),
    ...inputFlags(values, switches),
    ...output,
  };
}

/** The flags that say how to read the input files. */
function inputFlags(values: ReadonlyMap<string, string>, switches: ReadonlySet<string>): InputFlags {
  if (switches.has('--header') && switches.has('--no-header')) throw new InputError('--header and --no-header contradict each other');
  const delimiter = values.get('--delimiter');
  const predColumns = values.get('--pred-columns') ?? null;
  const predColumn = values.get('--pred-column') ?? null;
  if (predColumns !== null && predColumn !== null) {
    throw new InputError('--pred-columns (one column per class) and --pred-column (one list column) cannot be used together');
  }
  if (predColumn === '') throw new InputError('--pred-column needs the name of a list column');
  return {
    csv: {
      header: switches.has('--header') ? true : switches.has('--no-header') ? false : null,
      delimiter: delimiter === undefined ? null : parseDelimiter(delimiter),
    },
    predColumns,
    predColumn,
  };
}

function rowRange(text: string): RowRange {
  const m = /^(\d*):(\d*)$/.exec(text.trim());
  if (m === null || (m[1] === '' && m[2] === '' && text.trim() !== ':')) {
    throw new InputError(`--rows expects START:END (row indices, either may be left out), got ${quote(text)}`);
  }
  const start = m[1] === '' ? 0 : Number(m[1]);
  const end = m[2] === '' ? null : Number(m[2]);
  if (!Number.isSafeInteger(start) || (end !== null && !Number.isSafeInteger(end))) {
    throw new InputError(`--rows: ${quote(text)} is out of range`);
  }
  if (end !== null && end < start) throw new InputError(`--rows ${text}: END is before START`);
  return { start, end };
}

function shardOf(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new InputError(`--shard expects I/N (shard I of N, I from 0), got ${quote(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1) || !Number.isSafeInteger(count) || index >= count) {
    throw new InputError(`--shard ${text}: expected 0 <= I < N`);
  }
  return { index, count };
}

function bytes(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?[bB])?$/.exec(text.trim());
  if (m === null) throw new InputError(`${flag} expects a size in bytes such as 8M, 512K or 1000000, got ${quote(text)}`);
  const scale = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const value = Math.floor(Number(m[1]) * scale);
  if (value < 1 || value > 2 ** 31 - 1) throw new InputError(`${flag} must be between 1 byte and 2 GiB, got ${quote(text)}`);
  return value;
}

/** The rows of shard `index` of `count` over n rows: contiguous, sizes differing by at most one. */
export function shardRange(index: number, count: number, n: number): RowRange {
  return { start: Math.floor((index * n) / count), end: Math.floor(((index + 1) * n) / count) };
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
