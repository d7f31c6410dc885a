// Evaluate your predictions: a labels file and a predictions file (or a generated imbalanced
// example) through an accumulator with diagnostics, slice by slice on the worker pool with a
// progress bar, then the same charts as the CLI's --html report (focal-loss-wasm/report).
import { createFocalLossAccumulator, createFocalLossPool, type AccumulatorSummary, type FocalLossPool } from 'focal-loss-wasm';
import { diagnosticsCharts } from 'focal-loss-wasm/report';
import { readTable, type Table } from './evaluate-files.js';
import { FieldError, fromLibrary, readNumber, report } from './fields.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** Rows per updateOn() call: the progress bar moves after each. */
const SLICE = 25_000;

/** N labels drawn with class c about half as often as class c − 1, and logits of a model that favours the common classes. */
function example(n: number, C: number): { labels: Table; preds: Table } {
  let s = 20;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const labels = new Float64Array(n);
  const logits = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    let c = 0;
    while (c < C - 1 && rand() < 0.5) c++;
    labels[i] = c;
    for (let j = 0; j < C; j++) logits[i * C + j] = (rand() - 0.5) * 4 + (j === c ? 2.2 : 0) + (C - j) * 0.25;
  }
  return { labels: { values: labels, rows: n, columns: 1 }, preds: { values: logits, rows: n, columns: C } };
}

const format = (x: number | null | undefined) => (x === null || x === undefined ? '–' : String(Number(x.toPrecision(4))));

export function setupEvaluatePanel(): void {
  const labelsField = $<HTMLInputElement>('evaluate-labels');
  const predsField = $<HTMLInputElement>('evaluate-preds');
  const logitsField = $<HTMLInputElement>('evaluate-logits');
  const gammaField = $<HTMLInputElement>('evaluate-gamma');
  const runButton = $<HTMLButtonElement>('evaluate-run');
  const exampleButton = $<HTMLButtonElement>('evaluate-example');
  const progress = $<HTMLProgressElement>('evaluate-progress');
  const status = $('evaluate-status');
  const error = $('evaluate-error');
  const results = $('evaluate-results');
  const controls = [labelsField, predsField, logitsField, gammaField];
  let pool: FocalLossPool | null = null;
  let shown: AccumulatorSummary | null = null;

  const draw = () => {
    if (shown === null) return;
    const width = results.getBoundingClientRect().width;
    if (width === 0) return;
    const charts = diagnosticsCharts(shown, { width: Math.min(width, 760) });
    $('evaluate-classes').innerHTML = charts.perClass;
    $('evaluate-class-table').innerHTML = charts.classTable;
    $('evaluate-reliability').innerHTML = charts.reliability;
    $('evaluate-shares').innerHTML = charts.shares;
    $('evaluate-hardest').innerHTML = charts.hardestTable;
  };
  let drawnWidth = 0;
  new ResizeObserver(() => {
    const width = results.getBoundingClientRect().width;
    if (width !== drawnWidth) {
      drawnWidth = width;
      draw();
    }
  }).observe(results);

  const evaluate = async (load: () => Promise<{ labels: Table; preds: Table; what: string }>) => {
    runButton.disabled = exampleButton.disabled = true;
    status.dataset.done = 'false';
    report(error, null, controls);
    try {
      const gamma = readNumber(gammaField, { name: 'γ', min: 0, hint: 'enter a number ≥ 0 (0 gives cross-entropy)' });
      status.textContent = 'reading…';
      const { labels, preds, what } = await load();
      if (labels.columns !== 1) throw new FieldError(labelsField, `the labels file has ${labels.columns} columns: it should hold one class index per row`);
      if (labels.rows !== preds.rows) {
        throw new FieldError(predsField, `the labels file has ${labels.rows.toLocaleString('en')} rows and the predictions file ${preds.rows.toLocaleString('en')}: they should be the same samples`);
      }
      const n = labels.rows;
      const C = preds.columns;
      pool ??= createFocalLossPool();
      const acc = createFocalLossAccumulator({ gamma, fromLogits: logitsField.checked, classes: C, diagnostics: true });
      progress.hidden = false;
      progress.value = 0;
      for (let from = 0; from < n; from += SLICE) {
        const to = Math.min(n, from + SLICE);
        try {
          await acc.updateOn(pool, labels.values.subarray(from, to), preds.values.subarray(from * C, to * C));
        } catch (e) {
          throw inFileTerms(e, from);
        }
        progress.value = to / n;
        status.textContent = `evaluated ${to.toLocaleString('en')} of ${n.toLocaleString('en')} rows…`;
      }
      shown = acc.summary();
      results.hidden = false;
      fillNumbers(shown);
      draw();
      status.textContent = `done: ${what}, ${n.toLocaleString('en')} samples × ${C} classes, on ${pool.info().workers || 'no'} worker${pool.info().workers === 1 ? '' : 's'}`;
      status.dataset.done = 'true';
    } catch (e) {
      status.textContent = '';
      report(error, e instanceof FieldError ? e : fromLibrary(e, {}), controls);
    } finally {
      progress.hidden = true;
      runButton.disabled = exampleButton.disabled = false;
    }
  };

  runButton.addEventListener('click', () => void evaluate(async () => {
    const [labels, preds] = [await readTable(labelsField, 'labels'), await readTable(predsField, 'predictions')];
    return { labels, preds, what: `${labelsField.files![0].name} and ${predsField.files![0].name}` };
  }));
  exampleButton.addEventListener('click', () => {
    logitsField.checked = true;
    void evaluate(async () => ({ ...example(200_000, 6), what: 'a generated imbalanced example (logits)' }));
  });
}

/** A library error about a slice from row `from`, in the panel's terms: the files' rows and columns, its fields. */
function inFileTerms(error: unknown, from: number): FieldError {
  const message = String((error as Error).message ?? error)
    .replace(/^\w+(\.\w+)?: /, '')
    .replace(/yPred\[\d+\] \(sample (\d+), class (\d+)\)/g, (_, i, c) => `predictions row ${from + Number(i)}, column ${c}`)
    .replace(/yPred\[\d+\] \(sample (\d+)\)/g, (_, i) => `predictions row ${from + Number(i)}`)
    .replace(/yTrue\[(\d+)\]/g, (_, i) => `labels row ${from + Number(i)}`)
    .replace(/pass fromLogits: true/g, 'tick “predictions are logits”');
  const field = /^labels/.test(message) ? $('evaluate-labels') : /^predictions/.test(message) ? $('evaluate-preds') : null;
  return new FieldError(field, message);
}

function fillNumbers(s: AccumulatorSummary): void {
  const share = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '–');
  const numbers: Array<[string, string]> = [
    ['mean focal loss', format(s.mean)],
    ['ECE', format(s.calibration!.ece)],
    ['easy samples (p_t ≥ 0.5)', share(s.easy!.count, s.diagnosed!.count)],
    ['their share of the cross-entropy', share(s.easy!.crossEntropySum, s.crossEntropySum!)],
    ['their share of the focal loss', share(s.easy!.lossSum, s.diagnosed!.lossSum)],
  ];
  $('evaluate-numbers').replaceChildren(...numbers.map(([name, value]) => {
    const div = document.createElement('div');
    const label = document.createElement('span');
    label.textContent = name;
    const b = document.createElement('b');
    b.textContent = value;
    div.append(label, b);
    return div;
  }));
}
