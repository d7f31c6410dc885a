// Focal loss against p_t for fixed γs and a highlighted (γ, α), computed by the library itself.
import { focalLoss } from 'focal-loss-wasm';
import { format, lineChart, niceMax, responsive, type Series } from './chart.js';
import { FieldError, readNumber, report } from './fields.js';

const POINTS = 240;
const p = Float64Array.from({ length: POINTS }, (_, i) => 0.004 + (0.996 * i) / (POINTS - 1));
const labels = new Uint8Array(POINTS);
const GAMMAS = [0, 0.5, 1, 2, 5];
/** Each at least 4.5 : 1 against white, as legend text. */
const COLOURS = ['#1a202c', '#6b46c1', '#2b6cb0', '#276749', '#9c4221', '#c53030'];

export function setupCurvesPanel(): void {
  const svg = document.getElementById('curves') as unknown as SVGSVGElement;
  const slider = document.getElementById('gamma') as HTMLInputElement;
  const alphaInput = document.getElementById('alpha') as HTMLInputElement;
  const shown = document.getElementById('gamma-value') as HTMLOutputElement;
  const error = document.getElementById('curves-error') as HTMLElement;
  // The last valid α: while the field is wrong the chart keeps it and the message says why.
  let alpha = 1;

  const draw = (width: number) => {
    const gamma = Number(slider.value);
    const series: Series[] = [...GAMMAS, gamma].map((g, k) => {
      const custom = k === GAMMAS.length;
      const values = focalLoss(labels, p, { gamma: g, alpha: custom ? alpha : undefined, epsilon: 0, reduction: 'none' });
      const label = custom ? `γ = ${format(g)}, α = ${format(alpha)} (highlighted)` : `γ = ${g}`;
      return { label, colour: COLOURS[k], values, dashed: custom, thick: custom };
    });
    // −ln p_t reaches 5.5 at the left edge: the axis shows up to 5 (× α when α > 1), and clips.
    const yMax = niceMax(5 * Math.max(1, alpha));
    const yTicks = Array.from({ length: 6 }, (_, k) => (yMax * k) / 5);
    lineChart(svg, {
      width,
      height: 320,
      x: { max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], label: 'p_t (probability of the true class)', values: p },
      y: { max: yMax, ticks: yTicks, label: 'loss FL(p_t)' },
      series,
    });
  };
  const redraw = responsive(svg, 320, draw);

  const update = () => {
    shown.value = slider.value;
    try {
      alpha = readNumber(alphaInput, { name: 'α', min: 0, hint: 'enter a number ≥ 0 (1 means no weighting)' });
      report(error, null, [alphaInput]);
    } catch (e) {
      report(error, e as FieldError, [alphaInput]);
    }
    redraw();
  };
  slider.addEventListener('input', update);
  alphaInput.addEventListener('input', update);
  update();
}
