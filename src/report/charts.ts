import type { AccumulatorSummary, ClassSummary } from '../accumulator/accumulator.js';
import type { Calibration } from '../accumulator/diagnostics-summary.js';
import { COLOURS, escape, FONT, format, percent, svg, tag, text } from './svg.js';

// The diagnostics' charts and tables, as SVG and HTML text: per-class counts and mean loss,
// the reliability diagram, the easy and hard samples' shares of the cross-entropy and of the
// focal loss, and the hardest samples. The CLI's --html report and the demo draw these same
// functions.

/** A summary made with the `diagnostics` option. */
export type Diagnosed = AccumulatorSummary & Required<Pick<AccumulatorSummary, 'diagnosed' | 'easy' | 'calibration' | 'hardest' | 'recommendedAlpha'>>;

/** Binary summaries count positives per label column. */
export const isBinary = (s: AccumulatorSummary): boolean => s.perClass.some((c) => c.positives !== undefined);

/** At most this many classes are drawn: those with the largest loss sums. */
export const MOST_CLASSES = 24;

/** The classes a chart shows, by index: all of them, or the MOST_CLASSES with the largest loss sums. */
export function shownClasses(s: AccumulatorSummary): number[] {
  const all = s.perClass.map((_, c) => c);
  if (all.length <= MOST_CLASSES) return all;
  return all.sort((a, b) => s.perClass[b].sum - s.perClass[a].sum || a - b).slice(0, MOST_CLASSES).sort((a, b) => a - b);
}

/** Per class (binary: per column) two bars: samples (binary: positives) and the mean loss. */
export function perClassChart(s: Diagnosed, width: number): string {
  const binary = isBinary(s);
  const classes = shownClasses(s);
  const name = binary ? 'label' : 'class';
  const label = (c: number) => `${name} ${c}`;
  const labelWidth = 12 + Math.max(...classes.map((c) => label(c).length), 5) * FONT * 0.6;
  const gap = 16;
  const panel = (width - labelWidth - gap - 8) / 2;
  const row = 24;
  const top = 30;
  const height = top + classes.length * row + 8;
  const counts = classes.map((c) => (binary ? s.perClass[c].positives! : s.perClass[c].count));
  const means = classes.map((c) => s.perClass[c].mean);
  const body: string[] = [
    text(labelWidth, 16, binary ? 'positives (y ≥ 0.5)' : 'samples', { 'font-weight': 600 }),
    text(labelWidth + panel + gap, 16, 'mean loss', { 'font-weight': 600 }),
  ];
  const bars = (values: number[], x0: number, colour: string) => {
    const most = Math.max(...values, 0);
    values.forEach((v, k) => {
      const y = top + k * row;
      const valueText = format(v);
      const room = panel - valueText.length * FONT * 0.6 - 8;
      const length = most > 0 ? Math.max(v > 0 ? 1 : 0, (v / most) * room) : 0;
      body.push(tag('rect', { x: x0, y: y + 4, width: length, height: row - 10, fill: colour }));
      body.push(text(x0 + length + 4, y + row / 2 + FONT / 3, valueText));
    });
  };
  classes.forEach((c, k) => body.push(text(labelWidth - 8, top + k * row + row / 2 + FONT / 3, label(c), { 'text-anchor': 'end' })));
  bars(counts, labelWidth, COLOURS.count);
  bars(means, labelWidth + panel + gap, COLOURS.loss);
  const shown = classes.length < s.perClass.length ? ` (${classes.length} of ${s.perClass.length} with the largest loss sums)` : '';
  return svg(width, height, `Per ${name}: ${binary ? 'positives' : 'samples'} and mean loss${shown}`, body);
}

/**
 * The reliability diagram: per confidence bin the accuracy (bars) against the mean
 * confidence (the diagonal is perfect calibration), with the samples per bin beneath.
 */
