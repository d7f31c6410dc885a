// The quick tour (`npm start`): every workload once, at a size that still shows the steady state,
// against the textbook loop, a hand-written loop and TensorFlow.js; about a minute on a 2-core
// machine. One table at the end; `npm run bench` is the full suite (all contenders, full N,
// benchmark.js, JSON/Markdown/SVG).
//
// Method: each workload in a process of its own (bench/worker.mjs); each contender runs once
// untimed (its result is checked against a float64 reference, and it warms up), then in 3
// interleaved rounds (the order rotated each round), each round timing single calls until
// BUDGET_MS have passed; the table gives the median call.
import { busyWarning, describeEnvironment, environment, median, progress, runWorker } from './common.mjs';
import { WRONG } from './report.mjs';
import { WORKLOADS } from './workloads.mjs';

const ROUNDS = 3;
const BUDGET_MS = 100;
// Tour sizes. Probabilities are bound by memory: their rows stay far beyond the last-level cache
// (W1, W2: 80 MB; W3: 160 MB). W3 is the exception to "same cost per sample as at full size": at
// its full 200,000 rows (1.6 GB) page walks add up and a row costs ~3× what it costs at 20,000,
// but generating 1.6 GB takes ~20 s on a VM where fresh memory is slow; the table says so.
// Logits are bound by exp, not memory: their N keeps each library call above ~20 ms (G1 and G2
// also keep TensorFlow.js's tf.grad, seconds per call at full size, within the minute).
// D1, D2 (segmentation maps) run at their full 4 × 19 × 256 × 256.
const TOUR_N = { W1: 1_000_000, W2: 1_000_000, W3: 20_000, W4: 500_000, W5: 200, G1: 250_000, G2: 1024, D1: 262_144, D2: 262_144 };
const COLUMNS = [
  ['textbook', 'textbook'],
  ['hand', 'hand'],
  ['js', 'lib JS'],
  ['wasm', 'lib wasm'],
  ['tfjs-wasm', 'TF.js'],
];
const KEYS = COLUMNS.map(([key]) => key);
// Maps also run the library on the same data channels-last, for the channels-first / channels-last line.
const MAP_KEYS = [...KEYS, 'wasm-last'];
const label = (w, n) => {
  const what = w.grad ? 'logits, loss + grad' : w.fromLogits ? 'logits' : 'probabilities';
  if (w.asymmetric) return `${w.id} ${n.toLocaleString('en-US')}×${w.classes} logits, asymmetric loss + grad, γ₋=${w.asymmetric.gammaNeg}`;
  if (w.map) return `${w.id} ${w.map.join('×')} NCHW${w.grad ? ', loss + grad' : ' logits'}, γ=${w.gamma}`;
  return `${w.id} ${n.toLocaleString('en-US')}×${w.classes.toLocaleString('en-US')} ${what}, γ=${w.gamma}${w.alpha ? ', α' : ''}`;
};

const p = progress();
const env = await environment();
/** Text broken at spaces into lines of at most WIDTH columns: every line of the tour fits a terminal of 120. */
const WIDTH = 120;
function wrap(text) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] !== '' && lines[last].length + 1 + word.length > WIDTH) lines.push(word);
    else lines[last] = lines[last] === '' ? word : `${lines[last]} ${word}`;
  }
  return lines.join('\n');
}

p.line('focal-loss-wasm: focal loss and its gradient for JavaScript, in float64, by a WebAssembly kernel (a JS fallback alike).');
p.line(wrap('This tour times each workload against a textbook loop, a hand-written loop and TensorFlow.js, then prints one ' +
  'table: time per sample of each, how many times faster the library\'s wasm kernel is, and each result\'s error.'));
p.line(wrap(`Machine: ${describeEnvironment(env)}`));
const busy = busyWarning();
if (busy) p.line(wrap(busy));

const started = performance.now();
const rows = [];
const shares = [];
// A1 (what diagnostics cost) and P1, P2 (what Poly-1 costs) compare the library with itself: npm run bench has them.
const TOUR = WORKLOADS.filter((w) => !w.accumulator && !w.poly1);
for (const [index, w] of TOUR.entries()) {
  const n = TOUR_N[w.id] ?? Math.round(w.n / 10);
  const head = `[${index + 1}/${TOUR.length}] ${label(w, n)}`;
  p.status(`${head}: starting`);
  p.plain(head);
  // One process per workload (see bench/worker.mjs), single calls timed for BUDGET_MS a round.
  const { result, failure } = await runWorker(
    [`--workload=${w.id}`, `--n=${n}`, `--rounds=${ROUNDS}`, '--timer=calls', `--budget-ms=${BUDGET_MS}`, '--backends=wasm', `--keys=${(w.map ? MAP_KEYS : KEYS).join(',')}`],
    { status: (text) => p.status(`${head}: ${text}`), line: (text) => p.line(text) },
  );
  if (!result) p.line(`  ${w.id}: ${failure}`);
  else p.plain(`  done in ${result.durationSeconds.toFixed(1)} s`);
  const cells = {};
  for (const c of result?.contenders ?? []) {
    cells[c.key] = { failed: c.failed, ns: c.nsPerSample, errors: { loss: c.relativeError, grad: c.gradientRelativeError } };
    shares.push(...c.rounds.map((r) => r.cpuShare).filter((x) => x !== null));
  }
  if (!result) for (const key of KEYS) cells[key] = { failed: failure, ns: null, errors: null };
  rows.push({ w, n, cells });
}
p.done();

