/// <reference types="node" />
import { UnrecoverableError, type Job } from 'bullmq';
import { createAccumulator, type AccumulatorState, type FocalLossAccumulator } from '../accumulator/accumulator.js';
import { shardRange } from '../cli/arguments.js';
import { InputError } from '../cli/input-error.js';
import { detailOf, libraryNaming, renderWords, type Naming } from '../errors/detail.js';
import { LOSSES } from '../losses/registry.js';
import { checkJobData, type ShardJobData } from './flow.js';
import { readFiles } from './files.js';
import type { ShardChunk, ShardReader } from './source.js';

/** A processor of a flow's shard jobs: `new Worker(shardQueue, processor, …)`. */
export type ShardProcessor = (job: Job<ShardJobData, AccumulatorState>) => Promise<AccumulatorState>;

/**
 * A shard processor that reads with `read`: it reads the job's rows, feeds them to an
 * accumulator that records what it covers, and returns its state. Errors in the data (the
 * library's TypeError or RangeError, naming the entry as the reader does) fail the job without
 * retries, since a retry would read the same data; other errors (a lost volume) are retried.
 */
export function createShardProcessor(read: ShardReader): ShardProcessor {
  return async (job) => {
    try {
      const data = checkJobData('shardProcessor', job.data, true);
      const source = await read(data.input, data.loss);
      const { start, end } = shardRange(data.shard, data.shards, source.totalRows);
      const create = (classes: number | undefined) => createAccumulator(LOSSES[data.loss], `${data.loss}Accumulator`, {
        ...data.options, classes, source: source.source, firstRow: start, totalRows: source.totalRows,
      });
      // C is pinned by the first chunk: an empty shard's state says nothing of it.
      let accumulator: FocalLossAccumulator | null = null;
      for await (const chunk of source.rows(start, end ?? source.totalRows)) {
        accumulator ??= create(chunk.classes);
        try {
          accumulator.update(chunk.labels, chunk.preds);
        } catch (error) {
          throw named(error, chunk);
        }
        // A chunk runs without a break: BullMQ renews the job's lock between them.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return (accumulator ?? create(undefined)).state();
    } catch (error) {
      throw final(error);
    }
  };
}

/** Reads the job's rows of the flow's files with the command-line tool's streaming readers. */
export const shardProcessor: ShardProcessor = createShardProcessor(readFiles);

/** The library's error, its entries named as the reader names them (a file's row and column). */
function named(error: unknown, chunk: ShardChunk): unknown {
  const detail = detailOf(error);
  const name = chunk.name;
  if (detail === null || name === undefined || !(error instanceof TypeError || error instanceof RangeError)) return error;
  const naming: Naming = {
    ...libraryNaming,
    entry: (ref) => ((ref.argument === 'yTrue' || ref.argument === 'yPred') && ref.sample !== undefined
      ? name(ref.argument, ref.sample, ref.class ?? null)
      : libraryNaming.entry(ref)),
    sample: ({ sample }) => `row ${chunk.firstRow + sample}`,
    // The batch's shape is the chunk's, not the data set's.
    shape: () => '',
  };
  const Class = error instanceof TypeError ? TypeError : RangeError;
  return new Class(`${detail.fn}: ${renderWords(detail.parts, naming)}`);
}

/**
 * An error no retry can mend (bad data, a bad file, bad options) fails the job at once, with
 * the error's message: the flow's result names it.
 */
export function final(error: unknown): unknown {
  const unfixable = error instanceof TypeError || error instanceof RangeError || error instanceof InputError;
  return unfixable ? Object.assign(new UnrecoverableError(error.message), { cause: error }) : error;
}
