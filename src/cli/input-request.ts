import type { CsvOptions } from './csv.js';
import type { RowRange, Values } from './source.js';

// What a run asks of its files (InputRequest) and what opening them gives (Inputs, read in
// Chunks), whichever files they are: a pair of .npy / CSV files (inputs.ts), a Parquet file
// (parquet-inputs.ts) or one table holding both (single-file.ts).

/** One chunk of rows (samples): labels (or binary targets) and predictions, row-major or as class planes. */
export interface Chunk {
  labels: Values;
  preds: Values;
  rows: number;
  /** Index of the chunk's first row in the file(s). */
  firstRow: number;
  /** Predictions (and binary targets) come as C planes of `rows` values (channels-first maps), not rows of C (absent: rows). */
  planes?: boolean;
}

/**
 * The labels and predictions of a run, read together in chunks of the same rows; also how to
 * name an entry of either in a message.
 */
export interface Inputs {
  /** C (binary: K, the labels per row). */
  readonly classes: number;
  /** The first row read (the start of --rows / --shard). */
  readonly firstRow: number;
  /** Rows per chunk. */
  readonly chunkRows: number;
  readonly totalBytes: number;
  bytesRead(): number;
  /** What was read, for the report. */
  readonly describe: { labels: string; pred: string };
  /** What the run says on stderr before its result (columns skipped). */
  readonly notes: readonly string[];
  /** The next chunk, or null at the end (a Promise for a Parquet file, whose reader is asynchronous). */
  next(): Chunk | null | Promise<Chunk | null>;
  /** How a message names label/target (column c of) row i, and prediction c of row i. */
  labelName(row: number, column: number | null): string;
  predName(row: number, column: number | null): string;
  close(): void;
}

export interface InputRequest {
  labels: string | null;
  pred: string;
  labelColumn: string | null;
  range: RowRange | null;
  shard: { index: number; count: number } | null;
  /** The switch that chose an element-wise loss (--binary, --asymmetric), or false: targets of the predictions' shape. */
  binary: string | false;
  /** The class axis of .npy predictions (binary: the label axis of targets and predictions); -1 is the last. */
  axis: number;
  chunkBytes: number;
  /** How to read CSV files. */
  csv: CsvOptions;
  /** --pred-columns: which columns of the --pred table hold the predictions (see columns.ts). */
  predColumns: string | null;
  /** --pred-column: the Parquet list column holding each row's predictions. */
  predColumn: string | null;
}
