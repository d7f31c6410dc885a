// A worker process of test/node/bullmq.test.ts: BullMQ Workers running the package's
// processors (imported by the package's own name, so from dist/, as an app imports them).
//   node test/node/bullmq-worker.mjs PORT '{"shardQueue":…,"mergeQueue":…,"hang":false,"worker":{…}}'
// It tells its parent (IPC) when its workers are connected, and with "hang" it takes one shard
// job, says "started", and never finishes it: the test kills it there, in the middle of a job.
import { Worker } from 'bullmq';
import { mergeProcessor, shardProcessor } from 'focal-loss-wasm/bullmq';

const [port, text] = process.argv.slice(2);
const settings = JSON.parse(text);
const options = { connection: { host: '127.0.0.1', port: Number(port) }, ...settings.worker };
const hang = async (job) => {
  process.send({ started: job.id });
  await new Promise(() => {});
};
const workers = [new Worker(settings.shardQueue, settings.hang ? hang : shardProcessor, options)];
if (settings.mergeQueue !== undefined) workers.push(new Worker(settings.mergeQueue, mergeProcessor, options));
// Without a listener, a lost connection (Redis restarted) would end the process.
for (const worker of workers) worker.on('error', (error) => process.stderr.write(`worker: ${error.message}\n`));
Promise.all(workers.map((w) => w.waitUntilReady())).then(() => process.send({ ready: true }));
