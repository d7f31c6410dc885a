import { UnrecoverableError, type Job } from 'bullmq';
import {
  accumulatorFromState, type AccumulatorState, type AccumulatorSummary,
} from '../accumulator/accumulator.js';
import { showRanges } from '../accumulator/coverage.js';
import { fail } from '../errors/detail.js';
import { checkJobData, type EvaluationJobData } from './flow.js';
import { final } from './shard.js';

/** What a flow's merge job resolves to. */
export interface EvaluationResult {
  /** The mean loss over every counted sample (binary: element). */
  loss: number;
  /** The merged state: it merges further (other flows, the CLI's shard states) and rebuilds an accumulator with fromState. */
  state: AccumulatorState;
  /** The accumulator's summary: count, sums, per class, and the rows covered. */
  summary: AccumulatorSummary;
}

/** A processor of a flow's merge jobs: `new Worker(mergeQueue, mergeProcessor, …)`. */
export type MergeProcessor = (job: Job<EvaluationJobData, EvaluationResult>) => Promise<EvaluationResult>;

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Merges a flow's shard states and checks that they cover the data set exactly: every row
 * once (BullMQ keeps one value per shard job, so a shard retried after a crash counts once;
 * states that overlap would count rows twice and are refused) and none missing. A shard that
 * failed for good fails the flow with its error, and the shards not started are removed.
 */
export const mergeProcessor: MergeProcessor = async (job) => {
  const fn = 'mergeProcessor';
  try {
    const data = checkJobData(fn, job.data, false);
    const failed = Object.entries(await job.getIgnoredChildrenFailures()).sort(byKey);
    if (failed.length > 0) {
      await job.removeUnprocessedChildren();
      const [key, reason] = failed[0];
      throw new UnrecoverableError(`${fn}: shard job ${key} failed: ${reason}`);
    }
    const states = Object.entries(await job.getChildrenValues<AccumulatorState>()).sort(byKey).map(([, state]) => state);
    if (states.length === 0) throw fail(RangeError, fn)`none of the flow's ${data.shards} shard jobs returned a state`;
    const merged = accumulatorFromState(fn, states[0]);
    for (const state of states.slice(1)) merged.merge(state);
    const summary = merged.summary();
    checkCovered(fn, summary);
    return { loss: summary.mean, state: merged.state(), summary };
  } catch (error) {
    throw final(error);
  }
};

/** One data set, every row of it. */
function checkCovered(fn: string, summary: AccumulatorSummary): void {
  const { coverage } = summary;
  if (coverage.length > 1) {
    const names = coverage.map((c) => c.source).join(', ');
    throw fail(RangeError, fn)`the shards read ${coverage.length} different data sets (${names}): the files differ between the workers' machines`;
  }
  for (const c of coverage) {
    if (c.missing !== undefined && c.missing.length > 0) {
      throw fail(RangeError, fn)`the shards' states do not cover ${c.source}: ${showRanges(c.missing)} of its ${c.totalRows} are missing`;
    }
  }
}
