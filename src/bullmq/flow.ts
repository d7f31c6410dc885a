/// <reference types="node" />
import { randomUUID } from 'node:crypto';
import type { FlowJob } from 'bullmq';
import type { BinaryFocalLossAccumulatorOptions, FocalLossAccumulatorOptions } from '../accumulator/accumulator.js';
import { createAccumulator } from '../accumulator/accumulator.js';
import { fail } from '../errors/detail.js';
import { describe, show } from '../errors/show.js';
import { LOSSES } from '../losses/registry.js';
import { ALL_LOSSES, type LossName } from '../options/loss-names.js';
import { numberIn, oneOf, ownOptions } from '../options/read.js';

/** The losses a flow computes: every loss of the library, by its function's name. */
export type EvaluationLoss = LossName;

/** Coverage options are each shard's own: set from the files, never given. */
type Covered = 'source' | 'firstRow' | 'totalRows';

/** The accumulator options of the loss (every option but the coverage ones, which each shard sets from the files). */
export type EvaluationOptions = Omit<FocalLossAccumulatorOptions, Covered> | Omit<BinaryFocalLossAccumulatorOptions, Covered>;

/** What {@link evaluationFlow} evaluates, and on which queues. */
export interface EvaluationFlowSpec {
  /**
   * Class indices (binary: targets), a path every worker can read (a shared volume): `.npy`,
   * `.csv` or `.tsv`, as the command-line tool reads them. Absent: the labels are a column of
   * the `pred` CSV file.
   */
  labels?: string;
  /** Predictions, (N, C) (binary: the targets' shape), a path every worker can read. */
  pred: string;
  /** With a CSV or Parquet `pred` and no `labels`: the label column (a name or 0-based index). Default the first. */
  labelColumn?: string;
  /** The prediction columns of a CSV or Parquet `pred`, as the CLI's --pred-columns (`z0:z9`, `'z*'`, …). */
  predColumns?: string;
  /** A Parquet list column holding each row's predictions, as the CLI's --pred-column. */
  predColumn?: string;
  /** Default 'focalLoss'. */
  loss?: EvaluationLoss;
  /** The accumulator options of the loss (gamma, alpha, fromLogits, …), checked here. */
  options?: EvaluationOptions;
  /** Row ranges the data is cut into, one job each: shard i reads rows [⌊i·N/shards⌋, ⌊(i+1)·N/shards⌋). */
  shards: number;
  /** The queue of the shard jobs (workers running shardProcessor). */
  shardQueue: string;
  /** The queue of the merge job (workers running mergeProcessor). */
  mergeQueue: string;
  /**
   * The merge job's id; shard i's is `${id}-shard-${i}`. A flow added again with the same id
   * queues nothing new: BullMQ returns the jobs it has (and a finished flow's result). Default:
   * a new random id, so that files rewritten in place are read again.
   */
  id?: string;
  /** Attempts per job (a worker that crashes or loses Redis is retried). Default 3. */
  attempts?: number;
  /** Milliseconds before the first retry, doubling with each. Default 1000. */
  backoff?: number;
}

/** The files a flow reads, as its jobs carry them. */
export interface EvaluationInput {
  labels: string | null;
  pred: string;
  labelColumn: string | null;
  predColumns: string | null;
  predColumn: string | null;
}

/** The data of a flow's merge job: paths and options, never data. */
export interface EvaluationJobData {
  format: typeof FORMAT;
  input: EvaluationInput;
  loss: EvaluationLoss;
  /** The options as JSON (typed arrays as arrays). */
  options: Record<string, unknown>;
  shards: number;
}

/** The data of a shard job: its flow's, and which shard it is. */
export interface ShardJobData extends EvaluationJobData {
  shard: number;
}

export const FORMAT = 'focal-loss-wasm/evaluation@1';

const SPEC_KEYS = ['labels', 'pred', 'labelColumn', 'predColumns', 'predColumn', 'loss', 'options', 'shards', 'shardQueue', 'mergeQueue', 'id', 'attempts', 'backoff'];
const COVERED: readonly string[] = ['source', 'firstRow', 'totalRows'];
/** More shards than this add only overhead (a job, a Redis round trip and a state to merge each), and a typo would queue millions. */
const MAX_SHARDS = 100_000;

/**
 * A BullMQ flow that evaluates a loss over files in shards: one job per row range on
 * `shardQueue` (processed by {@link shardProcessor}) and a parent job on `mergeQueue`
 * ({@link mergeProcessor}) that merges their states and resolves to `{ loss, state, summary }`.
 * Pass it to `FlowProducer.add`. Everything is checked here, before anything is queued: the
 * options as the library checks them (a TypeError or RangeError naming the option).
 */
