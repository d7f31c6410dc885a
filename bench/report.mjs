// Renders benchmark reports (the JSON that bench/run.mjs writes): the Markdown of one run,
// the README table of one or more runs (bench/merge.mjs: a Node 20 and a Node 24 run), and
// an SVG bar chart. Everything here is computed from the JSON.
import { WORKLOADS } from './workloads.mjs';

const WORKLOAD_N = Object.fromEntries(WORKLOADS.map((w) => [w.id, w.n]));

/** A relative error this large means the contender computes something else (a bug), not rounding. */
export const WRONG = 1e-3;

const fmt = (x, digits = 1) => (x === null || x === undefined ? '–' : x < 10 ? x.toFixed(digits + 1) : x.toFixed(digits));
const times = (r) => (r === null ? '–' : `${r.toFixed(r < 10 ? 2 : 1)}×`);
const err = (e) => {
  if (e === null || e === undefined) return '–';
  if (Number.isNaN(e)) return 'NaN ⚠ wrong';
  const s = e === 0 ? '0' : e < 1e-15 ? '< 1e-15' : e.toExponential(1);
  return e > WRONG ? `${s} ⚠ wrong` : s;
};
const major = (report) => `Node ${report.node.replace(/^v/, '').split('.')[0]}`;

const find = (result, key) => result?.contenders.find((c) => c.key === key) ?? null;
const ns = (c) => (c && !c.failed && c.nsPerSample ? c.nsPerSample : null);
/** How many times faster `c` is than `base` (> 1: faster), or null. */
const speedup = (result, key, baseKey) => {
  const x = ns(find(result, key));
  const base = ns(find(result, baseKey));
  return x && base ? base / x : null;
};

/** The targets of the performance issues: `key` at least `min` times as fast as `vs`. */
export const TARGETS = [
  ...['G1', 'G2'].flatMap((id) => [
    { id, key: 'wasm', vs: 'hand', min: 2.5, label: 'focalLossGrad wasm vs the hand-written loop' },
    { id, key: 'workspace', vs: 'hand', min: 2.5, label: 'workspace lossAndGrad vs the hand-written loop' },
    { id, key: 'wasm', vs: 'tfjs-wasm', min: 10, label: 'focalLossGrad wasm vs TF.js wasm tf.grad (tensors created)' },
    { id, key: 'workspace', vs: 'tfjs-wasm', min: 10, label: 'workspace lossAndGrad vs TF.js wasm tf.grad (tensors created)' },
    // The stricter reading: TF.js with its tensors prebuilt and the gradient left in a tensor.
    { id, key: 'wasm', vs: 'tfjs-wasm-prebuilt', min: 10, label: 'focalLossGrad wasm vs TF.js wasm tf.grad (tensors prebuilt, gradient left in a tensor)' },
    { id, key: 'workspace', vs: 'tfjs-wasm-prebuilt', min: 10, label: 'workspace lossAndGrad vs TF.js wasm tf.grad (tensors prebuilt, gradient left in a tensor)' },
  ]),
  ...['D1', 'D2'].flatMap((id) => [
    // ≥ 0.77× as fast: at most 1.3× the time.
    { id, key: 'wasm', vs: 'wasm-last', min: 0.77, label: 'channels-first (NCHW) within 1.3× the time of the same data channels-last' },
    { id, key: 'wasm', vs: 'hand', min: 2.5, label: 'channels-first: the library wasm vs a hand-written JS loop over NCHW' },
  ]),
  { id: 'D2', key: 'wasm', vs: 'tfjs-wasm', min: 3, label: 'NCHW loss + gradient vs TF.js wasm softmaxCrossEntropy focal loss + tf.grad on the transposed tensor' },
  { id: 'W1', key: 'wasm-f32', vs: 'tfjs-wasm-f32', min: 10, label: 'Float32Array: focalLoss wasm vs TF.js wasm (tensors created)' },
  { id: 'W1', key: 'wasm', vs: 'hand', min: 1.5, label: 'Float64Array: focalLoss wasm vs the hand-written loop' },
  { id: 'W1', key: 'wasm-nested', vs: 'textbook', min: 1.3, label: 'number[][]: focalLoss wasm vs the textbook loop (≥ 1.5× on Node 24)' },
  { id: 'W2', key: 'wasm', vs: 'hand', min: 4, label: 'focalLoss wasm vs the hand-written loop' },
  { id: 'W4', key: 'wasm', vs: 'hand', min: 2.5, label: 'Float32Array logits: focalLoss wasm vs the hand-written loop' },
  { id: 'W5', key: 'wasm', vs: 'hand', min: 3, label: '50,000-wide logit rows: focalLoss wasm vs the hand-written loop' },
  { id: 'M1', key: 'wasm', vs: 'hand', min: 3, label: 'asymmetricLossGrad wasm vs the hand-written loop' },
  { id: 'M1', key: 'wasm', vs: 'tfjs-wasm', min: 5, label: 'asymmetricLossGrad wasm vs TF.js wasm from ops (tensors created)' },
  // Poly-1 costs at most 1.1× the plain focal loss: the plain call at most 1.1× as fast.
  ...['P1', 'P2'].map((id) => ({ id, key: 'wasm', vs: 'wasm-plain', min: 0.91, label: 'wasm with Poly-1 vs without (at most 1.1× the time)' })),
  // Diagnostics may cost up to 1.5× the plain update: the plain one at most 1.5× as fast.
  { id: 'A1', key: 'accumulator-wasm-diagnostics', vs: 'accumulator-wasm', min: 0.667, label: 'an accumulator with diagnostics vs without (at most 1.5× its time)' },
];

