// The benchmark suite: `npm run bench` (full), `npm run bench:quick` (N / 100, seconds; CI),
// `node bench/run.mjs --only=W1,G1` (some workloads). Runs unchanged under other Node versions
// (`npx -y node@24 bench/run.mjs`); results go to bench/results/<kind>-node<major>.{json,md,svg}
// (kind: latest, quick, only), and bench/merge.mjs combines a Node 20 and a Node 24 run.
//
// Each workload runs in a process of its own (bench/worker.mjs: method and reasons there): every
// contender once untimed, its result checked against a float64 reference, then ROUNDS interleaved
// rounds with the order rotated, each measurement a benchmark.js run. The report gives medians
// and the min–max spread over all samples; the JSON also keeps every round's samples, position
// and CPU share. A contender that throws is reported as failed; so is a whole workload whose
// process dies (out of memory, say), and the suite goes on.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { bar, busyWarning, clock, describeEnvironment, environment, median, progress, runWorker, stem } from './common.mjs';
import { lineup } from './lineup.mjs';
import { renderMarkdown, renderSvg } from './report.mjs';
import { WORKLOADS } from './workloads.mjs';

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

const p = progress();
// Before any data exists: the fresh-memory probe then sees the machine as it starts.
const env = await environment();
const selected = WORKLOADS.filter((w) => !only || only.includes(w.id));
// The contenders of each workload, listed here only to count the steps of the progress bar
// (and to name them if a workload's process dies): one check call, then one measurement a round.
const listed = new Map(selected.map((w) => [w, lineup(w, { current: null }).contenders]));
const totalSteps = selected.reduce((s, w) => s + listed.get(w).length * (ROUNDS + 1), 0);
let step = 0;
const started = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
const show = (what) => p.status(`${bar(step / totalSteps)} ${String(Math.round((100 * step) / totalSteps)).padStart(3)}%  ${clock(elapsed())}  ${what}`);

const loadStart = os.loadavg();
const busy = busyWarning();
if (busy) p.line(busy);
p.line(`focal-loss-wasm benchmark suite${quick ? ' (quick: N / 100, 1 round)' : `, ${ROUNDS} interleaved rounds`}: ${selected.map((w) => w.id).join(', ')}`);

const results = [];
for (const w of selected) {
  const stepsBefore = step;
  show(`${w.id}: starting`);
  p.plain(`${w.id}: ${w.title} (${clock(elapsed())})`);
  const { result, failure } = await runWorker([`--workload=${w.id}`, `--rounds=${ROUNDS}`, `--scale=${quick ? 100 : 1}`, ...(quick ? ['--quick'] : [])], {
    status: (text) => show(`${w.id} ${text}`),
    step: () => {
      step++;
    },
    line: (text) => p.line(text),
    round: (k) => p.plain(`  ${w.id} round ${k}/${ROUNDS} done (${clock(elapsed())})`),
  });
  step = stepsBefore + listed.get(w).length * (ROUNDS + 1);
  if (result) {
    results.push(result);
    continue;
  }
  p.line(`  ${w.id}: ${failure}`);
  results.push({
    id: w.id,
    title: w.title,
    n: w.n,
    classes: w.classes,
    grad: Boolean(w.grad),
    failed: failure,
    contenders: listed.get(w).map((c) => ({ key: c.key, name: c.name, role: c.role, backend: c.backend ?? null, failed: failure, nsPerSample: null, min: null, max: null, samples: 0, rounds: [] })),
  });
}
p.done();

const shares = results.flatMap((r) => r.contenders.flatMap((c) => c.rounds.map((x) => x.cpuShare))).filter((x) => x !== null);
const bytes = (key) => results.map((r) => r[key]).filter((x) => typeof x === 'number');
const report = {
  date: new Date().toISOString(),
  quick,
  only,
  rounds: ROUNDS,
  isolation: 'one process per workload',
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
  // The largest linear memory any workload's one-shot calls needed (per workload in results).
  oneShotWasmMemoryBytes: bytes('oneShotWasmMemoryBytes').length ? Math.max(...bytes('oneShotWasmMemoryBytes')) : null,
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
p.line(describeEnvironment(report));
p.line(`done in ${clock(elapsed())}; wrote bench/results/${name}.{json,md,svg}` + (name.startsWith('latest') ? '; combine Node versions with: node bench/merge.mjs' : ''));
