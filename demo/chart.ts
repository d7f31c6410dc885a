// SVG charts drawn at the width they are shown at: one user unit is one CSS pixel, so text
// keeps its size on a phone instead of shrinking with a scaled-down viewBox.

const SVG = 'http://www.w3.org/2000/svg';
/** Chart text size in CSS px. */
export const FONT = 12;

export function svgElement(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A number as a chart shows it: 0.25, 12, 1.5e9, 3e-5. */
export function format(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(value.toPrecision(4)));
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/** The smallest "round" number ≥ max that a linear axis can end on. */
export function niceMax(max: number, count = 5): number {
  const step = niceStep(max, count);
  return Math.ceil(max / step - 1e-9) * step;
}

/**
 * Draws `draw(width)` into the SVG now and whenever its rendered width changes; the SVG's
 * viewBox is width × height, so its user units are CSS pixels. Returns a redraw function.
 */
export function responsive(svg: SVGSVGElement, height: number, draw: (width: number) => void): () => void {
  let width = 0;
  const redraw = () => {
    width = svg.getBoundingClientRect().width || width;
    if (width === 0) return;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('height', String(height));
    svg.replaceChildren();
    draw(width);
  };
  new ResizeObserver(() => {
    if (svg.getBoundingClientRect().width !== width) redraw();
  }).observe(svg);
  redraw();
  return redraw;
}

export interface Series {
  label: string;
  colour: string;
  /** y values; x values are the chart's `x` array (or 1, 2, … when it has none). */
  values: ArrayLike<number>;
  dashed?: boolean;
  thick?: boolean;
}

export interface LineChart {
  width: number;
  height: number;
  x: { max: number; min?: number; ticks: number[]; label: string; values?: ArrayLike<number> };
  y: { max: number; min?: number; ticks: number[]; label: string };
  series: Series[];
  /** Where the legend goes: the top-right corner (default) or the bottom-right one. */
  legend?: 'top' | 'bottom';
}

/** Axes, ticks, their labels, curves clipped to the plot area, and a legend in the top-right corner. */
export function lineChart(svg: SVGSVGElement, chart: LineChart): void {
  const { width, height, x: xAxis, y: yAxis } = chart;
  const yLabels = yAxis.ticks.map(format);
  const longest = Math.max(...yLabels.map((t) => t.length));
  // Left of the tick labels, the y-axis label, turned to run up the axis.
  const [left, right, top, bottom] = [2 * FONT + 12 + longest * FONT * 0.62, 14, 10, 2.9 * FONT + 6];
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const [x0, y0] = [xAxis.min ?? 0, yAxis.min ?? 0];
  const x = (v: number) => left + ((v - x0) / (xAxis.max - x0)) * plotWidth;
  const y = (v: number) => top + plotHeight - ((v - y0) / (yAxis.max - y0)) * plotHeight;
  const clip = `${svg.id}-plot`;
  const defs = svgElement('defs', {});
  const clipPath = svgElement('clipPath', { id: clip });
  clipPath.append(svgElement('rect', { x: left, y: top - 2, width: plotWidth + 2, height: plotHeight + 4 }));
  defs.append(clipPath);
  svg.append(defs);
  svg.append(svgElement('path', { d: `M${left},${top}V${top + plotHeight}H${left + plotWidth}`, fill: 'none', stroke: '#718096' }));
  yAxis.ticks.forEach((t, k) => {
    svg.append(svgElement('text', { x: left - 6, y: y(t) + FONT / 3, 'text-anchor': 'end', 'font-size': FONT }, yLabels[k]));
  });
  for (const t of xAxis.ticks) {
    svg.append(svgElement('text', { x: x(t), y: top + plotHeight + FONT + 4, 'text-anchor': 'middle', 'font-size': FONT }, format(t)));
  }
  svg.append(svgElement('text', { x: left + plotWidth / 2, y: height - 6, 'text-anchor': 'middle', 'font-size': FONT }, xAxis.label));
  const middle = top + plotHeight / 2;
  svg.append(svgElement('text', {
    class: 'y-label', x: FONT + 2, y: middle, transform: `rotate(-90 ${FONT + 2} ${middle})`, 'text-anchor': 'middle', 'font-size': FONT,
  }, yAxis.label));
  for (const s of chart.series) {
    let d = '';
    for (let i = 0; i < s.values.length; i++) {
      const xv = xAxis.values ? xAxis.values[i] : i + 1;
      d += `${i ? 'L' : 'M'}${x(xv).toFixed(1)},${y(s.values[i]).toFixed(1)}`;
    }
    if (d === '') continue;
    svg.append(svgElement('path', {
      class: 'curve', d, fill: 'none', stroke: s.colour, 'clip-path': `url(#${clip})`,
      'stroke-width': s.thick ? 3 : 1.6, 'stroke-dasharray': s.dashed ? '6 3' : 'none',
    }));
  }
  const line = FONT + 4;
  const legendTop = chart.legend === 'bottom' ? top + plotHeight - 8 - chart.series.length * line : top + 4;
  legend(svg, chart.series, left + plotWidth, legendTop, line);
}

/** One line per series, right-aligned at `right`, on a white box so curves never hide it. */
function legend(svg: SVGSVGElement, series: Series[], right: number, top: number, line: number): void {
  const group = svgElement('g', { class: 'legend' });
  series.forEach((s, k) => {
    const baseline = top + FONT + k * line;
    group.append(svgElement('line', {
      x1: right - 26, x2: right - 6, y1: baseline - FONT / 3, y2: baseline - FONT / 3,
      stroke: s.colour, 'stroke-width': s.thick ? 3 : 2, 'stroke-dasharray': s.dashed ? '6 3' : 'none',
    }));
    group.append(svgElement('text', { x: right - 32, y: baseline, 'text-anchor': 'end', 'font-size': FONT, fill: s.colour }, s.label));
  });
  svg.append(group);
  const b = (group as SVGGraphicsElement).getBBox();
  group.prepend(svgElement('rect', { x: b.x - 4, y: b.y - 2, width: b.width + 8, height: b.height + 4, fill: '#fff', 'fill-opacity': 0.9 }));
}
