// The worker pool's benchmark (issue 11): createFocalLossPool with 1, 2, … workers (up to the
// core count) against the one-shot focalLoss on the main thread, on W2 (N × 10 probabilities,
// γ = 1.5, per-class α) and W4 (N × 10 Float32Array logits, γ = 2), N = 10,000,000, inputs on
// a SharedArrayBuffer (read in place by the workers). Contenders run interleaved, round by
// round, order rotated; the table gives medians. Run after `npm run build`:
//
//   node bench/pool.mjs [--n=10000000] [--rounds=5] [--max-workers=<cores>] [--quick] [--shared-only]
//
// --quick is N / 100 and 2 rounds. One more row times the most workers on the same batch in
// ordinary typed arrays, which the pool copies (--shared-only leaves it out). The load average is printed: on a shared machine other
// processes take cores from the workers, and the speed-ups shrink with them.
import os from 'node:os';
import { createFocalLossPool, focalLoss, wasmBuild } from '../dist/index.js';
import { random } from './random.mjs';

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.slice(name.length + 3));
};
const quick = process.argv.includes('--quick');
const copied = !process.argv.includes('--shared-only');
const cores = os.availableParallelism?.() ?? os.cpus().length;
const N = arg('n', quick ? 100_000 : 10_000_000);
const ROUNDS = arg('rounds', quick ? 2 : 5);
const MAX_WORKERS = arg('max-workers', cores);
const CLASSES = 10;
const log = (line) => process.stderr.write(`${line}\n`);

const shared = (Type, length) => new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));

function workload(id) {
  const rand = random(0x5eed + id.charCodeAt(1));
  const labels = shared(Int32Array, N);
  for (let i = 0; i < N; i++) labels[i] = Math.floor(rand() * CLASSES);
  if (id === 'W4') {
    const logits = shared(Float32Array, N * CLASSES);
    for (let k = 0; k < logits.length; k++) logits[k] = (rand() - 0.5) * 16;
    return { id, title: `${N.toLocaleString('en-US')} × ${CLASSES} Float32Array logits, γ = 2 (SharedArrayBuffer)`, labels, pred: logits, options: { gamma: 2, fromLogits: true } };
  }
  const p = shared(Float64Array, N * CLASSES);
  for (let i = 0; i < N; i++) {
    let total = 0;
    for (let c = 0; c < CLASSES; c++) total += p[i * CLASSES + c] = rand() ** 2 + 1e-3;
    for (let c = 0; c < CLASSES; c++) p[i * CLASSES + c] /= total;
  }
  const alpha = Array.from({ length: CLASSES }, (_, c) => 0.25 + (0.5 * c) / CLASSES);
  return { id, title: `${N.toLocaleString('en-US')} × ${CLASSES} Float64Array probabilities, γ = 1.5, per-class α (SharedArrayBuffer)`, labels, pred: p, options: { gamma: 1.5, alpha } };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fixed = (x, d = 2) => x.toFixed(d);
const loads = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

const pools = [];
for (let w = 1; w <= MAX_WORKERS; w++) pools.push(createFocalLossPool({ workers: w }));
await Promise.all(pools.map((p) => p.ready()));

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} logical cores (available parallelism ${cores}), ${fixed(os.totalmem() / 2 ** 30, 1)} GiB, ${os.platform()} ${os.arch()}`;
const engine = `Node ${process.version} (V8 ${process.versions.v8}); wasm kernel: ${wasmBuild()}; pool: ${JSON.stringify(pools[0].info())}`;
console.log(`Machine: ${machine}\n${engine}\nN = ${N.toLocaleString('en-US')}, ${ROUNDS} interleaved rounds, medians; load average at start: ${loads()}\n`);

for (const id of ['W2', 'W4']) {
  log(`${id}: generating inputs`);
  const w = workload(id);
  const contenders = [
    { name: 'focalLoss (one-shot, main thread)', workers: 0, run: async () => focalLoss(w.labels, w.pred, w.options) },
    ...pools.map((pool, k) => ({ name: `pool, ${k + 1} worker${k ? 's' : ''}`, workers: k + 1, run: () => pool.focalLoss(w.labels, w.pred, w.options) })),
  ];
  if (copied) {
    // The same batch in ordinary (not shared) typed arrays: the pool copies it to the workers, part by part.
    const labels = Int32Array.from(w.labels);
    const pred = w.pred.slice();
    const k = pools.length - 1;
    contenders.push({ name: `pool, ${k + 1} workers, non-shared input (copied)`, workers: k + 1, run: () => pools[k].focalLoss(labels, pred, w.options) });
  }
  // Warm-up (and the equality check): every contender once.
  const reference = await contenders[0].run();
  let maxRel = 0;
  for (const c of contenders.slice(1)) maxRel = Math.max(maxRel, Math.abs((await c.run()) - reference) / Math.abs(reference));
  const times = contenders.map(() => []);
  const roundLoads = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const k = (j + r) % contenders.length;
      const t = performance.now();
      await contenders[k].run();
      times[k].push(performance.now() - t);
    }
    roundLoads.push(os.loadavg()[0]);
    log(`${id}: round ${r + 1}/${ROUNDS} done (1-min load ${fixed(os.loadavg()[0])})`);
  }
  const oneShot = median(times[0]);
  const single = median(times[1]);
  console.log(`## ${id}: ${w.title}\n`);
  console.log('| contender | median ms | min–max ms | ns/row | vs 1 worker | vs one-shot | efficiency |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  contenders.forEach((c, k) => {
    const m = median(times[k]);
    const range = `${fixed(Math.min(...times[k]), 0)}–${fixed(Math.max(...times[k]), 0)}`;
    const vsSingle = c.workers === 0 ? '–' : `${fixed(single / m)}×`;
    const efficiency = c.workers === 0 ? '–' : `${fixed((100 * single) / m / c.workers, 0)} %`;
    console.log(`| ${c.name} | ${fixed(m, 1)} | ${range} | ${fixed((m * 1e6) / N, 1)} | ${vsSingle} | ${fixed(oneShot / m)}× | ${efficiency} |`);
  });
  console.log(`\nLargest relative difference from the one-shot result: ${maxRel.toExponential(2)}; 1-min load average during the rounds: ${roundLoads.map((l) => fixed(l)).join(', ')}.\n`);
}
console.log('efficiency = (1-worker time / n-worker time) / n workers.');
await Promise.all(pools.map((p) => p.close()));