// --- The table ---------------------------------------------------------------------------------
const fmt = (x) => (x === null ? '–' : x < 10 ? x.toFixed(2) : x < 1e5 ? x.toFixed(1) : x.toExponential(2));
const err = (e) => (e === null || e === undefined ? '–' : Number.isNaN(e) ? 'NaN!' : e === 0 ? '0' : e < 1e-15 ? '<1e-15' : `${e.toExponential(0)}${e > WRONG ? '!' : ''}`);
const ratio = (base, x) => (base && x ? `${(base / x).toFixed(base / x < 10 ? 2 : 1)}×` : '–');
const header = ['workload', ...COLUMNS.map(([, t]) => t), 'vs textbook', 'vs hand', 'vs TF.js'];
const table = [header];
for (const r of rows) {
  const cell = (key) => r.cells[key] ?? null;
  const time = (key) => (cell(key)?.failed ? 'failed' : fmt(cell(key)?.ns ?? null));
  const wasm = cell('wasm')?.ns ?? null;
  table.push([label(r.w, r.n), ...KEYS.map(time), ratio(cell('textbook')?.ns, wasm), ratio(cell('hand')?.ns, wasm), ratio(cell('tfjs-wasm')?.ns, wasm)]);
  const errors = (pick) => KEYS.map((key) => (cell(key)?.errors ? err(pick(cell(key).errors)) : '–'));
  if (r.w.grad) {
    table.push(['  rel. error, loss', ...errors((e) => e.loss), '', '', '']);
    table.push(['  rel. error, gradient', ...errors((e) => e.grad), '', '', '']);
  } else {
    table.push(['  rel. error', ...errors((e) => e.loss), '', '', '']);
  }
}
const widths = header.map((_, k) => Math.max(...table.map((row) => row[k].length)));
const line = (row) => row.map((s, k) => (k === 0 ? s.padEnd(widths[k]) : s.padStart(widths[k]))).join('  ');
const seconds = (performance.now() - started) / 1000;
const share = median(shares);
const out = [
  '',
  wrap(`ns per sample (D1, D2: per pixel; W5: per 50,000-wide row), median of ${ROUNDS} interleaved rounds, lower is better. ` +
    'Columns: the textbook loop, a hand-written loop, the library\'s JS path and wasm kernel, TensorFlow.js on its wasm backend ' +
    '(creating the tensors included; for G1, G2, D2 also tf.grad and reading the gradient back); ratios: the other\'s time / ' +
    'lib wasm\'s.'),
  '',
  line(header),
  ...table.slice(1).map(line),
  '',
  wrap(`W3 runs at ${TOUR_N.W3.toLocaleString('en-US')} rows here; at its full 200,000 rows (1.6 GB, npm run bench) every ` +
    'contender pays more per row. D1, D2: TF.js computes a softmaxCrossEntropy-based focal loss on the tensor transposed ' +
    'to channels-last.'),
  ...rows.filter((r) => r.w.map).map((r) => {
    const [first, last] = [r.cells.wasm?.ns, r.cells['wasm-last']?.ns];
    const ratio = first && last ? `${(first / last).toFixed(2)}×` : '–';
    return `${r.w.id}: channels-first takes ${ratio} the time of the same data channels-last (target ≤ 1.3×).`;
  }),
  wrap(`Relative error against a float64 reference: loss |x − ref| / |ref|; gradient max |g − ref| / max |ref|` +
    `${table.some((row) => row.some((s) => s.endsWith('!'))) ? '; ! marks a wrong result (> 1e-3)' : ''}.`),
  wrap(`${describeEnvironment(env)}.`),
  wrap(`Took ${seconds.toFixed(0)} s; CPU share while timing: median ${share?.toFixed(2) ?? '–'}, ` +
    `min ${shares.length ? Math.min(...shares).toFixed(2) : '–'}` +
    (shares.length && Math.min(...shares) < 0.9 ? ' ⚠ other processes took CPU time: some times are inflated.' : ' (1 = a core to itself).')),
  'Full suite (all contenders and workloads, full N, spreads, JSON/Markdown/SVG): npm run bench',
  '',
];
console.log(out.join('\n'));
