// Renders a benchmark report as a Markdown table and an SVG bar chart.

const fmt = (x, digits = 1) => (x === null || x === undefined ? '–' : x < 10 ? x.toFixed(digits + 1) : x.toFixed(digits));
const ratio = (base, x) => (base && x ? `${(base / x).toFixed(base / x < 10 ? 2 : 1)}×` : '–');
const err = (e) => (e === null || e === undefined ? '–' : e === 0 ? '0' : e < 1e-15 ? '< 1e-15' : e.toExponential(1));

function baseline(result, role) {
  const times = result.contenders.filter((c) => c.role === role && c.nsPerSample).map((c) => c.nsPerSample);
  return times.length ? Math.min(...times) : null;
}

const SUMMARY = [
  ['textbook', 'textbook loop'],
  ['hand', 'hand-written flat JS'],
  ['js', 'focalLoss, JS path'],
  ['wasm', 'focalLoss, wasm'],
  ['wasm-nested', 'focalLoss, wasm (nested)'],
  ['workspace', 'workspace kernel'],
  ['floor', 'p_t read floor'],
  ['tfjs', 'best TF.js (tensors created)'],
];

/** One row per workload: the median ns/sample of each kind of contender. */
function renderSummary(report) {
  const lines = [`| workload | ${SUMMARY.map(([, title]) => title).join(' | ')} |`, `|---|${SUMMARY.map(() => '---:').join('|')}|`];
  for (const r of report.results) {
    const cells = SUMMARY.map(([role]) => fmt(baseline(r, role)));
    lines.push(`| ${r.id} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderMarkdown(report) {
  const m = report.machine;
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${report.node} (V8 ${report.v8}); ` +
      `wasm kernel: ${report.wasm.build}. ${report.rounds} interleaved round(s)${report.quick ? ', quick mode (N / 100)' : ''}; ${report.date}.`,
    `wasm linear memory for one-shot calls: ${(report.oneShotWasmMemoryBytes / 2 ** 20).toFixed(2)} MiB (workspaces add their batch).`,
    '',
    'Median ns per sample (lower is better); the full tables follow.',
    '',
    renderSummary(report),
    '',
  ];
  for (const r of report.results) {
    const textbook = baseline(r, 'textbook');
    const js = baseline(r, 'js');
    const tfjs = baseline(r, 'tfjs');
    lines.push(`**${r.id}**: ${r.title} (N = ${r.n.toLocaleString('en-US')})`, '');
    lines.push('| contender | ns/sample (median) | spread (min–max) | vs textbook | vs JS path | vs best tfjs | rel. error |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const c of r.contenders) {
      if (c.failed) {
        lines.push(`| ${c.name} | failed: ${c.failed} | | | | | |`);
        continue;
      }
      lines.push(
        `| ${c.name} | ${fmt(c.nsPerSample)} | ${fmt(c.min)}–${fmt(c.max)} | ${ratio(textbook, c.nsPerSample)} | ` +
          `${ratio(js, c.nsPerSample)} | ${ratio(tfjs, c.nsPerSample)} | ${err(c.relativeError)} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Horizontal bars of ns/sample on a log scale, one group per workload. */
export function renderSvg(report) {
  const barH = 14;
  const labelW = 330;
  const plotW = 420;
  const rows = [];
  let y = 30;
  const all = report.results.flatMap((r) => r.contenders.filter((c) => c.nsPerSample).map((c) => c.nsPerSample));
  const lo = Math.log10(Math.max(0.1, Math.min(...all) / 2));
  const hi = Math.log10(Math.max(...all) * 2);
  const x = (v) => labelW + ((Math.log10(v) - lo) / (hi - lo)) * plotW;
  const colour = { wasm: '#2b6cb0', 'wasm-nested': '#2b6cb0', workspace: '#1a365d', js: '#38a169', 'js-nested': '#38a169', textbook: '#a0aec0', hand: '#718096', floor: '#cbd5e0', tfjs: '#dd6b20', 'tfjs-ops': '#f6ad55' };
  for (const r of report.results) {
    rows.push(`<text x="4" y="${y}" font-weight="bold">${escape(`${r.id}: ${r.title}`)}</text>`);
    y += 8;
    for (const c of r.contenders.filter((c) => c.nsPerSample)) {
      y += barH + 4;
      rows.push(
        `<text x="${labelW - 6}" y="${y}" text-anchor="end">${escape(c.name)}</text>`,
        `<rect class="bar" x="${labelW}" y="${y - barH + 3}" width="${Math.max(1, x(c.nsPerSample) - labelW).toFixed(1)}" height="${barH}" fill="${colour[c.role] ?? '#888'}"/>`,
        `<text x="${(x(c.nsPerSample) + 4).toFixed(1)}" y="${y}">${fmt(c.nsPerSample)} ns</text>`,
      );
    }
    y += 26;
  }
  const width = labelW + plotW + 90;
  const title = `focal-loss-wasm: ns per sample (log scale, lower is better), Node ${report.node}, ${report.machine.cpu}, wasm ${report.wasm.build}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="4" y="14" font-size="12">${escape(title)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
