import type { AccumulatorSummary } from '../accumulator/accumulator.js';
import { fail } from '../errors/detail.js';
import { describe } from '../errors/show.js';
import {
  binsTable, classTable, hardestTable, isBinary, perClassChart, reliabilityChart, sharesChart, type Diagnosed,
} from './charts.js';
import { escape, format, percent, tag } from './svg.js';

/** Options of {@link diagnosticsHtml}. */
export interface DiagnosticsReportOptions {
  /** The page's heading. Default "Focal loss diagnostics". */
  title?: string;
  /** Lines under the heading, as [name, value] (inputs, options, rows). */
  details?: ReadonlyArray<readonly [string, string]>;
  /** What the charts call the loss. Default "focal loss". */
  loss?: string;
}

/** Options of {@link diagnosticsCharts}. */
export interface DiagnosticsChartOptions {
  /** The charts' width in CSS pixels (their text stays 12 px). Default 640. */
  width?: number;
  /** What the charts call the loss. Default "focal loss". */
  loss?: string;
}

/** The charts (SVG) and tables (HTML) of a diagnosed summary, as markup to insert. */
export interface DiagnosticsCharts {
  perClass: string;
  reliability: string;
  shares: string;
  classTable: string;
  binsTable: string;
  hardestTable: string;
}

function diagnosed(fn: string, summary: AccumulatorSummary): Diagnosed {
  const s = summary as Partial<Diagnosed> | null;
  if (typeof s !== 'object' || s === null || s.calibration === undefined || s.easy === undefined || !Array.isArray(s.perClass)) {
    throw fail(TypeError, fn)`summary must be what summary() returns for an accumulator created with diagnostics, got ${describe(summary)}`;
  }
  return s as Diagnosed;
}

/**
 * The charts and tables of an accumulator's diagnostics: per-class samples and mean loss,
 * the reliability diagram, the easy and hard samples' shares of the cross-entropy and the
 * loss, and the hardest samples. `summary` is `summary()` of an accumulator created with
 * `diagnostics`.
 */
export function diagnosticsCharts(summary: AccumulatorSummary, options: DiagnosticsChartOptions = {}): DiagnosticsCharts {
  const s = diagnosed('diagnosticsCharts', summary);
  const width = Math.max(280, options.width ?? 640);
  const binary = isBinary(s);
  return {
    perClass: perClassChart(s, width),
    reliability: reliabilityChart(s.calibration, width, binary),
    shares: sharesChart(s, width, options.loss ?? 'focal loss'),
    classTable: classTable(s),
    binsTable: binsTable(s.calibration, binary),
    hardestTable: hardestTable(s),
  };
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; max-width: 980px; margin: 1.5em auto; padding: 0 16px; color: #1a202c; background: #fff; }
h1 { margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
section { border-top: 1px solid #e2e8f0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0.5em 0; }
dt { color: #4a5568; } dd { margin: 0; overflow-wrap: anywhere; }
.numbers { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 1em 0; }
.numbers div { display: flex; flex-direction: column; } .numbers b { font-size: 1.35em; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin-top: 0.5em; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: #4a5568; font-size: 0.9em; padding-bottom: 4px; }
td, th { border: 1px solid #e2e8f0; padding: 2px 8px; text-align: right; white-space: nowrap; } th[scope='row'] { font-weight: normal; }
svg { display: block; max-width: 100%; height: auto; margin-top: 0.5em; }
p.note { color: #4a5568; max-width: 46em; }
footer { margin-top: 2em; color: #718096; font-size: 0.9em; }`;

/**
 * One self-contained HTML page of an accumulator's diagnostics (inline CSS and SVG, no
 * script, nothing fetched): the report to attach to a pull request. `summary` is `summary()`
 * of an accumulator created with `diagnostics`.
 */
export function diagnosticsHtml(summary: AccumulatorSummary, options: DiagnosticsReportOptions = {}): string {
  const s = diagnosed('diagnosticsHtml', summary);
  const title = options.title ?? 'Focal loss diagnostics';
  const loss = options.loss ?? 'focal loss';
  const charts = diagnosticsCharts(s, { width: 720, loss });
  const binary = isBinary(s);
  const what = binary ? 'elements' : 'samples';
  const share = (a: number, b: number) => (b > 0 ? a / b : null);
  const numbers: Array<[string, string]> = [
    [`mean ${loss}`, format(s.mean)],
    [what, format(s.count)],
    ['cross-entropy (mean)', format(s.diagnosed.count > 0 ? s.crossEntropySum! / s.diagnosed.count : null)],
    ['ECE', format(s.calibration.ece)],
    [`easy ${what} (p_t ≥ ${s.easy.threshold})`, percent(share(s.easy.count, s.diagnosed.count))],
  ];
  const details = (options.details ?? []).map(([k, v]) => `${tag('dt', {}, escape(k))}${tag('dd', {}, escape(v))}`).join('');
  const section = (id: string, heading: string, ...inner: string[]) => tag('section', { id }, [tag('h2', {}, escape(heading)), ...inner]);
  const body = [
    tag('header', {}, [
      tag('h1', {}, escape(title)),
      details === '' ? '' : tag('dl', {}, details),
      tag('div', { class: 'numbers' }, numbers.map(([k, v]) => tag('div', {}, [tag('span', {}, escape(k)), tag('b', {}, escape(v))]))),
    ]),
    section('classes', binary ? 'Per label column' : 'Per class', charts.perClass, tag('div', { class: 'scroll' }, charts.classTable)),
    section('calibration', 'Calibration', tag('p', { class: 'note' }, escape(binary
      ? 'Each bin holds the elements whose predicted probability p falls in it; a calibrated model\'s fraction of positives equals its mean p (the diagonal). The outlined gaps add up, weighted by the bins\' shares, to the ECE.'
      : 'Each bin holds the samples whose confidence (the probability of the predicted class) falls in it; a calibrated model\'s accuracy equals its mean confidence (the diagonal). The outlined gaps add up, weighted by the bins\' shares, to the ECE.')),
    charts.reliability, tag('div', { class: 'scroll' }, charts.binsTable)),
    section('shares', 'Where the loss lies', tag('p', { class: 'note' }, escape(
      `Easy ${what} (p_t ≥ ${s.easy.threshold}) against the rest: their share of the ${what}, of the cross-entropy and of the ${loss}. ` +
      'Focal loss is meant to take the weight off the easy ones.',
    )), charts.shares),
    section('hardest', `Hardest ${what}`, tag('div', { class: 'scroll' }, charts.hardestTable)),
    tag('footer', {}, escape(`Written by focal-loss-wasm. ${s.diagnosed.count < s.count ? `${format(s.count - s.diagnosed.count)} samples with target rows have no class and are in no diagnostic.` : ''}`)),
  ];
  return `<!doctype html>\n${tag('html', { lang: 'en' }, [
    tag('head', {}, [
      '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
      // No icon to fetch either.
      '<link rel="icon" href="data:,">',
      tag('title', {}, escape(title)), tag('style', {}, STYLE),
    ]),
    tag('body', {}, body),
  ])}\n`;
}