export function reliabilityChart(calibration: Calibration, width: number, binary: boolean): string {
  const side = Math.min(width, 420);
  const [left, right, top] = [44, 12, 24];
  const histogram = 44;
  const plot = side - left - right;
  const height = top + plot + 34 + histogram + 20;
  const x = (v: number) => left + v * plot;
  const y = (v: number) => top + (1 - v) * plot;
  const M = calibration.bins.length;
  const body: string[] = [
    text(4, 16, binary ? 'fraction positive' : 'accuracy'),
    text(left + plot, 16, `ECE ${format(calibration.ece)}`, { 'font-weight': 600, 'text-anchor': 'end' }),
    tag('path', { d: `M${left},${top}V${top + plot}H${left + plot}`, fill: 'none', stroke: COLOURS.axis }),
  ];
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    body.push(text(left - 6, y(t) + FONT / 3, String(t), { 'text-anchor': 'end' }));
    body.push(text(x(t), top + plot + FONT + 4, String(t), { 'text-anchor': 'middle' }));
  }
  body.push(text(left + plot / 2, top + plot + 2 * FONT + 8, binary ? 'predicted probability p' : 'confidence (probability of the predicted class)', { 'text-anchor': 'middle' }));
  const most = Math.max(...calibration.bins.map((b) => b.count), 1);
  const base = top + plot + 34 + histogram;
  calibration.bins.forEach((b, k) => {
    const [x0, x1] = [x(k / M) + 1, x((k + 1) / M) - 1];
    if (b.count > 0) {
      body.push(tag('rect', { x: x0, y: y(b.accuracy!), width: Math.max(x1 - x0, 1), height: y(0) - y(b.accuracy!), fill: COLOURS.count, 'fill-opacity': 0.75 }));
      // The gap between accuracy and confidence, outlined.
      const [low, high] = [Math.min(b.accuracy!, b.confidence!), Math.max(b.accuracy!, b.confidence!)];
      body.push(tag('rect', { x: x0, y: y(high), width: Math.max(x1 - x0, 1), height: y(low) - y(high), fill: 'none', stroke: COLOURS.loss, 'stroke-width': 1.5 }));
    }
    const h = b.count === 0 ? 0 : Math.max(1, (Math.log1p(b.count) / Math.log1p(most)) * histogram);
    body.push(tag('rect', { x: x0, y: base - h, width: Math.max(x1 - x0, 1), height: h, fill: COLOURS.axis }));
  });
  body.push(tag('path', { d: `M${x(0)},${y(0)}L${x(1)},${y(1)}`, stroke: COLOURS.ideal, 'stroke-dasharray': '5 4', fill: 'none' }));
  body.push(text(left, base + FONT + 6, `samples per bin (log scale, most ${format(most)})`));
  return svg(side, height + 8, `Reliability diagram: ${binary ? 'fraction positive' : 'accuracy'} against ${binary ? 'p' : 'confidence'} in ${M} bins; ECE ${format(calibration.ece)}`, body);
}

/** The easy samples' (p_t ≥ 0.5) and the others' shares of the samples, the cross-entropy and the focal loss. */
export function sharesChart(s: Diagnosed, width: number, title = 'focal loss'): string {
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  const rows: Array<[string, number | null]> = [
    ['samples', share(s.easy.count, s.diagnosed.count)],
    ['cross-entropy', share(s.easy.crossEntropySum, s.crossEntropySum ?? 0)],
    [title, share(s.easy.lossSum, s.diagnosed.lossSum)],
  ];
  const labelWidth = 12 + Math.max(...rows.map(([name]) => name.length)) * FONT * 0.6;
  const bar = width - labelWidth - 12;
  const row = 34;
  const top = 30;
  const body: string[] = [
    tag('rect', { x: labelWidth, y: 6, width: 12, height: 12, fill: COLOURS.easy }),
    text(labelWidth + 18, 16, `easy (p_t ≥ ${s.easy.threshold})`),
    tag('rect', { x: labelWidth + 150, y: 6, width: 12, height: 12, fill: COLOURS.hard }),
    text(labelWidth + 168, 16, 'hard'),
  ];
  rows.forEach(([name, easy], k) => {
    const y = top + k * row;
    body.push(text(labelWidth - 8, y + row / 2, name, { 'text-anchor': 'end' }));
    if (easy === null) {
      body.push(text(labelWidth, y + row / 2, 'nothing diagnosed'));
      return;
    }
    const split = labelWidth + easy * bar;
    body.push(tag('rect', { x: labelWidth, y: y + 4, width: split - labelWidth, height: row - 12, fill: COLOURS.easy }));
    body.push(tag('rect', { x: split, y: y + 4, width: labelWidth + bar - split, height: row - 12, fill: COLOURS.hard }));
    const inside = (from: number, to: number, value: string, anchor: 'start' | 'end') => {
      if (to - from < value.length * FONT * 0.6 + 8) return;
      body.push(text(anchor === 'start' ? from + 4 : to - 4, y + row / 2 + 1, value, { 'text-anchor': anchor, fill: '#fff' }));
    };
    inside(labelWidth, split, percent(easy), 'start');
    inside(split, labelWidth + bar, percent(1 - easy), 'end');
  });
  return svg(width, top + rows.length * row + 4, `Shares of easy and hard samples: samples ${percent(rows[0][1])} easy, cross-entropy ${percent(rows[1][1])} from easy samples, ${title} ${percent(rows[2][1])} from easy samples`, body);
}

