import type { LossName } from '../options/loss-names.js';
import { LOSSES } from '../losses/registry.js';
import type { AccumulatorState, AccumulatorSummary, CoverageSummary } from '../accumulator/accumulator.js';
import { showRanges } from '../accumulator/coverage.js';
import { diagnosedSummary, diagnosticsJson, diagnosticsText } from './diagnostics-report.js';
import { grouped } from './words.js';

/** What a run (or a merge) found, for the text and JSON reports. */
export interface Report {
  loss: LossName;
  summary: AccumulatorSummary;
  state: AccumulatorState;
  /** C (binary: K), when known. */
  classes: number | null;
  /** Rows read (a run, not a merge). */
  rows?: number;
  /** The inputs, for a run: files and the row range read. */
  inputs?: { labels: string; pred: string; rows: [number, number] };
  /** Whether the run read a range of rows (--rows, --shard) rather than whole files. */
  ranged?: boolean;
  /** How many states were merged (a merge). */
  merged?: number;
}

/** One JSON object: the loss (the mean), its sum and count, and what it was computed from; with diagnostics, summary()'s fields. */
export function jsonReport(report: Report, perClass: boolean, diagnostics = false): string {
  const { summary, state } = report;
  const out: Record<string, unknown> = {
    loss: summary.mean,
    reduction: 'mean',
    sum: summary.sum,
    count: summary.count,
    weightSum: summary.weightSum,
    kind: report.loss,
    classes: report.classes,
  };
  if (report.rows !== undefined) {
    out.rows = report.rows;
    if (LOSSES[report.loss].reduces === 'classes') out.ignored = report.rows - summary.count;
  }
  out.options = { ...state.options, epsilon: state.epsilon ?? state.options.epsilon };
  if (report.inputs !== undefined) out.inputs = report.inputs;
  if (report.merged !== undefined) out.merged = report.merged;
  out.coverage = summary.coverage;
  if (perClass) out.perClass = summary.perClass.map((c, i) => ({ class: i, count: c.count, sum: c.sum, mean: c.mean }));
  if (diagnostics) Object.assign(out, diagnosticsJson(diagnosedSummary(summary, report.merged !== undefined)));
  return `${JSON.stringify(out, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`;
}

/** A readable summary; with perClass, a table of count, loss sum and mean per class; then the diagnostics. */
export function textReport(report: Report, perClass: boolean, diagnostics = false): string {
  const { summary, state } = report;
  const binary = LOSSES[report.loss].reduces === 'elements';
  const what = binary ? 'element' : 'sample';
  const lines: Array<[string, string]> = [
    [LOSSES[report.loss].title, `${number(summary.mean)}  (mean over ${grouped(summary.count, what)})`],
    ['sum', number(summary.sum)],
    ['count', `${summary.count}`],
  ];
  if (report.rows !== undefined) {
    const ignored = report.rows - summary.count;
    lines.push(['rows', `${report.rows}${!binary && ignored > 0 ? ` (${ignored} ignored)` : ''}`]);
  }
  if (report.classes !== null) lines.push([binary ? 'labels per row' : 'classes', `${report.classes}`]);
  lines.push(['options', settings(state)]);
  if (report.inputs !== undefined) {
    lines.push([binary ? 'targets' : 'labels', report.inputs.labels]);
    lines.push(['predictions', report.inputs.pred]);
    const [start, end] = report.inputs.rows;
    if (report.ranged === true) lines.push(['row range', `${start}:${end}`]);
  }
  if (report.merged !== undefined) lines.push(['merged states', `${report.merged}`]);
  for (const c of summary.coverage) lines.push(['covers', covers(c, report.merged !== undefined)]);
  const width = Math.max(...lines.map(([k]) => k.length));
  let text = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
  if (perClass) text += `\n${table(summary, binary)}`;
  if (diagnostics) text += `\n${diagnosticsText(diagnosedSummary(summary, report.merged !== undefined), binary, LOSSES[report.loss].title)}`;
  return text;
}

function table(summary: AccumulatorSummary, binary: boolean): string {
  const head = [binary ? 'label' : 'class', 'count', 'loss sum', 'mean'];
  const rows = summary.perClass.map((c, i) => [`${i}`, `${c.count}`, number(c.sum), number(c.mean)]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j])).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return `${[line(head), rule, ...rows.map(line)].join('\n')}\n`;
}

/** What a state covers of one data set: "rows 0–999 of the 3001 of p.npy#…", and for a merge what it misses. */
function covers(c: CoverageSummary, merged: boolean): string {
  const rows = c.ranges.length === 0 ? 'no rows' : showRanges(c.ranges);
  if (c.totalRows === undefined) return `${rows} of ${c.source}`;
  if (c.complete === true) return `all ${c.totalRows} rows of ${c.source}`;
  return `${rows} of the ${c.totalRows} of ${c.source}${merged ? `; missing ${showRanges(c.missing!)}` : ''}`;
}

/** The options a state was made with, in words. */
export function settings(state: AccumulatorState): string {
  const o = state.options;
  const parts = [`gamma ${o.gamma}`];
  parts.push(`alpha ${o.alpha === null ? 'none' : Array.isArray(o.alpha) ? o.alpha.join(',') : o.alpha}`);
  parts.push(o.fromLogits ? 'from logits' : 'probabilities');
  parts.push(`epsilon ${state.epsilon ?? o.epsilon}`);
  if (o.ignoreIndex !== null && o.ignoreIndex !== undefined) parts.push(`ignore index ${o.ignoreIndex}`);
  if (o.labelSmoothing !== 0) parts.push(`label smoothing ${o.labelSmoothing}`);
  return parts.join(', ');
}

/** Every digit needed to read the double back (JavaScript's shortest round trip). */
function number(x: number): string {
  return String(x);
}