/** The README's columns: contender key, heading. */
const README_COLUMNS = [
  ['textbook', 'textbook loop'],
  ['hand', 'hand-written flat JS'],
  ['js', 'library, JS path'],
  ['wasm', 'library, wasm'],
  ['wasm-nested', 'library, wasm, number[][]'],
  ['workspace', 'workspace'],
  ['tfjs-wasm', 'TF.js wasm'],
];

/**
 * The README's one table: per workload, the main contenders' median ns/sample under each run
 * ("Node 20 / Node 24"), and the wasm path's speed-up over the hand-written loop and TF.js.
 */
export function renderSummary(reports) {
  const one = (v) => (v === null ? '–' : v >= 10_000 ? Math.round(v).toLocaleString('en-US') : fmt(v));
  const cell = (values) => (values.every((v) => v === null) ? '–' : values.map(one).join(' / '));
  const ratio = (values) => (values.every((v) => v === null) ? '–' : values.map((v) => (v === null ? '–' : times(v))).join(' / '));
  const lines = [
    `| workload | ${README_COLUMNS.map(([, h]) => h).join(' | ')} | wasm vs hand-written | wasm vs TF.js wasm |`,
    `|---|${README_COLUMNS.map(() => '---:').join('|')}|---:|---:|`,
  ];
  const ids = [...new Set(reports.flatMap((r) => r.results.map((x) => x.id)))];
  for (const id of ids) {
    const results = reports.map((r) => r.results.find((x) => x.id === id) ?? null);
    const cells = README_COLUMNS.map(([key]) => cell(results.map((r) => ns(find(r, key)))));
    lines.push(`| ${id} | ${cells.join(' | ')} | ${ratio(results.map((r) => speedup(r, 'wasm', 'hand')))} | ${ratio(results.map((r) => speedup(r, 'wasm', 'tfjs-wasm')))} |`);
  }
  return `${lines.join('\n')}\n`;
}

function targetRows(reports) {
  const rows = [];
  for (const t of TARGETS) {
    const first = reports.map((r) => r.results.find((x) => x.id === t.id)).find(Boolean);
    if (!first) continue;
    if (!find(first, t.key) || !find(first, t.vs)) continue;
    const cells = reports.map((r) => {
      const ratio = speedup(r.results.find((x) => x.id === t.id), t.key, t.vs);
      return ratio === null ? '–' : `${times(ratio)} ${ratio >= t.min ? '✓' : '✗'}`;
    });
    rows.push(`| ${t.id}: ${t.label} | ≥ ${t.min}× | ${cells.join(' | ')} |`);
  }
  if (!rows.length) return [];
  return [
    `| target | wanted | ${reports.map(major).join(' | ')} |`,
    `|---|---:|${reports.map(() => '---:').join('|')}|`,
    ...rows,
  ];
}

