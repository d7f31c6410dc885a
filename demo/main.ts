import { backendInfo, focalLoss, wasmBuild } from 'focal-loss-wasm';

const $ = <T extends HTMLElement | SVGElement>(id: string) => document.getElementById(id) as T;
const SVG = 'http://www.w3.org/2000/svg';

function svgElement(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const info = backendInfo();
$('backend').textContent = `backend: ${info.backend}${info.backend === 'wasm' ? (wasmBuild() === 'simd' ? ' (SIMD)' : ' (scalar)') : ` — ${info.reason}`}`;

// --- Curves: FL against p_t for several gammas, computed by the library itself.
const POINTS = 240;
const p = Float64Array.from({ length: POINTS }, (_, i) => 0.004 + (0.996 * i) / (POINTS - 1));
const zeros = new Uint8Array(POINTS);
const COLOURS = ['#1a202c', '#805ad5', '#3182ce', '#38a169', '#dd6b20', '#e53e3e'];

function drawCurves(): void {
  const svg = $('curves');
  svg.replaceChildren();
  const gammaSlider = Number(($('gamma') as HTMLInputElement).value);
  const alpha = Math.max(0, Number(($('alpha') as HTMLInputElement).value) || 0);
  $('gamma-value').textContent = String(gammaSlider);
  const [left, top, width, height, yMax] = [50, 15, 560, 260, 5];
  const x = (v: number) => left + v * width;
  const y = (v: number) => top + height - (Math.min(v, yMax) / yMax) * height;
  svg.append(svgElement('line', { x1: left, y1: top + height, x2: left + width, y2: top + height, stroke: '#718096' }));
  svg.append(svgElement('line', { x1: left, y1: top, x2: left, y2: top + height, stroke: '#718096' }));
  for (let t = 0; t <= 5; t++) svg.append(svgElement('text', { x: left - 8, y: y(t) + 4, 'text-anchor': 'end', 'font-size': 11 }, String(t)));
  for (let t = 0; t <= 10; t += 2) svg.append(svgElement('text', { x: x(t / 10), y: top + height + 16, 'text-anchor': 'middle', 'font-size': 11 }, String(t / 10)));
  svg.append(svgElement('text', { x: left + width / 2, y: top + height + 32, 'text-anchor': 'middle', 'font-size': 12 }, 'p_t (probability of the true class)'));
  const gammas = [0, 0.5, 1, 2, 5, gammaSlider];
  gammas.forEach((gamma, k) => {
    const custom = k === gammas.length - 1;
    const loss = focalLoss(zeros, p, { gamma, alpha: custom ? alpha : 1, epsilon: 0, reduction: 'none' });
    const d = Array.from(loss, (v, i) => `${i ? 'L' : 'M'}${x(p[i]).toFixed(1)},${y(v).toFixed(1)}`).join('');
    svg.append(svgElement('path', { class: 'curve', d, fill: 'none', stroke: COLOURS[k], 'stroke-width': custom ? 3 : 1.6, 'stroke-dasharray': custom ? '6 3' : '' }));
    const label = custom ? `γ = ${gamma}, α = ${alpha} (slider)` : `γ = ${gamma}`;
    svg.append(svgElement('text', { x: left + width - 150, y: top + 14 + 15 * k, fill: COLOURS[k], 'font-size': 12 }, label));
  });
}
$('gamma').addEventListener('input', drawCurves);
$('alpha').addEventListener('input', drawCurves);
drawCurves();

// --- Compute panel: the library's own errors are shown as they are thrown.
function compute(): void {
  const result = $('compute-result');
  const table = $('per-sample');
  table.replaceChildren();
  try {
    const yTrue = JSON.parse(($('y-true') as HTMLTextAreaElement).value);
    const yPred = JSON.parse(($('y-pred') as HTMLTextAreaElement).value);
    const options = { gamma: Number(($('compute-gamma') as HTMLInputElement).value), fromLogits: ($('from-logits') as HTMLInputElement).checked };
    const mean = focalLoss(yTrue, yPred, options);
    const perSample = focalLoss(yTrue, yPred, { ...options, reduction: 'none' });
    result.className = '';
    result.textContent = `mean loss = ${mean.toPrecision(8)} over ${perSample.length} samples`;
    const head = document.createElement('tr');
    head.innerHTML = '<th>sample</th><th>label</th><th>loss</th>';
    table.append(head);
    perSample.slice(0, 20).forEach((v, i) => {
      const row = document.createElement('tr');
      row.innerHTML = `<td>${i}</td><td>${yTrue[i]}</td><td>${v.toPrecision(8)}</td>`;
      table.append(row);
    });
  } catch (error) {
    result.className = 'error';
    result.textContent = `${(error as Error).name}: ${(error as Error).message}`;
  }
}

function generate(): void {
  const n = 8;
  const classes = 4;
  const rows = Array.from({ length: n }, () => {
    const raw = Array.from({ length: classes }, () => Math.random() ** 2 + 0.01);
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((v) => Number((v / total).toFixed(4)));
  });
  ($('y-true') as HTMLTextAreaElement).value = JSON.stringify(rows.map(() => Math.floor(Math.random() * classes)));
  ($('y-pred') as HTMLTextAreaElement).value = JSON.stringify(rows);
  ($('from-logits') as HTMLInputElement).checked = false;
  compute();
}
$('compute').addEventListener('click', compute);
$('generate').addEventListener('click', generate);
compute();

// --- In-browser benchmark: contenders interleaved, medians of five rounds.
function textbook(yTrue: Int32Array, rows: number[][], gamma: number): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(rows[i][yTrue[i]], 1e-7), 1 - 1e-7);
    sum += -Math.pow(1 - p, gamma) * Math.log(p);
  }
  return sum / yTrue.length;
}

