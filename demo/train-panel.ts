// The Train panel: two copies of one small classifier, trained side by side on focal loss (γ
// and α as set) and on plain cross-entropy, a few epochs per animation frame so the page stays
// responsive. Both are scored the same way, on held-out data: the losses themselves are not
// comparable (focal loss is below cross-entropy by construction).
import { format, lineChart, responsive } from './chart.js';
import { forward, type Classifier, type Loss } from './classifier.js';
import { EXTENT, MINORITY } from './dataset.js';
import { balancedAlpha, counts, EPOCHS, startRun, step, train, type Run } from './experiment.js';
import { FieldError, readAlpha, readNumber, report } from './fields.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const EPOCHS_PER_FRAME = 2;
/** Decision regions are evaluated on a GRID × GRID lattice and scaled up smoothly. */
const GRID = 72;
const MODEL_COLOURS = { focal: '#6b46c1', ce: '#1a202c' };
/** Region tints (RGB) at full confidence; white on the decision boundary. */
const TINTS = [
  [170, 200, 235],
  [246, 190, 150],
];
const POINT_COLOURS = ['#2b6cb0', '#9c4221'];
const CROSS_ENTROPY: Loss = { gamma: 0 };

const lattice = Float64Array.from({ length: 2 * GRID * GRID }, (_, k) => {
  const cell = k >> 1;
  const [col, row] = [cell % GRID, Math.floor(cell / GRID)];
  const t = ((k & 1 ? GRID - 1 - row : col) + 0.5) / GRID;
  return EXTENT.min + t * (EXTENT.max - EXTENT.min);
});

const list = (values: Loss['alpha']) => JSON.stringify(values).replace(/,/g, ', ');
const alphaText = (alpha: Loss['alpha']) => (alpha === undefined ? 'no α' : `α = ${list(alpha)}`);
const lossName = (loss: Loss) => (loss === CROSS_ENTROPY ? 'cross-entropy' : `focal loss (γ = ${format(loss.gamma)}, ${alphaText(loss.alpha)})`);

export function setupTrainPanel(): void {
  const button = $<HTMLButtonElement>('train-run');
  const resetButton = $<HTMLButtonElement>('train-reset');
  const gammaField = $<HTMLInputElement>('train-gamma');
  const alphaField = $<HTMLInputElement>('train-alpha');
  const alphaButtons = [$<HTMLButtonElement>('train-alpha-balanced'), $<HTMLButtonElement>('train-alpha-none')];
  const fields = [gammaField, alphaField];
  const error = $('train-error');
  const status = $('train-status');
  const canvases = [$<HTMLCanvasElement>('train-focal'), $<HTMLCanvasElement>('train-ce')];
  const stats = [$('train-focal-stats'), $('train-ce-stats')];
  const recallChart = document.getElementById('train-recall') as unknown as SVGSVGElement;
  const precisionChart = document.getElementById('train-precision') as unknown as SVGSVGElement;
  const latticeLogits = new Float64Array(2 * GRID * GRID);
  const balanced = list(balancedAlpha);
  $('train-balanced').textContent = `classBalancedAlpha([${counts.join(', ')}]) = ${balanced}`;
  alphaField.value = balanced;
  let runs: Run[] = [];
  let epoch = 0;
  let frame = 0;

  const readLoss = (): Loss | null => {
    try {
      const gamma = readNumber(gammaField, { name: 'γ', min: 0, max: 10, hint: 'enter a number from 0 to 10 (2 is the usual choice)' });
      const alpha = readAlpha(alphaField);
      if (Array.isArray(alpha) && alpha.length !== 2) {
        throw new FieldError(alphaField, `α has ${alpha.length} weights but the data has 2 classes: write [majority, minority], such as ${balanced}`);
      }
      report(error, null, fields);
      return { gamma, alpha };
    } catch (e) {
      report(error, e as FieldError, fields);
      return null;
    }
  };

  const reset = () => {
    stop('');
    const loss = readLoss();
    if (loss === null) return;
    runs = [startRun(loss), startRun(CROSS_ENTROPY)];
    $('train-focal-title').textContent = `Focal loss, γ = ${format(loss.gamma)}, ${alphaText(loss.alpha)}`;
    epoch = 0;
    status.textContent = '';
    delete status.dataset.done;
    draw();
  };

  const tick = () => {
    for (let k = 0; k < EPOCHS_PER_FRAME && epoch < EPOCHS; k++) {
      epoch++;
      runs.forEach(step);
    }
    draw();
    if (epoch >= EPOCHS) stop(`Finished ${EPOCHS} epochs: ${summary()}.`, true);
    else frame = requestAnimationFrame(tick);
  };

  function stop(message: string, done = false) {
    cancelAnimationFrame(frame);
    frame = 0;
    button.textContent = 'Start';
    for (const control of [...fields, ...alphaButtons]) control.disabled = false;
    if (message) status.textContent = message;
    if (done) status.dataset.done = 'true';
  }

  const summary = () =>
    runs.map((r) => `minority recall ${r.recalls.at(-1)?.toFixed(2)}, precision ${r.precisions.at(-1)?.toFixed(2)} with ${lossName(r.loss)}`).join('; ');

  button.addEventListener('click', () => {
    if (frame) return stop(`Stopped at epoch ${epoch}: ${summary()}.`);
    if (readLoss() === null) return;
    if (epoch >= EPOCHS || runs.length === 0) reset();
    button.textContent = 'Stop';
    for (const control of [...fields, ...alphaButtons]) control.disabled = true;
    status.textContent = `Training: ${EPOCHS} epochs, ${EPOCHS_PER_FRAME} per frame…`;
    frame = requestAnimationFrame(tick);
  });
  resetButton.addEventListener('click', reset);
  for (const field of fields) field.addEventListener('change', reset);
  alphaButtons.forEach((choice, k) =>
    choice.addEventListener('click', () => {
      alphaField.value = k === 0 ? balanced : '';
      reset();
    }),
  );

  const canvasRedraw = () => runs.forEach((run, k) => regions(canvases[k], run.model, latticeLogits));
  const perEpoch = (svg: SVGSVGElement, label: string, values: (run: Run) => number[]) =>
    responsive(svg, 220, (width) => {
      lineChart(svg, {
        width, height: 220,
        x: { max: EPOCHS, ticks: [0, 100, 200, 300], label: 'epoch' },
        y: { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1], label },
        legend: 'bottom',
        series: runs.map((run, k) => ({
          label: k ? 'cross-entropy' : 'focal loss', colour: k ? MODEL_COLOURS.ce : MODEL_COLOURS.focal, values: values(run), dashed: k === 1,
        })),
      });
    });
  const redrawRecall = perEpoch(recallChart, 'minority recall', (run) => run.recalls);
  const redrawPrecision = perEpoch(precisionChart, 'minority precision', (run) => run.precisions);

  function draw() {
    canvasRedraw();
    redrawRecall();
    redrawPrecision();
    runs.forEach((run, k) => {
      const recall = run.recalls.at(-1);
      stats[k].textContent = recall === undefined
        ? 'epoch 0: not trained yet'
        : `epoch ${epoch}: minority recall ${recall.toFixed(2)}, precision ${run.precisions.at(-1)!.toFixed(2)}, accuracy ${run.accuracy.toFixed(3)}`;
    });
  }

  for (const canvas of canvases) new ResizeObserver(canvasRedraw).observe(canvas);
  reset();
}