/** The first-touch cost of fresh memory, when the run measured it. */
const fresh = (m) => (m.freshPageNs ? ` (first touch of fresh memory: ${m.freshPageNs >= 1000 ? `${(m.freshPageNs / 1000).toFixed(1)} µs` : `${m.freshPageNs} ns`} per 4 KiB page)` : '');

function machineLine(report) {
  const m = report.machine;
  const t = report.tfjs ?? {};
  const tfw = t.wasmSimd === null || t.wasmSimd === undefined ? '' : ` (wasm backend: ${t.wasmSimd ? 'SIMD' : 'no SIMD'}, ${t.wasmThreads ? 'threaded' : 'one thread'})`;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}${fresh(m)}; Node ${report.node} (V8 ${report.v8}); ` +
    `wasm kernel: ${report.wasm.build}; TensorFlow.js ${t.version ?? '?'}${tfw}`;
}

function loadLine(report) {
  const l = report.load;
  if (!l) return '';
  const share = l.cpuShareMedian === null ? '–' : `median ${l.cpuShareMedian.toFixed(2)}, min ${l.cpuShareMin.toFixed(2)}`;
  const warn = l.cpuShareMin !== null && l.cpuShareMin < 0.9
    ? ' ⚠ Other processes took CPU time during some measurements: those times are inflated (per-round CPU shares are in the JSON).'
    : '';
  return `Load average ${l.loadAverageStart[0].toFixed(2)} at the start, ${l.loadAverageEnd[0].toFixed(2)} at the end; ` +
    `CPU share of the measurements (CPU time / wall time; 1 = a core to itself): ${share}.${warn}`;
}

const SUMMARY = [
  ['textbook', 'textbook loop'],
  ['hand', 'hand-written flat JS'],
  ['js', 'library, JS path'],
  ['wasm', 'library, wasm'],
  ['wasm-nested', 'library, wasm (nested)'],
  ['workspace', 'workspace'],
  ['floor', 'p_t read floor'],
  ['tfjs-wasm', 'TF.js wasm (tensors created)'],
  ['tfjs-cpu', 'TF.js cpu (tensors created)'],
];

/** The Markdown of one run: summary, targets, one table per workload. */
export function renderMarkdown(report) {
  const lines = [
    `Machine: ${machineLine(report)}.`,
    `${report.rounds} interleaved round(s)${report.quick ? ', quick mode (N / 100)' : ''}; ${report.date}; ` +
      `took ${Math.round(report.durationSeconds ?? 0)} s.`,
    loadLine(report),
    report.oneShotWasmMemoryBytes ? `wasm linear memory for one-shot calls: at most ${(report.oneShotWasmMemoryBytes / 2 ** 20).toFixed(2)} MiB on any workload (workspaces add their batch).` : '',
    report.isolation ? `Each workload ran in a process of its own (no JIT state, wasm memory or TensorFlow.js state carried from one to the next).` : '',
    '',
    'Median ns per sample (lower is better); the full tables follow.',
    '',
    `| workload | ${SUMMARY.map(([, title]) => title).join(' | ')} |`,
    `|---|${SUMMARY.map(() => '---:').join('|')}|`,
    ...report.results.map((r) => `| ${r.id} | ${SUMMARY.map(([key]) => fmt(ns(find(r, key)))).join(' | ')} |`),
    '',
  ];
  const targets = targetRows([report]);
  if (targets.length) lines.push('Targets (speed-up = the other time / this time):', '', ...targets, '');
  for (const r of report.results) {
    lines.push(`**${r.id}**: ${r.title} (N = ${r.n.toLocaleString('en-US')})`, '');
    if (r.failed) {
      lines.push(`Failed: ${r.failed}.`, '');
      continue;
    }
    const errCols = r.grad ? ' rel. error (loss) | rel. error (gradient) |' : ' rel. error |';
    lines.push(`| contender | ns/sample (median) | spread (min–max) | vs hand-written | vs textbook | vs TF.js wasm (created) |${errCols}`);
    lines.push(`|---|---:|---:|---:|---:|---:|${r.grad ? '---:|---:|' : '---:|'}`);
    for (const c of r.contenders) {
      if (c.failed) {
        lines.push(`| ${c.name} | failed in ${c.failed} | | | | |${r.grad ? ' | |' : ' |'}`);
        continue;
      }
      // The Float32Array copy is compared with TF.js on the same copy.
      const vsTf = speedup(r, c.key, c.input ? 'tfjs-wasm-f32' : 'tfjs-wasm');
      const errs = r.grad ? ` ${err(c.relativeError)} | ${err(c.gradientRelativeError)} |` : ` ${err(c.relativeError)} |`;
      lines.push(
        `| ${c.name} | ${fmt(c.nsPerSample)} | ${fmt(c.min)}–${fmt(c.max)} | ${times(speedup(r, c.key, 'hand'))} | ` +
          `${times(speedup(r, c.key, 'textbook'))} | ${times(vsTf)} |${errs}`,
      );
    }
    lines.push('');
  }
  lines.push(
    'Ratios are speed-ups: the other contender\'s median time divided by this one\'s (above 1: this one is faster). ' +
      'Relative error: |loss − reference| / |reference| against a float64 reference with compensated summation; for gradients, ' +
      'max |g − ref| / max |ref|. Contenders on the Float32Array copy are checked against the reference of that copy.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The README table of one or more runs (Node 20 and Node 24): one row per workload and
 * contender, with ns/sample and the speed-up over the hand-written loop for each run, then
 * the targets; the chart is rendered by renderSvg from the same reports.
 */
export function renderReadme(reports, { chart = 'bench/results/latest.svg' } = {}) {
  const names = reports.map(major);
  const machines = [...new Set(reports.map((r) => `${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.platform}`))];
  const pages = reports.map((r) => r.machine.freshPageNs).filter(Boolean);
  const lines = [
    `Machine: ${machines.join('; ')}${machines.length > 1 ? ' (⚠ the runs were made on different machines)' : ''}` +
      (pages.length ? `; first touch of fresh memory ${pages.map((ns) => `${(ns / 1000).toFixed(1)} µs`).join(' / ')} per 4 KiB page` : '') + '.',
    ...reports.map((r) => `${major(r)}: ${r.node}, V8 ${r.v8}; ${r.rounds} interleaved round(s)${r.quick ? ', quick mode (N / 100)' : ''}; ${r.date}. ${loadLine(r)}`),
    `wasm kernel: ${reports[0].wasm.build}; TensorFlow.js ${reports[0].tfjs?.version ?? '?'}, tensors in float32.`,
    '',
    `| workload | contender | ${names.map((n) => `ns/sample, ${n}`).join(' | ')} | ${names.map((n) => `vs hand-written, ${n}`).join(' | ')} | rel. error |`,
    `|---|---|${names.map(() => '---:').join('|')}|${names.map(() => '---:').join('|')}|---:|`,
  ];
  const ids = [...new Set(reports.flatMap((r) => r.results.map((x) => x.id)))];
  for (const id of ids) {
    const results = reports.map((r) => r.results.find((x) => x.id === id) ?? null);
    const first = results.find(Boolean);
    const keys = [...new Set(results.filter(Boolean).flatMap((r) => r.contenders.map((c) => c.key)))];
    for (const key of keys) {
      const cs = results.map((r) => find(r, key));
      const c = cs.find(Boolean);
      const time = cs.map((x) => (x?.failed ? 'failed' : fmt(ns(x))));
      const vs = results.map((r) => times(speedup(r, key, 'hand')));
      // The error of a computation does not depend on the engine; show one, or each if they differ.
      const errors = [...new Set(cs.filter((x) => x && !x.failed).map((x) => (first.grad ? `${err(x.relativeError)} / ${err(x.gradientRelativeError)}` : err(x.relativeError))))];
      lines.push(`| ${id} | ${c.name} | ${time.join(' | ')} | ${vs.join(' | ')} | ${errors.join('; ') || '–'} |`);
    }
  }
  lines.push(
    '',
    'Workloads: ' + ids.map((id) => `${id} ${reports.map((r) => r.results.find((x) => x.id === id)).find(Boolean).title}`).join('; ') + '.',
    'ns/sample: median over all rounds (W5: per 50,000-wide row). vs hand-written: the hand-written flat loop\'s time divided by this one\'s ' +
      '(above 1: faster). rel. error: of the loss against a float64 reference; for G1, G2 "loss / gradient" (max |g − ref| / max |ref|).',
    '',
  );
  const targets = targetRows(reports);
  if (targets.length) lines.push(...targets, '');
  if (chart) lines.push(`![benchmark chart](${chart})`, '');
  return `${lines.join('\n')}\n`;
}

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Horizontal bars of ns/sample on a log scale, one group per workload, one bar per run. */
export function renderSvg(reports) {
  const barH = reports.length > 1 ? 9 : 14;
  const labelW = 400;
  const plotW = 420;
  const rows = [];
  let y = reports.length > 1 ? 46 : 30;
  const all = reports.flatMap((rep) => rep.results.flatMap((r) => r.contenders.map(ns).filter(Boolean)));
  const lo = Math.log10(Math.max(0.1, Math.min(...all) / 2));
  const hi = Math.log10(Math.max(...all) * 2);
  const x = (v) => labelW + ((Math.log10(v) - lo) / (hi - lo)) * plotW;
  const colour = { wasm: '#2b6cb0', 'wasm-nested': '#2b6cb0', workspace: '#1a365d', js: '#38a169', 'js-nested': '#38a169', textbook: '#a0aec0', hand: '#718096', floor: '#cbd5e0', tfjs: '#dd6b20', 'tfjs-ops': '#f6ad55' };
  const ids = [...new Set(reports.flatMap((rep) => rep.results.map((r) => r.id)))];
  for (const id of ids) {
    const results = reports.map((rep) => rep.results.find((r) => r.id === id) ?? null);
    const first = results.find(Boolean);
    rows.push(`<text x="4" y="${y}" font-weight="bold">${escape(`${id}: ${first.title}${first.n === WORKLOAD_N[id] ? '' : ` (N = ${first.n.toLocaleString('en-US')})`}`)}</text>`);
    y += 6;
    const keys = [...new Set(results.filter(Boolean).flatMap((r) => r.contenders.map((c) => c.key)))];
    for (const key of keys) {
      const cs = results.map((r) => find(r, key));
      const c = cs.find(Boolean);
      y += 6;
      const top = y;
      cs.forEach((one, k) => {
        y += barH + 1;
        const v = ns(one);
        if (k === 0) rows.push(`<text x="${labelW - 6}" y="${top + (barH + 1) * cs.length - 1}" text-anchor="end">${escape(c.name)}</text>`);
        if (!v) {
          rows.push(`<text x="${labelW + 4}" y="${y}" font-size="9">${one?.failed ? 'failed' : '–'}</text>`);
          return;
        }
        rows.push(
          `<rect class="bar" x="${labelW}" y="${y - barH + 1}" width="${Math.max(1, x(v) - labelW).toFixed(1)}" height="${barH}" fill="${colour[c.role] ?? '#888'}" fill-opacity="${k === 0 ? 1 : 0.55}"/>`,
          `<text x="${(x(v) + 4).toFixed(1)}" y="${y}" font-size="${barH < 12 ? 9 : 11}">${fmt(v)} ns</text>`,
        );
      });
    }
    y += 24;
  }
  const width = labelW + plotW + 90;
  const m = reports[0].machine;
  const engines = reports.map((r) => `Node ${r.node}`).join(' / ');
  const title = `focal-loss-wasm: ns per sample (log scale, lower is better); ${engines}; ${m.cpu}, ${m.cores} cores; wasm ${reports[0].wasm.build}`;
  const legend = reports.length > 1
    ? `<text x="4" y="30" font-size="11">In each pair: upper bar ${escape(major(reports[0]))} (solid), lower bar ${escape(major(reports[1]))} (light).</text>`
    : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="4" y="14" font-size="12">${escape(title)}</text>`,
    legend,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
