// The benchmark suite: `npm run bench` (full) or `npm run bench:quick` (small N, seconds).
// Contenders run in one process, interleaved round by round; each measurement is a
// benchmark.js run, and the report gives medians and the spread across all samples.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import Benchmark from 'benchmark';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { backendInfo, createWorkspace, focalLoss, wasmBuild } from '../dist/index.js';
import { gatherFloor, handFlat, reference, textbook, tfLoss } from './contenders.mjs';
import { renderMarkdown, renderSvg } from './report.mjs';
import { WORKLOADS, makeData } from './workloads.mjs';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const ROUNDS = quick ? 1 : 3;
const SCALE = quick ? 100 : 1;
const log = (line) => process.stderr.write(`${line}\n`);

async function useTf(name) {
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}

function contendersFor(w, d) {
  const opts = { gamma: w.gamma, alpha: d.alpha, fromLogits: w.fromLogits };
  const flatKind = d.flat.constructor.name;
  const list = [
    { name: `textbook loop (${d.nestedKind})`, role: 'textbook', run: () => textbook(d.yTrue, d.rows, w.gamma, d.alpha, w.fromLogits) },
    { name: `hand-written flat JS (${flatKind})`, role: 'hand', run: () => handFlat(d.yTrue, d.flat, w.classes, w.gamma, d.alpha, w.fromLogits) },
    { name: `focalLoss, JS path (${flatKind})`, role: 'js', run: () => focalLoss(d.yTrue, d.flat, { ...opts, backend: 'js' }) },
    { name: `focalLoss, wasm (${flatKind})`, role: 'wasm', run: () => focalLoss(d.yTrue, d.flat, { ...opts, backend: 'wasm' }) },
  ];
  if (w.nested) {
    list.push({ name: `focalLoss, JS path (${d.nestedKind})`, role: 'js-nested', run: () => focalLoss(d.yTrue, d.rows, { ...opts, backend: 'js' }) });
    list.push({ name: `focalLoss, wasm (${d.nestedKind})`, role: 'wasm-nested', run: () => focalLoss(d.yTrue, d.rows, { ...opts, backend: 'wasm' }) });
  }
  let ws = null;
  list.push({
    name: 'workspace kernel (wasm, data already in place)', role: 'workspace',
    setup: () => {
      if (ws) return;
      // Created after the one-shot contenders have run, so their memory bound is seen alone.
      oneShotMemory ??= backendInfo().memoryBytes;
      ws = createWorkspace({ rows: d.n, classes: w.classes, dtype: d.flat instanceof Float32Array ? 'f32' : 'f64', fromLogits: w.fromLogits });
      ws.predictions.set(d.flat);
      ws.labels.set(d.yTrue);
    },
    run: () => ws.loss(opts),
  });
  if (!w.fromLogits) {
    list.push({ name: 'p_t gather floor (read p_t only)', role: 'floor', run: () => gatherFloor(d.yTrue, d.flat, w.classes), noValue: true });
  }
  for (const backend of ['cpu', 'wasm']) {
    const tensors = {};
    const make = () => ({
      // tfjs takes no Float64Array: converting is part of what creating the tensor costs.
      pred: tf.tensor2d(d.flat instanceof Float64Array ? new Float32Array(d.flat) : d.flat, [d.n, w.classes]),
      labels: tf.tensor1d(d.yTrue, 'int32'),
      alpha: d.alpha ? tf.tensor1d(d.alpha) : null,
    });
    list.push({
      name: `TensorFlow.js ${backend}, tensor creation included`, role: 'tfjs', setup: () => useTf(backend),
      run: () => tf.tidy(() => { const t = make(); return tfLoss(t.pred, t.labels, t.alpha, w.gamma, w.fromLogits); }),
    });
    list.push({
      name: `TensorFlow.js ${backend}, tensors prebuilt`, role: 'tfjs-ops',
      setup: async () => { await useTf(backend); if (!tensors.pred) Object.assign(tensors, make()); },
      run: () => tfLoss(tensors.pred, tensors.labels, tensors.alpha, w.gamma, w.fromLogits),
      teardown: () => { for (const t of Object.values(tensors)) t?.dispose(); },
    });
  }
  return { list, dispose: () => ws?.dispose() };
}

function measure(run) {
  const bench = new Benchmark(run, { minSamples: quick ? 1 : 2, maxTime: quick ? 0.05 : 1, initCount: 1 });
  bench.run();
  if (bench.error) throw bench.error;
  return bench.stats.sample;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let oneShotMemory;
const results = [];
for (const w of WORKLOADS.filter((w) => !only || only.includes(w.id))) {
  log(`${w.id}: ${w.title}${quick ? ' (quick: N / 100)' : ''} — generating data`);
  const d = makeData(w, SCALE);
  const exact = reference(d.yTrue, d.flat, w.classes, w.gamma, d.alpha, w.fromLogits);
  const { list, dispose } = contendersFor(w, d);
  const samples = new Map(list.map((c) => [c, []]));
  const errors = new Map();
  for (const c of list) {
    try {
      await c.setup?.();
      const before = backendInfo().memoryBytes;
      const value = c.run();
      c.memoryGrowth = backendInfo().memoryBytes - before;
      if (!c.noValue) errors.set(c, Math.abs(value - exact) / Math.abs(exact));
    } catch (error) {
      c.failed = String(error?.message ?? error);
      log(`  ${c.name}: failed (${c.failed})`);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so that no contender always runs first or last.
    const order = list.map((_, k) => list[(k + round) % list.length]).filter((c) => !c.failed);
    for (const c of order) {
      await c.setup?.();
      samples.get(c).push(...measure(c.run));
      log(`  round ${round + 1}/${ROUNDS}  ${c.name}: ${((median(samples.get(c)) * 1e9) / d.n).toFixed(1)} ns/sample`);
    }
  }
  for (const c of list) c.teardown?.();
  dispose();
  results.push({
    id: w.id,
    title: w.title,
    n: d.n,
    classes: w.classes,
    contenders: list.map((c) => {
      const s = samples.get(c).map((t) => (t * 1e9) / d.n);
      return {
        name: c.name,
        role: c.role,
        failed: c.failed,
        nsPerSample: s.length ? median(s) : null,
        min: s.length ? Math.min(...s) : null,
        max: s.length ? Math.max(...s) : null,
        samples: s.length,
        relativeError: errors.get(c) ?? null,
        wasmMemoryGrowthBytes: c.memoryGrowth ?? null,
      };
    }),
  });
}

const report = {
  date: new Date().toISOString(),
  quick,
  rounds: ROUNDS,
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.arch()}` },
  node: process.version,
  v8: process.versions.v8,
  wasm: { ...backendInfo(), build: wasmBuild() === 'simd' ? 'SIMD (f64x2)' : wasmBuild() ?? 'unavailable' },
  // One-shot calls stream through fixed buffers: linear memory after them, before any
  // workspace exists, is their peak; each contender's growth during its first call is
  // listed per result (0 once the buffers exist). Workspaces hold whole batches on top.
  oneShotWasmMemoryBytes: oneShotMemory ?? backendInfo().memoryBytes,
  finalWasmMemoryBytes: backendInfo().memoryBytes,
  results,
};
const name = quick ? 'quick' : 'latest';
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(new URL(`./results/${name}.svg`, import.meta.url), renderSvg(report));
const markdown = renderMarkdown(report);
writeFileSync(new URL(`./results/${name}.md`, import.meta.url), markdown);
console.log(markdown);
