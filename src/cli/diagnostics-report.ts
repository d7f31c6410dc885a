import type { AccumulatorSummary, ClassSummary } from '../accumulator/accumulator.js';
import type { Calibration } from '../accumulator/diagnostics-summary.js';
import { InputError } from './input-error.js';

// What --diagnostics adds to the readable summary and to --json (summary()'s own fields).

type Diagnosed = Required<AccumulatorSummary>;

/** The summary's diagnostics, or an InputError when the run (or a merged state) has none. */
export function diagnosedSummary(summary: AccumulatorSummary, merged: boolean): Diagnosed {
  if (summary.calibration === undefined) {
    throw new InputError(merged
      ? 'the states hold no diagnostics: write them with --diagnostics (with --state-out) to merge their diagnostics'
      : 'internal error: the run kept no diagnostics');
  }
  return summary as Diagnosed;
}

/** summary()'s diagnostics fields, for --json; perClass entries come with their index. */
export function diagnosticsJson(s: Diagnosed): Record<string, unknown> {
  const { diagnosed, crossEntropySum, easy, calibration, recommendedAlpha, hardest } = s;
  return {
    perClass: s.perClass.map((c, i) => ({ class: i, ...c })),
    diagnosed, crossEntropySum, easy, calibration, recommendedAlpha, hardest,
  };
}

/** Six significant digits: the tables' numbers (the summary lines above them keep every digit). */
const short = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : String(Number(x.toPrecision(6))));
const percent = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');

function grid(head: string[], rows: string[][]): string {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j])).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function bins(calibration: Calibration): string {
  const M = calibration.bins.length;
  const rows = calibration.bins.map((b, k) => [`(${short(k / M)}, ${short((k + 1) / M)}]`, `${b.count}`, short(b.confidence), short(b.accuracy)]);
  return grid(['confidence bin', 'count', 'confidence', 'accuracy'], rows);
}

/** The diagnostics as text: the easy share, ECE, a per-class table, the bins and the hardest rows. */
export function diagnosticsText(s: Diagnosed, binary: boolean, lossTitle: string): string {
  const what = binary ? 'elements' : 'samples';
  const lines: Array<[string, string]> = [
    ['diagnosed', `${s.diagnosed.count} ${what}${s.diagnosed.count < s.count ? ` (${s.count - s.diagnosed.count} with target rows have no class)` : ''}`],
    ['cross-entropy', `${s.crossEntropySum}  (mean ${short(s.diagnosed.count > 0 ? s.crossEntropySum / s.diagnosed.count : null)})`],
    [`easy ${what}`, `${s.easy.count} with p_t >= ${s.easy.threshold} (${percent(s.easy.count, s.diagnosed.count)}): ` +
      `${percent(s.easy.crossEntropySum, s.crossEntropySum)} of the cross-entropy, ${percent(s.easy.lossSum, s.diagnosed.lossSum)} of the ${lossTitle}`],
    ['ECE', `${s.calibration.ece ?? '-'}  (${s.calibration.bins.length} bins${binary ? ', p against y, all columns' : ''})`],
  ];
  const alpha = s.recommendedAlpha;
  if (alpha.reason !== undefined) lines.push(['recommended alpha', `none: ${alpha.reason}`]);
  const width = Math.max(...lines.map(([k]) => k.length));
  const head = binary
    ? ['label', 'positives', 'loss mean', 'recall', 'precision', 'ECE', 'alpha (inv. freq.)', 'alpha (class-bal.)']
    : ['class', 'count', 'loss mean', 'recall', 'precision', 'predicted', 'alpha (inv. freq.)', 'alpha (class-bal.)'];
  const perClass = s.perClass.map((c: ClassSummary, k) => [
    `${k}`, `${binary ? c.positives : c.count}`, short(c.mean), short(c.recall), short(c.precision),
    binary ? short(c.calibration!.ece) : `${c.predicted}`, short(alpha.inverseFrequency?.[k]), short(alpha.classBalanced?.[k]),
  ]);
  const hardest = grid(
    binary ? ['#', 'row', 'column', 'target', 'loss', 'p_t'] : ['#', 'row', 'label', 'loss', 'p_t'],
    s.hardest.map((h, k) => [`${k + 1}`, `${h.row}`, ...(binary ? [`${h.column}`] : []), short(h.label), short(h.loss), short(h.pt)]),
  );
  return [
    lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'),
    `${grid(head, perClass)}${alpha.reason === undefined ? `\n(class-balanced alpha with beta ${alpha.beta})` : ''}`,
    bins(s.calibration),
    `hardest ${what} (row numbers in the input${binary ? ', column: the label column' : ''}):\n${hardest}`,
  ].join('\n\n') + '\n';
}
