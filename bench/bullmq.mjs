// focal-loss-wasm/bullmq's benchmark: a flow over N × C float32 logits (.npy, int64 labels)
// with 1 and 2 worker processes (examples/bullmq/worker.mjs) against the single-process CLI on
// the same files. It starts a redis-server of its own on a free port. Run after `npm run build`:
//
//   node bench/bullmq.mjs [--rows=20000000] [--classes=10] [--shards=16] [--rounds=3] [--dir=DIR]
//
// The data is written once into DIR (default: a folder in the system's temporary one) and
// reused; one untimed CLI run first brings it into the page cache. Worker processes are
// started and warmed by a small flow before the timed rounds, which run a flow from
// FlowProducer.add to the merge job's result. Times are medians.
import { execFileSync, fork } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlowProducer, QueueEvents } from 'bullmq';
import { evaluationFlow } from '../dist/bullmq.js';
import { RedisServer } from '../scripts/redis-server.mjs';

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
};
const rows = Number(arg('rows', 20_000_000));
const classes = Number(arg('classes', 10));
const shards = Number(arg('shards', 16));
const rounds = Number(arg('rounds', 3));
const dir = arg('dir', join(os.tmpdir(), `focal-loss-bench-bullmq-${rows}x${classes}`));
const root = fileURLToPath(new URL('..', import.meta.url));
const labels = join(dir, 'labels.npy');
const pred = join(dir, 'preds.npy');

if (!existsSync(pred) || statSync(pred).size < rows * classes * 4) {
  execFileSync(process.execPath, [join(root, 'examples/bullmq/make-data.mjs'), dir, String(rows), String(classes)], { stdio: 'inherit' });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

function cli() {
  const start = performance.now();
  const out = execFileSync(process.execPath, [join(root, 'dist/cli.js'), '--labels', labels, '--pred', pred, '--from-logits', '--json'], { encoding: 'utf8' });
  return { ms: performance.now() - start, loss: JSON.parse(out).loss };
}

console.log(`${rows} × ${classes} float32 logits, ${shards} shards, ${rounds} rounds; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
cli();
const single = Array.from({ length: rounds }, cli);
const reference = single[0].loss;
const results = [['single-process CLI', median(single.map((r) => r.ms)), 0]];

const redis = await RedisServer.start();
const connection = { host: '127.0.0.1', port: redis.port };
const env = { ...process.env, REDIS_URL: `redis://127.0.0.1:${redis.port}` };
const queues = { shardQueue: 'focal-shards', mergeQueue: 'focal-merge' };
const producer = new FlowProducer({ connection });
const events = new QueueEvents(queues.mergeQueue, { connection });
await events.waitUntilReady();
const flow = async (spec) => (await producer.add(evaluationFlow({ ...queues, ...spec }))).job.waitUntilFinished(events);
try {
  for (const count of [1, 2]) {
    const workers = Array.from({ length: count }, () => fork(join(root, 'examples/bullmq/worker.mjs'), [], { env, stdio: 'ignore' }));
    // Warm-up: every worker connected, its kernel compiled.
    await flow({ labels, pred, options: { fromLogits: true }, shards: count * 2 });
    const times = [];
    let difference = 0;
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      const { loss } = await flow({ labels, pred, options: { fromLogits: true }, shards });
      times.push(performance.now() - start);
      difference = Math.max(difference, Math.abs(loss - reference) / reference);
    }
    results.push([`flow, ${count} worker process${count > 1 ? 'es' : ''}`, median(times), difference]);
    await Promise.all(workers.map((w) => new Promise((resolve) => {
      w.once('exit', resolve);
      w.kill('SIGTERM');
    })));
  }
} finally {
  await Promise.all([producer.close(), events.close()]);
  await redis.close();
}

console.log('\n| run | time | rows per second | vs the CLI | loss vs the CLI (relative) |\n|---|---:|---:|---:|---:|');
for (const [name, ms, difference] of results) {
  console.log(`| ${name} | ${seconds(ms)} | ${(rows / (ms / 1000) / 1e6).toFixed(1)} M | ${(results[0][1] / ms).toFixed(2)}× | ${difference.toExponential(1)} |`);
}
