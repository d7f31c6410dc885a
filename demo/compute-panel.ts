// The Compute panel: y_true, y_pred, γ, α, reduction and "from logits" into focalLoss.
import { focalLoss, type FocalLossOptions } from 'focal-loss-wasm';
import { FieldError, fromLibrary, readAlpha, readJsonList, readNumber, report } from './fields.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function setupComputePanel(): void {
  const yTrueField = $<HTMLTextAreaElement>('y-true');
  const yPredField = $<HTMLTextAreaElement>('y-pred');
  const gammaField = $<HTMLInputElement>('compute-gamma');
  const alphaField = $<HTMLInputElement>('compute-alpha');
  const reductionField = $<HTMLSelectElement>('reduction');
  const logitsField = $<HTMLInputElement>('from-logits');
  const result = $('compute-result');
  const error = $('compute-error');
  const table = $<HTMLTableElement>('per-sample');
  const controls = [yTrueField, yPredField, gammaField, alphaField, reductionField, logitsField];

  const compute = () => {
    table.replaceChildren();
    result.textContent = '';
    try {
      const yTrue = readJsonList(yTrueField, 'y_true', '[0, 1, 2] or [[1, 0, 0], [0, 1, 0]]');
      const yPred = readJsonList(yPredField, 'y_pred', '[[0.9, 0.1], [0.2, 0.8]]');
      const gamma = readNumber(gammaField, { name: 'γ', min: 0, hint: 'enter a number ≥ 0 (0 gives cross-entropy)' });
      const alpha = readAlpha(alphaField);
      const reduction = reductionField.value;
      if (!['mean', 'sum', 'none'].includes(reduction)) throw new FieldError(reductionField, `reduction “${reduction}” is not one of mean, sum, none`);
      const options: FocalLossOptions = { gamma, alpha, fromLogits: logitsField.checked };
      const fields = { y_true: yTrueField, y_pred: yPredField, α: alphaField, γ: gammaField, '“from logits”': logitsField };
      let losses: Float64Array;
      let total = 0;
      try {
        losses = focalLoss(yTrue as number[], yPred as number[][], { ...options, reduction: 'none' });
        if (reduction !== 'none') total = focalLoss(yTrue as number[], yPred as number[][], { ...options, reduction: reduction as 'mean' | 'sum' });
      } catch (e) {
        throw fromLibrary(e, fields);
      }
      report(error, null, controls);
      const rows = Array.isArray(yTrue[0]);
      const read = rows ? `y_true read as target rows (one-hot or soft), ${yTrue.length} × ${(yTrue[0] as unknown[]).length}` : 'y_true read as class indices';
      const what = reduction === 'mean' ? `mean loss = ${total.toPrecision(8)}` : reduction === 'sum' ? `sum of losses = ${total.toPrecision(8)}` : 'per-sample losses in the table';
      result.textContent = `${what} over ${losses.length} samples; ${read}${alpha === undefined ? '' : `; α = ${JSON.stringify(alpha)}`}`;
      perSample(table, yTrue, losses, rows);
    } catch (e) {
      report(error, e instanceof FieldError ? e : fromLibrary(e, {}), controls);
    }
  };

  const generate = () => {
    const [n, classes] = [8, 4];
    const rows = Array.from({ length: n }, () => {
      const raw = Array.from({ length: classes }, () => Math.random() ** 2 + 0.01);
      const sum = raw.reduce((a, b) => a + b, 0);
      return raw.map((v) => Number((v / sum).toFixed(4)));
    });
    yTrueField.value = JSON.stringify(rows.map(() => Math.floor(Math.random() * classes)));
    yPredField.value = `[${rows.map((row) => JSON.stringify(row)).join(',\n')}]`;
    logitsField.checked = false;
    compute();
  };

  $('compute').addEventListener('click', compute);
  $('generate').addEventListener('click', generate);
  compute();
}

/** The first 20 samples: their target and their loss. */
function perSample(table: HTMLTableElement, yTrue: unknown[], losses: Float64Array, rows: boolean): void {
  const head = table.insertRow();
  for (const title of ['sample', rows ? 'target row' : 'label', 'loss']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  losses.slice(0, 20).forEach((loss, i) => {
    const row = table.insertRow();
    const target = JSON.stringify(yTrue[i]);
    for (const text of [String(i), target.length > 24 ? `${target.slice(0, 23)}…` : target, loss.toPrecision(8)]) row.insertCell().textContent = text;
  });
  if (losses.length > 20) table.createCaption().textContent = `first 20 of ${losses.length} samples`;
}
