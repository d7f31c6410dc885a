import type { EvaluationInput, EvaluationLoss } from './flow.js';

// What a shard processor reads: a data set's rows in chunks. readFiles (files.ts) reads files
// with the CLI's readers; a reader of another store gives the same (see the README).

/** Rows of a data set as a reader yields them. */
export interface ShardChunk {
  /** One class index per row (binary: `classes` targets per row). */
  labels: ArrayLike<number>;
  /** `classes` predictions per row, row-major. */
  preds: ArrayLike<number>;
  /** C (binary: K). */
  classes: number;
  /** The data set's row of the chunk's first row. */
  firstRow: number;
  /** How a message names entry `column` of the chunk's row `row` (default: the library's yTrue[i], yPred[i][c]). */
  name?(argument: 'yTrue' | 'yPred', row: number, column: number | null): string;
}

/** A data set as a shard processor reads it. */
export interface ShardSource {
  /** A name for the data set that every worker computes alike (the states' coverage `source`). */
  source: string;
  /** Rows in the whole data set. */
  totalRows: number;
  /** Rows [from, to) in order, in chunks of bounded size. */
  rows(from: number, to: number): AsyncIterable<ShardChunk>;
}

/** Opens a flow's input: `readFiles` by default, or another reader (see the README). */
export type ShardReader = (input: EvaluationInput, loss: EvaluationLoss) => ShardSource | Promise<ShardSource>;