async function bench(): Promise<void> {
  const status = $('bench-status');
  const n = Math.max(1000, Number(($('bench-n') as HTMLInputElement).value) || 1_000_000);
  const classes = 10;
  status.textContent = `generating ${n.toLocaleString()} samples…`;
  await new Promise((r) => setTimeout(r, 20));
  const flat = new Float64Array(n * classes);
  const yTrue = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    yTrue[i] = Math.floor(Math.random() * classes);
    let total = 0;
    for (let c = 0; c < classes; c++) total += flat[i * classes + c] = Math.random() + 0.01;
    for (let c = 0; c < classes; c++) flat[i * classes + c] /= total;
  }
  const rows = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * classes, (i + 1) * classes)));
  const contenders: Array<[string, () => number]> = [
    ['focalLoss, wasm', () => focalLoss(yTrue, flat, { backend: 'wasm' })],
    ['focalLoss, JS path', () => focalLoss(yTrue, flat, { backend: 'js' })],
    ['textbook loop', () => textbook(yTrue, rows, 2)],
  ];
  const times = contenders.map(() => [] as number[]);
  for (let round = 0; round < 5; round++) {
    contenders.forEach(([name, run], k) => {
      const start = performance.now();
      run();
      times[k].push(performance.now() - start);
      status.textContent = `round ${round + 1}/5: ${name}`;
    });
    await new Promise((r) => setTimeout(r, 0));
  }
  const medians = times.map((t) => t.sort((a, b) => a - b)[2]);
  const chart = $('bench-chart');
  chart.replaceChildren();
  const most = Math.max(...medians);
  medians.forEach((ms, k) => {
    const y = 15 + k * 42;
    const width = Math.max(2, (ms / most) * 380);
    chart.append(svgElement('text', { x: 150, y: y + 18, 'text-anchor': 'end', 'font-size': 12 }, contenders[k][0]));
    chart.append(svgElement('rect', { class: 'bar', x: 160, y, width, height: 26, fill: k === 0 ? '#2b6cb0' : k === 1 ? '#38a169' : '#a0aec0' }));
    chart.append(svgElement('text', { x: 165 + width, y: y + 18, 'font-size': 12 }, `${((ms * 1e6) / n).toFixed(1)} ns/sample`));
  });
  status.textContent = `done: ${n.toLocaleString()} samples, median of 5 interleaved rounds, backend ${backendInfo().backend}${wasmBuild() === 'simd' ? ' (SIMD)' : ''}`;
  status.dataset.done = 'true';
}
$('bench-run').addEventListener('click', () => void bench());
