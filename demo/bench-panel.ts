// The in-browser benchmark: three ways to compute the same mean loss, interleaved round by
// round, each timing long enough for the browser's coarse timer; results as a table and bars.
import { backendInfo, focalLoss, wasmBuild } from 'focal-loss-wasm';
import { FONT, format, niceMax, responsive, svgElement } from './chart.js';
import { FieldError, readNumber, report } from './fields.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const CLASSES = 10;
const ROUNDS = 5;
const COLOURS = ['#2b6cb0', '#276749', '#718096'];
/**
 * JS heap a run holds per sample, measured in Chromium (the heap's peak over a run, 300 to 340
 * bytes): the batch as a Float64Array (80 bytes), its labels, and the same batch as nested
 * arrays for the textbook loop (most of the rest).
 */
const BYTES_PER_SAMPLE = 340;
const MOST_SAMPLES = 1_000_000;
/** On a screen narrower than this (CSS px), a phone's, a run holds at most PHONE_BYTES. */
const PHONE_WIDTH = 600;
const PHONE_BYTES = 64e6;

/** A size a run can start with here, and why: MOST_SAMPLES unless the device calls for fewer. */
function deviceSized(): { n: number; why: string } {
  // navigator.deviceMemory: GB, rounded down and capped by the browser (Chromium); absent elsewhere.
  const memory = (navigator as { deviceMemory?: number }).deviceMemory;
  let bytes = MOST_SAMPLES * BYTES_PER_SAMPLE;
  let why = 'the largest default';
  if (memory !== undefined && (memory * 2 ** 30) / 16 < bytes) {
    bytes = (memory * 2 ** 30) / 16;
    why = `a 16th of this device's ${memory} GB of memory`;
  }
  if (innerWidth < PHONE_WIDTH && PHONE_BYTES < bytes) {
    bytes = PHONE_BYTES;
    why = `at most ${PHONE_BYTES / 1e6} MB on a screen narrower than ${PHONE_WIDTH} px`;
  }
  // Rounded down to 1, 2 or 5 × 10^k.
  const most = bytes / BYTES_PER_SAMPLE;
  const power = 10 ** Math.floor(Math.log10(most));
  return { n: [5, 2, 1].find((m) => m * power <= most)! * power, why };
}

const megabytes = (n: number) => Math.round((n * BYTES_PER_SAMPLE) / 1e6);

interface Result {
  name: string;
  /** Median milliseconds per call. */
  ms: number;
  /** Calls per timing. */
  reps: number;
}

const pause = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** The smallest step performance.now() takes here (Chromium: 0.1 ms, or 5 µs when cross-origin isolated). */
function timerResolution(): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const start = performance.now();
    let now = start;
    while (now === start) now = performance.now();
    best = Math.min(best, now - start);
  }
  return best;
}

function time(run: () => number, reps: number): number {
  const start = performance.now();
  for (let r = 0; r < reps; r++) run();
  return performance.now() - start;
}

/** The textbook loop over nested rows, as one would write it without the library. */
function textbook(yTrue: Int32Array, rows: number[][], gamma: number): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(rows[i][yTrue[i]], 1e-7), 1 - 1e-7);
    sum += -Math.pow(1 - p, gamma) * Math.log(p);
  }
  return sum / yTrue.length;
}

