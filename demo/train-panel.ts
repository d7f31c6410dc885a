// The Train panel: two copies of one small classifier, trained side by side on focal loss and
// on cross-entropy (γ = 0), a few epochs per animation frame so the page stays responsive.
import { format, lineChart, responsive } from './chart.js';
import { createClassifier, evaluate, forward, scratchFor, trainEpoch, type Classifier, type Scratch } from './classifier.js';
import { EXTENT, imbalanced, MINORITY } from './dataset.js';
import { FieldError, readNumber, report } from './fields.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const EPOCHS = 300;
const EPOCHS_PER_FRAME = 2;
const SEEDS = { train: 1, test: 2, weights: 7 };
/** Decision regions are evaluated on a GRID × GRID lattice and scaled up smoothly. */
const GRID = 72;
const MODEL_COLOURS = { focal: '#6b46c1', ce: '#1a202c' };
/** Region tints (RGB) at full confidence; white on the decision boundary. */
const TINTS = [
  [170, 200, 235],
  [246, 190, 150],
];
const POINT_COLOURS = ['#2b6cb0', '#9c4221'];

interface Run {
  name: string;
  gamma: number;
  model: Classifier;
  scratch: Scratch;
  losses: number[];
  recalls: number[];
  accuracy: number;
}

const train = imbalanced(SEEDS.train);
const test = imbalanced(SEEDS.test);
const lattice = Float64Array.from({ length: 2 * GRID * GRID }, (_, k) => {
  const cell = k >> 1;
  const [col, row] = [cell % GRID, Math.floor(cell / GRID)];
  const t = ((k & 1 ? GRID - 1 - row : col) + 0.5) / GRID;
  return EXTENT.min + t * (EXTENT.max - EXTENT.min);
});

export function setupTrainPanel(): void {
  const button = $<HTMLButtonElement>('train-run');
  const resetButton = $<HTMLButtonElement>('train-reset');
  const gammaField = $<HTMLInputElement>('train-gamma');
  const error = $('train-error');
  const status = $('train-status');
  const canvases = [$<HTMLCanvasElement>('train-focal'), $<HTMLCanvasElement>('train-ce')];
  const stats = [$('train-focal-stats'), $('train-ce-stats')];
  const lossChart = document.getElementById('train-loss') as unknown as SVGSVGElement;
  const recallChart = document.getElementById('train-recall') as unknown as SVGSVGElement;
  const evalLogits = new Float64Array(2 * test.labels.length);
  const latticeLogits = new Float64Array(2 * GRID * GRID);
  let runs: Run[] = [];
  let epoch = 0;
  let frame = 0;

  const newRun = (name: string, gamma: number): Run => {
    const model = createClassifier(SEEDS.weights);
    return { name, gamma, model, scratch: scratchFor(model, train.labels.length), losses: [], recalls: [], accuracy: 0 };
  };

  const readGamma = (): number | null => {
    try {
      const gamma = readNumber(gammaField, { name: 'γ', min: 0, max: 10, hint: 'enter a number from 0 to 10 (2 is the usual choice)' });
      report(error, null, [gammaField]);
      return gamma;
    } catch (e) {
      report(error, e as FieldError, [gammaField]);
      return null;
    }
  };

  const reset = () => {
    stop('');
    const gamma = readGamma();
    if (gamma === null) return;
    runs = [newRun(`focal loss, γ = ${format(gamma)}`, gamma), newRun('cross-entropy (γ = 0)', 0)];
    $('train-focal-title').textContent = `Focal loss, γ = ${format(gamma)}`;
    epoch = 0;
    status.textContent = '';
    delete status.dataset.done;
    draw();
  };

  const step = () => {
    epoch++;
    for (const run of runs) {
      run.losses.push(trainEpoch(run.model, train, run.gamma, run.scratch));
      const { recall, accuracy } = evaluate(run.model, test, MINORITY, evalLogits);
      run.recalls.push(recall);
      run.accuracy = accuracy;
    }
  };

  const tick = () => {
    for (let k = 0; k < EPOCHS_PER_FRAME && epoch < EPOCHS; k++) step();
    draw();
    if (epoch >= EPOCHS) stop(`Finished ${EPOCHS} epochs: ${summary()}.`, true);
    else frame = requestAnimationFrame(tick);
  };

  function stop(message: string, done = false) {
    cancelAnimationFrame(frame);
    frame = 0;
    button.textContent = 'Start';
    gammaField.disabled = false;
    if (message) status.textContent = message;
    if (done) status.dataset.done = 'true';
  }

  const summary = () => runs.map((r) => `minority recall ${r.recalls.at(-1)?.toFixed(2)} with ${r.name}`).join(', ');

  button.addEventListener('click', () => {
    if (frame) return stop(`Stopped at epoch ${epoch}: ${summary()}.`);
    if (readGamma() === null) return;
    if (epoch >= EPOCHS || runs.length === 0) reset();
    button.textContent = 'Stop';
    gammaField.disabled = true;
    status.textContent = `Training: ${EPOCHS} epochs, ${EPOCHS_PER_FRAME} per frame…`;
    frame = requestAnimationFrame(tick);
  });
  resetButton.addEventListener('click', reset);
  gammaField.addEventListener('change', reset);

  const canvasRedraw = () => runs.forEach((run, k) => regions(canvases[k], run.model, latticeLogits));
  const series = (values: (run: Run) => number[]) =>
    runs.map((run, k) => ({ label: k ? 'cross-entropy' : 'focal loss', colour: k ? MODEL_COLOURS.ce : MODEL_COLOURS.focal, values: values(run), dashed: k === 1 }));
  const redrawLoss = responsive(lossChart, 220, (width) => {
    const all = runs.flatMap((r) => r.losses).filter((v) => v > 0);
    const [lo, hi] = [10 ** Math.floor(Math.log10(Math.min(...all, 0.1))), 10 ** Math.ceil(Math.log10(Math.max(...all, 1)))];
    const ticks = [];
    for (let t = lo; t <= hi * 1.001; t *= 10) ticks.push(t);
    lineChart(lossChart, {
      width, height: 220,
      x: { max: EPOCHS, ticks: [0, 100, 200, 300], label: 'epoch' },
      y: { min: lo, max: hi, ticks, log: true },
      series: series((run) => run.losses),
    });
  });
  const redrawRecall = responsive(recallChart, 220, (width) => {
    lineChart(recallChart, {
      width, height: 220,
      x: { max: EPOCHS, ticks: [0, 100, 200, 300], label: 'epoch' },
      y: { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] },
      legend: 'bottom',
      series: series((run) => run.recalls),
    });
  });

  function draw() {
    canvasRedraw();
    redrawLoss();
    redrawRecall();
    runs.forEach((run, k) => {
      const recall = run.recalls.at(-1);
      stats[k].textContent = recall === undefined
        ? 'epoch 0: not trained yet'
        : `epoch ${epoch}: loss ${run.losses.at(-1)!.toPrecision(3)}, minority recall ${recall.toFixed(2)}, accuracy ${run.accuracy.toFixed(3)}`;
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
