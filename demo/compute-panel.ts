// The Compute panel: y_true, y_pred, γ, α, reduction and "from logits" into focalLoss, and per
// sample the pieces of FL = α_t (1 − p_t)^γ (−ln p_t) beside the loss, with its gradient.
import { focalLoss, focalLossGrad, type FocalLossOptions } from 'focal-loss-wasm';
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
      let each: PerSample;
      let total = 0;
      try {
        const { loss: losses, grad } = focalLossGrad(yTrue as number[], yPred as number[][], { ...options, reduction: 'none' });
        // −ln p_t: the same call with γ = 0 and no α, so p_t is what the loss used (clipped to ε, or a softmax).
        const crossEntropy = focalLoss(yTrue as number[], yPred as number[][], { gamma: 0, fromLogits: options.fromLogits, reduction: 'none' });
        each = { losses, grad, crossEntropy, gamma };
        if (reduction !== 'none') total = focalLoss(yTrue as number[], yPred as number[][], { ...options, reduction: reduction as 'mean' | 'sum' });
      } catch (e) {
        throw fromLibrary(e, fields);
      }
      report(error, null, controls);
      const rows = Array.isArray(yTrue[0]);
      const read = rows ? `y_true read as target rows (one-hot or soft), ${yTrue.length} × ${(yTrue[0] as unknown[]).length}` : 'y_true read as class indices';
      const what = reduction === 'mean' ? `mean loss = ${total.toPrecision(8)}` : reduction === 'sum' ? `sum of losses = ${total.toPrecision(8)}` : 'per-sample losses in the table';
      result.textContent = `${what} over ${each.losses.length} samples; ${read}${alpha === undefined ? '' : `; α = ${JSON.stringify(alpha)}`}`;
      perSample(table, yTrue, each, alpha);
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

/** Per sample: the loss and its gradient (reduction 'none'), and the cross-entropy −ln p_t it scales. */
interface PerSample {
  losses: Float64Array;
  grad: Float64Array;
  crossEntropy: Float64Array;
  gamma: number;
}

/** The class a target names: a class index, or the 1 of a one-hot row; −1 for a soft row. */
function classOf(target: unknown): number {
  if (!Array.isArray(target)) return target as number;
  const oneHot = target.every((v) => v === 0 || v === 1) && target.indexOf(1) === target.lastIndexOf(1);
  return oneHot ? target.indexOf(1) : -1;
}

/**
 * The first 20 samples: target, p_t, (1 − p_t)^γ, −ln p_t, α_t when there is an α, the loss (their
 * product) and the gradient of that loss with respect to the sample's y_pred row. Soft target rows
 * have no single p_t (their loss is a sum over classes): the three columns say so.
 */
function perSample(table: HTMLTableElement, yTrue: unknown[], each: PerSample, alpha: number | number[] | undefined): void {
  const { losses, grad, crossEntropy, gamma } = each;
  const classes = grad.length / losses.length;
  const titles = ['sample', Array.isArray(yTrue[0]) ? 'target row' : 'label', 'p_t', '(1 − p_t)^γ', 'cross-entropy −ln p_t'];
  if (alpha !== undefined) titles.push('α_t');
  titles.push('loss', 'gradient ∂loss/∂y_pred row');
  const head = table.insertRow();
  for (const title of titles) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const shown = (v: number, digits = 6) => (v === 0 ? '0' : String(Number(v.toPrecision(digits))));
  losses.slice(0, 20).forEach((loss, i) => {
    const row = table.insertRow();
    const target = JSON.stringify(yTrue[i]);
    // 1 − p_t from expm1 keeps its digits when p_t is near 1.
    const q = -Math.expm1(-crossEntropy[i]);
    const p = Math.exp(-crossEntropy[i]);
    const t = classOf(yTrue[i]);
    const cells = [String(i), target.length > 24 ? `${target.slice(0, 23)}…` : target];
    cells.push(...(t < 0 ? ['—', '—'] : [shown(p), shown(q ** gamma)]), shown(crossEntropy[i]));
    if (alpha !== undefined) cells.push(t < 0 ? '—' : shown(typeof alpha === 'number' ? alpha : alpha[t]));
    cells.push(shown(loss, 8), `[${Array.from(grad.subarray(i * classes, (i + 1) * classes), (g) => shown(g, 4)).join(', ')}]`);
    for (const text of cells) row.insertCell().textContent = text;
  });
  const caption = table.createCaption();
  caption.textContent =
    `loss = ${alpha === undefined ? '' : 'α_t × '}(1 − p_t)^γ × cross-entropy: the factor (1 − p_t)^γ is what shrinks the loss of ` +
    "samples already right (p_t near 1). The gradient is of each sample's own loss (focalLossGrad with reduction 'none')";
  if (losses.length > 20) caption.textContent += `; first 20 of ${losses.length} samples`;
}
