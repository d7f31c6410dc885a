// The benchmark suite: `npm run bench` (full), `npm run bench:quick` (N / 100, seconds; CI),
// `node bench/run.mjs --only=W1,G1` (some workloads). Runs unchanged under other Node versions
// (`npx -y node@24 bench/run.mjs`); results go to bench/results/<kind>-node<major>.{json,md,svg}
// (kind: latest, quick, only), and bench/merge.mjs combines a Node 20 and a Node 24 run.
//
// Method: every contender runs once untimed first (its result is checked against a float64
// reference, and it warms up), then in ROUNDS interleaved rounds (the order rotated each round,
// so that no contender always runs first or last, or always after the same neighbour); each
// measurement is a benchmark.js run. The report gives medians and the min–max spread over all
// samples; the JSON also keeps every round's samples, position and CPU share.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import Benchmark from 'benchmark';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo } from '../dist/index.js';
import { bar, busyWarning, clock, describeEnvironment, environment, errorsOf, median, progress, references, stem, timed } from './common.mjs';
import { lineup, memory } from './lineup.mjs';
import { renderMarkdown, renderSvg } from './report.mjs';
import { WORKLOADS, makeData } from './workloads.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice(7).split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : null;
const unknown = args.filter((a) => a !== '--quick' && !a.startsWith('--only='));
const missing = (only ?? []).filter((id) => !WORKLOADS.some((w) => w.id === id));
if (unknown.length || missing.length || (only && !only.length)) {
  console.error(
    `usage: node bench/run.mjs [--quick] [--only=${WORKLOADS.map((w) => w.id).join(',')}]` +
      (missing.length ? `\nunknown workload(s): ${missing.join(', ')}` : '') +
      (unknown.length ? `\nunknown argument(s): ${unknown.join(' ')}` : ''),
  );
  process.exit(2);
}
const ROUNDS = quick ? 1 : 3;
const SCALE = quick ? 100 : 1;
// tfjs 4.22 reads PROD only to silence its warnings (the "running in Node.js" banner would
// break the progress line); it changes no computation.
tf.enableProdMode();

const p = progress();
// Before any data exists: the fresh-memory probe then sees the machine as it starts.
const env = await environment();
const selected = WORKLOADS.filter((w) => !only || only.includes(w.id));
const plans = selected.map((w) => {
  const data = { current: null };
  return { w, data, ...lineup(w, data) };
});
// Steps: each contender's check call, then one measurement per round.
const totalSteps = plans.reduce((s, plan) => s + plan.contenders.length * (ROUNDS + 1), 0);
let step = 0;
const started = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
const show = (what) => p.status(`${bar(step / totalSteps)} ${String(Math.round((100 * step) / totalSteps)).padStart(3)}%  ${clock(elapsed())}  ${what}`);

function measure(run) {
  const bench = new Benchmark(run, { minSamples: quick ? 1 : 2, maxTime: quick ? 0.05 : 1, initCount: 1 });
  bench.run();
  if (bench.error) throw bench.error;
  return bench.stats.sample;
}

const message = (error) => String(error?.message ?? error).split('\n')[0];
const loadStart = os.loadavg();
const busy = busyWarning();
if (busy) p.line(busy);
p.line(`focal-loss-wasm benchmark suite${quick ? ' (quick: N / 100, 1 round)' : `, ${ROUNDS} interleaved rounds`}: ${selected.map((w) => w.id).join(', ')}`);

const results = [];
for (const { w, data, contenders, dispose } of plans) {
  show(`${w.id}: generating data`);
  p.plain(`${w.id}: ${w.title} — generating data (${clock(elapsed())})`);
  const load = os.loadavg()[0];
  const d = (data.current = makeData(w, { scale: SCALE }));
  const refs = references(w, d);
  const state = new Map(contenders.map((c) => [c, { rounds: [], failed: null, errors: null, growth: null }]));
  const fail = (c, where, error) => {
    const s = state.get(c);
    s.failed ??= `${where}: ${message(error)}`;
    p.line(`  ${w.id} ${c.name}: failed in ${s.failed}`);
  };

  // The check call: result against the reference, memory growth, warm-up.
  for (const c of contenders) {
    show(`${w.id} check  ${c.name}`);
    try {
      await c.setup?.();
      const before = backendInfo().memoryBytes;
      const result = c.check ? c.check() : c.run();
      state.get(c).growth = backendInfo().memoryBytes - before;
      state.get(c).errors = errorsOf(c, result, refs);
    } catch (error) {
      fail(c, 'the check call', error);
    }
    step++;
  }

  const shift = Math.max(1, Math.ceil(contenders.length / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    const order = contenders.map((_, k) => contenders[(k + round * shift) % contenders.length]);
    for (const [position, c] of order.entries()) {
      const s = state.get(c);
      show(`${w.id} round ${round + 1}/${ROUNDS}  ${c.name}`);
      if (!s.failed) {
        try {
          await c.setup?.();
          const { value: sample, wall, cpuShare } = await timed(() => measure(c.run));
          s.rounds.push({ round: round + 1, position, nsPerSample: sample.map((t) => (t * 1e9) / d.n), wallSeconds: wall, cpuShare });
        } catch (error) {
          fail(c, `round ${round + 1}`, error);
        }
      }
      step++;
    }
    p.plain(`  ${w.id} round ${round + 1}/${ROUNDS} done (${clock(elapsed())})`);
  }
  dispose();
  data.current = null;

  results.push({
    id: w.id,
    title: w.title,
    n: d.n,
    classes: w.classes,
    grad: Boolean(w.grad),
    loadAverage1m: load,
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
  });
}
p.done();

const shares = results.flatMap((r) => r.contenders.flatMap((c) => c.rounds.map((x) => x.cpuShare))).filter((x) => x !== null);
const report = {
  date: new Date().toISOString(),
  quick,
  only,
  rounds: ROUNDS,
  ...env,
  load: {
    // Load averages include this process; CPU share is CPU time / wall time of each measurement
    // (1 = it had a core to itself; below 1, other processes took the CPU and the times are inflated).
    loadAverageStart: loadStart,
    loadAverageEnd: os.loadavg(),
    cpuShareMedian: median(shares),
    cpuShareMin: shares.length ? Math.min(...shares) : null,
  },
  durationSeconds: elapsed(),
  // One-shot calls stream through fixed buffers: linear memory after them, before any
  // workspace exists, is their peak; each contender's growth during its first call is
  // listed per result (0 once the buffers exist). Workspaces hold whole batches on top.
  oneShotWasmMemoryBytes: memory.oneShot ?? backendInfo().memoryBytes,
  finalWasmMemoryBytes: backendInfo().memoryBytes,
  results,
};

const name = stem(quick ? 'quick' : only ? 'only' : 'latest');
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(new URL(`${name}.svg`, dir), renderSvg([report]));
const markdown = renderMarkdown(report);
writeFileSync(new URL(`${name}.md`, dir), markdown);
console.log(markdown);
p.line(`${describeEnvironment(report)}`);
p.line(`done in ${clock(elapsed())}; wrote bench/results/${name}.{json,md,svg}` + (name.startsWith('latest') ? '; combine Node versions with: node bench/merge.mjs' : ''));
