/**
 * Evaluation beyond one machine on BullMQ (Redis): a flow of shard jobs, each reading a row
 * range of the files into an accumulator state, and a merge job that checks the states cover
 * the data exactly and returns the loss.
 *
 * This is the `focal-loss-wasm/bullmq` entry, for Node. It imports `bullmq` (an optional peer
 * dependency); the main entry never does.
 *
 * @packageDocumentation
 */
export {
  evaluationFlow, type EvaluationFlowSpec, type EvaluationInput, type EvaluationJobData, type EvaluationLoss,
  type EvaluationOptions, type ShardJobData,
} from './bullmq/flow.js';
export { createShardProcessor, shardProcessor, type ShardProcessor } from './bullmq/shard.js';
export type { ShardChunk, ShardReader, ShardSource } from './bullmq/source.js';
export { mergeProcessor, type EvaluationResult, type MergeProcessor } from './bullmq/merge.js';
export { readFiles } from './bullmq/files.js';