export function setupBenchPanel(): void {
  const button = $<HTMLButtonElement>('bench-run');
  const nField = $<HTMLInputElement>('bench-n');
  const status = $('bench-status');
  const warning = $('bench-warning');
  const results = $('bench-results');
  const table = $<HTMLTableElement>('bench-table');
  const chart = document.getElementById('bench-chart') as unknown as SVGSVGElement;
  const about = $('bench-about');
  const sized = deviceSized();
  nField.value = String(sized.n);
  const describe = () => {
    const n = Number(nField.value);
    const memory = Number.isInteger(n) && n > 0 ? `${n.toLocaleString('en')} samples hold about ${megabytes(n)} MB of memory. ` : '';
    about.textContent =
      `Runs focalLoss on the wasm kernel, focalLoss on its JS path and a textbook loop over nested arrays on one random ` +
      `batch (samples × ${CLASSES} classes, γ = 2): ${ROUNDS} interleaved rounds, the median shown. ${memory}` +
      `Default here: ${sized.n.toLocaleString('en')} samples (${sized.why}).`;
  };
  nField.addEventListener('input', describe);
  describe();
  let shown: Result[] = [];
  let n = 0;
  // The chart is hidden until there are results; drawn at its width from then on.
  let redraw: (() => void) | null = null;

  const run = async () => {
    button.disabled = true;
    status.dataset.done = 'false';
    status.classList.remove('error');
    warning.textContent = '';
    try {
      n = readNumber(nField, { name: 'samples', min: 1000, max: 2_000_000, integer: true, hint: 'enter a whole number from 1,000 to 2,000,000' });
      report(status, null, [nField]);
      status.textContent = `generating ${n.toLocaleString('en')} samples…`;
      await pause(20);
      const flat = new Float64Array(n * CLASSES);
      const yTrue = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        yTrue[i] = Math.floor(Math.random() * CLASSES);
        let total = 0;
        for (let c = 0; c < CLASSES; c++) total += flat[i * CLASSES + c] = Math.random() + 0.01;
        for (let c = 0; c < CLASSES; c++) flat[i * CLASSES + c] /= total;
      }
      const rows = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * CLASSES, (i + 1) * CLASSES)));
      const contenders: Array<[string, () => number]> = [
        ['focalLoss, wasm', () => focalLoss(yTrue, flat, { backend: 'wasm' })],
        ['focalLoss, JS path', () => focalLoss(yTrue, flat, { backend: 'js' })],
        ['textbook loop', () => textbook(yTrue, rows, 2)],
      ];
      // Each timing lasts at least 100 timer steps (and 10 ms): small batches repeat the call.
      const resolution = timerResolution();
      const target = Math.max(100 * resolution, 10);
      status.textContent = 'calibrating…';
      await pause();
      const reps = contenders.map(([, call]) => {
        let r = 1;
        while (time(call, r) < target && r < 1 << 20) r *= 2;
        return r;
      });
      const times = contenders.map(() => [] as number[]);
      for (let round = 0; round < ROUNDS; round++) {
        contenders.forEach(([, call], k) => times[k].push(time(call, reps[k]) / reps[k]));
        status.textContent = `round ${round + 1} of ${ROUNDS}…`;
        await pause();
      }
      shown = contenders.map(([name], k) => ({ name, ms: times[k].sort((a, b) => a - b)[ROUNDS >> 1], reps: reps[k] }));
      fillTable(table, shown, n);
      results.hidden = false;
      redraw ??= responsive(chart, 3 * 42 + 12, (width) => bars(chart, width, shown, n));
      redraw();
      const fastest = Math.min(...shown.map((r) => r.ms));
      if (fastest < 100 * resolution) {
        const enough = niceMax((n * 100 * resolution) / fastest, 1);
        warning.textContent =
          `Too few samples for this browser's timer: at ${n.toLocaleString('en')} samples one call takes ${format(fastest)} ms, ` +
          `under 100 steps of the timer (resolution ${format(resolution)} ms), so no single call can be timed; each timing ` +
          `repeated the call (up to ${Math.max(...reps).toLocaleString('en')} times, with warm caches). ` +
          `Use ${enough.toLocaleString('en')} samples or more to time single calls.`;
      }
      const build = wasmBuild();
      status.textContent =
        `done: ${n.toLocaleString('en')} samples × ${CLASSES} classes, median of ${ROUNDS} interleaved rounds, ` +
        `backend ${backendInfo().backend}${build ? ` (${build === 'simd' ? 'SIMD' : 'scalar'})` : ''}`;
      status.dataset.done = 'true';
    } catch (e) {
      status.classList.add('error');
      report(status, e instanceof FieldError ? e : new FieldError(null, `benchmark failed: ${(e as Error).message}`), [nField]);
    } finally {
      button.disabled = false;
    }
  };
  button.addEventListener('click', () => void run());
}

function fillTable(table: HTMLTableElement, results: Result[], n: number): void {
  table.replaceChildren();
  table.createCaption().textContent = `${n.toLocaleString('en')} samples × ${CLASSES} classes, γ = 2; lower is faster`;
  const head = table.createTHead().insertRow();
  for (const title of ['contender', 'ns per sample', 'ms per call', 'relative to wasm']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of results) {
    const row = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = r.name;
    row.append(th);
    for (const text of [nsPerSample(r, n), format(r.ms), `${(r.ms / results[0].ms).toFixed(2)}×`]) row.insertCell().textContent = text;
  }
}

const nsPerSample = (r: Result, n: number) => ((r.ms * 1e6) / n).toFixed(1);

function bars(svg: SVGSVGElement, width: number, results: Result[], n: number): void {
  const [labelWidth, valueWidth] = [126, 10 * FONT * 0.62];
  const most = Math.max(...results.map((r) => r.ms));
  results.forEach((r, k) => {
    const y = 6 + k * 42;
    const length = Math.max(2, (r.ms / most) * (width - labelWidth - valueWidth - 16));
    svg.append(svgElement('text', { x: labelWidth - 6, y: y + 18, 'text-anchor': 'end', 'font-size': FONT }, r.name));
    svg.append(svgElement('rect', { class: 'bar', x: labelWidth, y, width: length, height: 26, fill: COLOURS[k] }));
    svg.append(svgElement('text', { x: labelWidth + length + 6, y: y + 18, 'font-size': FONT }, `${nsPerSample(r, n)} ns`));
  });
}
