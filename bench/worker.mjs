// Measures ONE workload in a process of its own; started by bench/run.mjs (the suite) and
// bench/tour.mjs (the tour), one process per workload. A fresh process per workload keeps V8's
// type feedback and optimised code from one workload out of the next (the same loop compiled for
// 10-wide rows ran W5's 50,000-wide rows 1.5× slower than in a fresh process), and gives each
// workload fresh wasm memory and a fresh TensorFlow.js.
//
//   node bench/worker.mjs --workload=W1 [--scale=100 | --n=N] [--rounds=3] [--keys=a,b]
//     [--backends=cpu,wasm] [--timer=benchmark|calls] [--quick] [--budget-ms=120]
//
// Method: each contender runs once untimed (its result is checked against a float64 reference,
// and it warms up), then in `rounds` interleaved rounds, the order rotated each round; a
// measurement is a benchmark.js run (timer=benchmark) or single calls timed until budget-ms has
// passed (timer=calls). Reports to the parent over IPC: status / step / line messages while it
// runs, then one `result` message.
import os from 'node:os';
import Benchmark from 'benchmark';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo } from '../dist/index.js';
import { errorsOf, median, references, timed } from './common.mjs';
import { lineup, memory } from './lineup.mjs';
import { WORKLOADS, makeData } from './workloads.mjs';

const arg = (name, fallback) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : a.slice(name.length + 3);
};
const list = (s) => (s ? s.split(',').filter(Boolean) : null);
const w = WORKLOADS.find((x) => x.id === arg('workload'));
if (!w) throw new Error(`worker: unknown workload ${arg('workload')}`);
const quick = process.argv.includes('--quick');
const rounds = Number(arg('rounds', quick ? 1 : 3));
const timer = arg('timer', 'benchmark');
const budgetMs = Number(arg('budget-ms', 120));
const send = (message) => process.send?.(message);
const message = (error) => String(error?.message ?? error).split('\n')[0];

// tfjs 4.22 reads PROD only to silence its warnings (the "running in Node.js" banner); it
// changes no computation.
tf.enableProdMode();

function measureBenchmark(run) {
  const bench = new Benchmark(run, { minSamples: quick ? 1 : 2, maxTime: quick ? 0.05 : 1, initCount: 1 });
  bench.run();
  if (bench.error) throw bench.error;
  return bench.stats.sample;
}

function measureCalls(run) {
  const times = [];
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(budgetMs * 1e6));
  do {
    const t = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  } while (process.hrtime.bigint() - start < budget);
  return times;
}
const measure = timer === 'calls' ? measureCalls : measureBenchmark;

const load = os.loadavg()[0];
const started = process.hrtime.bigint();
send({ type: 'status', text: 'generating data' });
const n = arg('n') ? Number(arg('n')) : undefined;
const data = { current: makeData(w, { scale: Number(arg('scale', 1)), ...(n ? { n } : {}) }) };
const d = data.current;
const refs = references(w, d);
const { contenders, dispose } = lineup(w, data, { tfBackends: list(arg('backends', 'cpu,wasm')), keys: list(arg('keys')) });
const state = new Map(contenders.map((c) => [c, { rounds: [], failed: null, errors: null, growth: null }]));
const fail = (c, where, error) => {
  const s = state.get(c);
  s.failed ??= `${where}: ${message(error)}`;
  send({ type: 'line', text: `  ${w.id} ${c.name}: failed in ${s.failed}` });
};

// The check call: result against the reference, memory growth, warm-up.
for (const c of contenders) {
  send({ type: 'status', text: `check  ${c.name}` });
  try {
    await c.setup?.();
    const before = backendInfo().memoryBytes;
    const result = c.check ? c.check() : c.run();
    state.get(c).growth = backendInfo().memoryBytes - before;
    state.get(c).errors = errorsOf(c, result, refs);
  } catch (error) {
    fail(c, 'the check call', error);
  }
  send({ type: 'step' });
}

const shift = Math.max(1, Math.ceil(contenders.length / rounds));
for (let round = 0; round < rounds; round++) {
  const order = contenders.map((_, k) => contenders[(k + round * shift) % contenders.length]);
  for (const [position, c] of order.entries()) {
    const s = state.get(c);
    send({ type: 'status', text: `round ${round + 1}/${rounds}  ${c.name}` });
    if (!s.failed) {
      try {
        await c.setup?.();
        const { value: sample, wall, cpuShare } = await timed(() => measure(c.run));
        s.rounds.push({ round: round + 1, position, nsPerSample: sample.map((t) => (t * 1e9) / d.n), wallSeconds: wall, cpuShare });
      } catch (error) {
        fail(c, `round ${round + 1}`, error);
      }
    }
    send({ type: 'step' });
  }
  send({ type: 'round', round: round + 1 });
}
dispose();

send({
  type: 'result',
  result: {
    id: w.id,
    title: w.title,
    n: d.n,
    classes: w.classes,
    grad: Boolean(w.grad),
    loadAverage1m: load,
    durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    // One-shot calls stream through fixed buffers: linear memory after their first calls,
    // before this workload's workspace exists, is their peak. Workspaces hold whole batches.
    oneShotWasmMemoryBytes: memory.oneShot ?? backendInfo().memoryBytes,
    finalWasmMemoryBytes: backendInfo().memoryBytes,
    contenders: contenders.map((c) => {
      const s = state.get(c);
      const all = s.rounds.flatMap((r) => r.nsPerSample);
      const ok = !s.failed && all.length > 0;
      return {
        key: c.key,
        name: c.name,
        role: c.role,
        backend: c.backend ?? null,
        input: c.exact === 'f32' ? 'Float32Array copy' : null,
        failed: s.failed,
        nsPerSample: ok ? median(all) : null,
        min: ok ? Math.min(...all) : null,
        max: ok ? Math.max(...all) : null,
        samples: all.length,
        roundMedians: s.rounds.map((r) => median(r.nsPerSample)),
        relativeError: s.errors?.loss ?? null,
        gradientRelativeError: s.errors?.grad ?? null,
        wasmMemoryGrowthBytes: s.growth,
        rounds: s.rounds,
      };
    }),
  },
});
// The parent may still be reading the result; let the channel drain before exiting.
process.disconnect?.();