/** An HTML table with a header row; cells are text. */
export function table(caption: string, head: string[], rows: string[][]): string {
  return tag('table', {}, [
    tag('caption', {}, escape(caption)),
    tag('thead', {}, tag('tr', {}, head.map((h) => tag('th', { scope: 'col' }, escape(h))))),
    tag('tbody', {}, rows.map((r) => tag('tr', {}, r.map((cell, j) => tag(j === 0 ? 'th' : 'td', j === 0 ? { scope: 'row' } : {}, escape(cell)))))),
  ]);
}

/** Per class (binary: per column): counts, mean loss, recall, precision and the recommended α. */
export function classTable(s: Diagnosed): string {
  const binary = isBinary(s);
  const alpha = s.recommendedAlpha;
  const head = binary
    ? ['label', 'positives', 'mean loss', 'recall', 'precision', 'ECE', 'α inverse frequency', 'α class-balanced']
    : ['class', 'samples', 'mean loss', 'recall', 'precision', 'predicted', 'α inverse frequency', 'α class-balanced'];
  const rows = s.perClass.map((c: ClassSummary, k) => [
    String(k), format(binary ? c.positives! : c.count), format(c.mean), format(c.recall), format(c.precision),
    binary ? format(c.calibration!.ece) : format(c.predicted!), format(alpha.inverseFrequency?.[k]), format(alpha.classBalanced?.[k]),
  ]);
  const note = alpha.reason === undefined ? `β = ${alpha.beta} for class-balanced α` : `no recommended α: ${alpha.reason}`;
  return table(`Per ${binary ? 'label column' : 'class'} (${note})`, head, rows);
}

/** The hardest samples, hardest first. */
export function hardestTable(s: Diagnosed): string {
  const binary = isBinary(s);
  const head = binary ? ['#', 'row', 'column', 'target', 'loss', 'p_t'] : ['#', 'row', 'label', 'loss', 'p_t'];
  const rows = s.hardest.map((h, k) => [
    String(k + 1), String(h.row), ...(binary ? [String(h.column)] : []), format(h.label), format(h.loss), format(h.pt),
  ]);
  return table(`The ${s.hardest.length} ${binary ? 'elements' : 'samples'} with the largest loss`, head, rows);
}

/** The calibration bins as a table. */
export function binsTable(calibration: Calibration, binary: boolean): string {
  const M = calibration.bins.length;
  const rows = calibration.bins.map((b, k) => [
    `(${format(k / M)}, ${format((k + 1) / M)}]`, format(b.count), format(b.confidence), format(b.accuracy),
  ]);
  return table(`Calibration bins (ECE ${format(calibration.ece)})`, [binary ? 'p' : 'confidence', 'samples', binary ? 'mean p' : 'mean confidence', binary ? 'fraction positive' : 'accuracy'], rows);
}
