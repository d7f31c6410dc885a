#!/usr/bin/env node
// A worker of focal-loss-wasm/bullmq: the shard and merge processors on the queues of
// connection.mjs, at REDIS_URL (default redis://127.0.0.1:6379). Start one per core on every
// machine that reads the files (at the paths the flows name: a shared volume).
//
//   REDIS_URL=redis://:PASSWORD@redis.internal:6379 node examples/bullmq/worker.mjs
import { Worker } from 'bullmq';
import { mergeProcessor, shardProcessor } from 'focal-loss-wasm/bullmq';
import { connection, QUEUES, url } from './connection.mjs';

const workers = [
  new Worker(QUEUES.shardQueue, shardProcessor, { connection }),
  new Worker(QUEUES.mergeQueue, mergeProcessor, { connection }),
];
for (const worker of workers) {
  // A lost connection is retried; without a listener it would end the process.
  worker.on('error', (error) => console.error(`worker: ${error.message}`));
  worker.on('failed', (job, error) => console.error(`job ${job?.id} failed: ${error.message}`));
}
// Stop after the jobs in hand (one cut off by a kill is taken up by another worker).
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => Promise.all(workers.map((w) => w.close())));
console.log(`focal-loss-wasm worker on ${QUEUES.shardQueue} and ${QUEUES.mergeQueue} at ${url.replace(/\/\/[^@]*@/, '//')}`);