export function evaluationFlow(spec: EvaluationFlowSpec): FlowJob {
  const fn = 'evaluationFlow';
  if (spec === undefined) throw fail(TypeError, fn)`the flow must be an object, got undefined`;
  const given = ownOptions(fn, spec, SPEC_KEYS, 'the flow');
  const data = jobData(fn, given);
  const shardQueue = name(fn, 'shardQueue', given.shardQueue);
  const mergeQueue = name(fn, 'mergeQueue', given.mergeQueue);
  const id = given.id === undefined ? randomUUID() : jobId(fn, given.id);
  const attempts = given.attempts === undefined ? 3 : numberIn(fn, 'attempts', given.attempts, (v) => Number.isSafeInteger(v) && v >= 1, 'an integer >= 1');
  const delay = given.backoff === undefined ? 1000 : numberIn(fn, 'backoff', given.backoff, (v) => Number.isSafeInteger(v) && v >= 0, 'an integer >= 0 (milliseconds)');
  const retry = { attempts, backoff: { type: 'exponential', delay } };
  return {
    name: 'merge',
    queueName: mergeQueue,
    data,
    opts: { jobId: id, ...retry },
    children: Array.from({ length: data.shards }, (_, shard) => ({
      name: 'shard',
      queueName: shardQueue,
      data: { ...data, shard } satisfies ShardJobData,
      // A shard that fails for good starts the merge job at once, which fails with the shard's
      // error (failParentOnFailure would fail it with "child … failed" instead).
      opts: { jobId: `${id}-shard-${shard}`, ...retry, continueParentOnFailure: true },
    })),
  };
}

function jobData(fn: string, given: Record<string, unknown>): EvaluationJobData {
  const pred = text(fn, 'pred', given.pred);
  const labels = given.labels === undefined ? null : text(fn, 'labels', given.labels);
  const [labelColumn, predColumns, predColumn] = (['labelColumn', 'predColumns', 'predColumn'] as const)
    .map((field) => (given[field] === undefined ? null : text(fn, field, given[field])));
  if (labels !== null && labelColumn !== null) {
    throw fail(TypeError, fn)`labelColumn picks the label out of the pred file; it cannot be used with labels`;
  }
  if (predColumns !== null && predColumn !== null) {
    throw fail(TypeError, fn)`predColumns (one column per class) and predColumn (one list column) cannot be used together`;
  }
  const loss = oneOf(fn, 'loss', given.loss, ALL_LOSSES, 'focalLoss');
  const shards = numberIn(fn, 'shards', given.shards, (v) => Number.isSafeInteger(v) && v >= 1 && v <= MAX_SHARDS, `an integer in [1, ${MAX_SHARDS}]`);
  return { format: FORMAT, input: { labels, pred, labelColumn, predColumns, predColumn }, loss, options: checkedOptions(fn, loss, given.options), shards };
}

/** The options as the library checks them, then as JSON (what the workers will read). */
function checkedOptions(fn: string, loss: EvaluationLoss, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw fail(TypeError, fn)`options must be an object, got ${describe(options)}`;
  for (const key of COVERED) {
    if (Object.hasOwn(options, key)) throw fail(TypeError, fn)`option ${show(key)} is set by each shard from the files it reads; leave it out`;
  }
  createAccumulator(LOSSES[loss], fn, options);
  // Readers hand shards rows of C (ShardChunk): a map's classes must be its last axis.
  const axis = (options as { axis?: unknown }).axis;
  if (axis !== undefined && axis !== -1) {
    throw fail(RangeError, fn)`option axis = ${show(axis)}: a flow's shards read rows with the classes last; save channels-first predictions channels-last (np.moveaxis(a, 1, -1)) and leave axis out`;
  }
  return JSON.parse(JSON.stringify(options, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
}

function text(fn: string, field: string, value: unknown): string {
  if (typeof value !== 'string') throw fail(TypeError, fn)`${field} must be a string, got ${describe(value)}`;
  if (value === '') throw fail(RangeError, fn)`${field} must not be empty`;
  return value;
}

/** BullMQ keys are `prefix:queue:id`: a colon in a queue name or job id would make another key. */
function name(fn: string, field: string, value: unknown): string {
  const v = text(fn, field, value);
  if (v.includes(':')) throw fail(RangeError, fn)`${field} = ${show(v)} must not contain ":"`;
  return v;
}

/** BullMQ refuses integer job ids (they collide with its own). */
function jobId(fn: string, value: unknown): string {
  const v = name(fn, 'id', value);
  if (/^\d+$/.test(v)) throw fail(RangeError, fn)`id = ${show(v)} must not be an integer (BullMQ numbers its own jobs so)`;
  return v;
}

/** A job's data as evaluationFlow writes it (a processor on the wrong queue, or a job of another program, is a TypeError). */
export function checkJobData(fn: string, data: unknown, shard: true): ShardJobData;
export function checkJobData(fn: string, data: unknown, shard: false): EvaluationJobData;
export function checkJobData(fn: string, data: unknown, shard: boolean): EvaluationJobData {
  const d = data as Partial<ShardJobData> | null;
  if (typeof d !== 'object' || d === null || d.format !== FORMAT || (shard && !Number.isSafeInteger(d.shard))) {
    throw fail(TypeError, fn)`job.data = ${describe(data)} is not the data of a ${shard ? 'shard' : 'merge'} job of evaluationFlow (format "${FORMAT}"): is the processor on the right queue?`;
  }
  return d as EvaluationJobData;
}