/** The lattice's colours, drawn into a GRID × GRID canvas and scaled up from there. */
const image = new ImageData(GRID, GRID);
const small = Object.assign(document.createElement('canvas'), { width: GRID, height: GRID });

/** The predicted class over the plane (tinted by confidence) and the training points on top. */
function regions(canvas: HTMLCanvasElement, model: Classifier, logits: Float64Array): void {
  const size = Math.round(canvas.getBoundingClientRect().width * devicePixelRatio);
  if (size === 0) return;
  if (canvas.width !== size) [canvas.width, canvas.height] = [size, size];
  forward(model, lattice, logits);
  for (let cell = 0; cell < GRID * GRID; cell++) {
    const p = 1 / (1 + Math.exp(logits[2 * cell] - logits[2 * cell + 1]));
    const tint = TINTS[p > 0.5 ? 1 : 0];
    const strength = Math.min(1, Math.abs(2 * p - 1) * 1.5);
    for (let c = 0; c < 3; c++) image.data[4 * cell + c] = 255 + (tint[c] - 255) * strength;
    image.data[4 * cell + 3] = 255;
  }
  small.getContext('2d')!.putImageData(image, 0, 0);
  const g = canvas.getContext('2d')!;
  g.imageSmoothingEnabled = true;
  g.drawImage(small, 0, 0, size, size);
  const scale = size / (EXTENT.max - EXTENT.min);
  const radius = [1.6, 3.2].map((r) => r * devicePixelRatio);
  for (const cls of [0, 1]) {
    g.fillStyle = POINT_COLOURS[cls];
    g.strokeStyle = '#fff';
    g.lineWidth = devicePixelRatio;
    g.beginPath();
    for (let i = 0; i < train.labels.length; i++) {
      if (train.labels[i] !== cls) continue;
      const x = (train.points[2 * i] - EXTENT.min) * scale;
      const y = (EXTENT.max - train.points[2 * i + 1]) * scale;
      g.moveTo(x + radius[cls], y);
      g.arc(x, y, radius[cls], 0, 2 * Math.PI);
    }
    g.fill();
    if (cls === MINORITY) g.stroke();
  }
}
