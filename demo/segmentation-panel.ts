// The Segmentation panel: a synthetic image, its mask and a model's channels-first class maps;
// the per-pixel cross-entropy and focal loss come from focalLoss(..., { shape, axis: 1,
// reduction: 'none' }) and are drawn as heat maps of each pixel's share of its loss, so that
// where focal loss moves the weight (to edges and the rare class) shows at a glance.
import { focalLoss } from 'focal-loss-wasm';
import { format } from './chart.js';
import { HEIGHT, makeScene, WIDTH } from './scene.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const SHAPE = [1, 3, HEIGHT, WIDTH];
/** Mask colours of background, large object, rare object. */
const CLASS_RGB = [
  [226, 232, 240],
  [43, 108, 176],
  [221, 107, 32],
];

const scene = makeScene();
const PIXELS = WIDTH * HEIGHT;

/** Each pixel's loss (its mean over the image is the loss), channels-first logits read where they lie. */
const perPixel = (gamma: number) =>
  focalLoss(scene.mask, scene.logits, { fromLogits: true, shape: SHAPE, axis: 1, gamma, reduction: 'none' });

function paint(canvas: HTMLCanvasElement, pixel: (k: number) => ArrayLike<number>): void {
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const rgba = new Uint8ClampedArray(4 * PIXELS);
  for (let k = 0; k < PIXELS; k++) {
    rgba.set(pixel(k), 4 * k);
    rgba[4 * k + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, WIDTH, HEIGHT), 0, 0);
}

/** White → amber → red → dark red, for t from 0 to 1. */
function heat(t: number): number[] {
  const stops = [[255, 255, 255], [251, 211, 141], [229, 62, 62], [116, 42, 42]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return stops[i].map((a, c) => a + (stops[i + 1][c] - a) * f);
}

/** Shares of a loss map's total: the rare object's pixels, the objects' edges, and the rest. */
function shares(losses: Float64Array): { rare: number; edges: number; rest: number } {
  let total = 0;
  let rare = 0;
  let edges = 0;
  for (let k = 0; k < PIXELS; k++) {
    total += losses[k];
    if (scene.mask[k] === 2) rare += losses[k];
    else if (scene.edge[k] === 1) edges += losses[k];
  }
  return { rare: rare / total, edges: edges / total, rest: (total - rare - edges) / total };
}

const percent = (x: number) => `${Math.round(100 * x)}%`;

export function setupSegmentationPanel(): void {
  const slider = $<HTMLInputElement>('seg-gamma');
  const shown = $<HTMLOutputElement>('seg-gamma-value');
  const stats = $('seg-stats');
  const focalCanvas = $<HTMLCanvasElement>('seg-focal');
  const focalTitle = $('seg-focal-title');
  const ce = perPixel(0);
  const ceTotal = ce.reduce((a, b) => a + b, 0);

  paint($<HTMLCanvasElement>('seg-image'), (k) => scene.image.subarray(4 * k, 4 * k + 3));
  paint($<HTMLCanvasElement>('seg-mask'), (k) => CLASS_RGB[scene.mask[k]]);
  // p of the true class is e^(−cross-entropy): dark where the model is unsure.
  paint($<HTMLCanvasElement>('seg-confidence'), (k) => [0, 0, 0].map(() => 255 * Math.exp(-ce[k])));
  const rareCount = scene.mask.reduce((n, c) => n + (c === 2 ? 1 : 0), 0);
  const edgeCount = scene.edge.reduce((n, e, k) => n + (e === 1 && scene.mask[k] !== 2 ? 1 : 0), 0);

  const update = () => {
    const gamma = Number(slider.value);
    shown.value = slider.value;
    focalTitle.textContent = `Focal loss, γ = ${format(gamma)}`;
    const fl = perPixel(gamma);
    const flTotal = fl.reduce((a, b) => a + b, 0);
    // One colour scale for both maps: a pixel's share of its map's total loss (square root, so
    // that the many small shares of the interior show as well as the few large ones).
    let top = 0;
    for (let k = 0; k < PIXELS; k++) top = Math.max(top, ce[k] / ceTotal, fl[k] / flTotal);
    paint($<HTMLCanvasElement>('seg-ce'), (k) => heat(Math.sqrt(ce[k] / ceTotal / top)));
    paint(focalCanvas, (k) => heat(Math.sqrt(fl[k] / flTotal / top)));
    const [a, b] = [shares(ce), shares(fl)];
    stats.textContent =
      `Share of the loss, cross-entropy → focal loss (γ = ${format(gamma)}): rare object (${percent(rareCount / PIXELS)} of the pixels) ` +
      `${percent(a.rare)} → ${percent(b.rare)}; object edges (${percent(edgeCount / PIXELS)}) ${percent(a.edges)} → ${percent(b.edges)}; ` +
      `everything else, mostly easy interior, ${percent(a.rest)} → ${percent(b.rest)}. Mean loss ${format(ceTotal / PIXELS)} → ${format(flTotal / PIXELS)}.`;
  };
  slider.addEventListener('input', update);
  update();
}
