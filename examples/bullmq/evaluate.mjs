#!/usr/bin/env node
// Evaluates a loss over files with the workers of worker.mjs, and prints the result as JSON.
//
//   REDIS_URL=… node examples/bullmq/evaluate.mjs LABELS PRED [SHARDS=16] [OPTIONS='{}']
//   e.g. node examples/bullmq/evaluate.mjs /shared/y.npy /shared/z.npy 64 '{"fromLogits": true}'
import { resolve } from 'node:path';
import { FlowProducer, QueueEvents } from 'bullmq';
import { evaluationFlow } from 'focal-loss-wasm/bullmq';
import { connection, QUEUES } from './connection.mjs';

const [labels, pred, shards = '16', options = '{}'] = process.argv.slice(2);
if (pred === undefined) {
  console.error('usage: node examples/bullmq/evaluate.mjs LABELS PRED [SHARDS] [OPTIONS as JSON]');
  process.exit(2);
}
// Checked before anything is queued: a bad option throws here.
const spec = evaluationFlow({
  labels: resolve(labels), pred: resolve(pred), shards: Number(shards), options: JSON.parse(options), ...QUEUES,
});
const events = new QueueEvents(QUEUES.mergeQueue, { connection });
const producer = new FlowProducer({ connection });
try {
  await events.waitUntilReady();
  const flow = await producer.add(spec);
  const { loss, summary } = await flow.job.waitUntilFinished(events);
  console.log(JSON.stringify({ loss, count: summary.count, coverage: summary.coverage }));
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await Promise.all([events.close(), producer.close()]);
}
