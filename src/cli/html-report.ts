import { LOSSES } from '../losses/registry.js';
import { diagnosticsHtml } from '../report/page.js';
import { diagnosedSummary } from './diagnostics-report.js';
import { settings, type Report } from './report.js';
import { version } from './version.js';

/** The --html report of a run or a merge: its diagnostics, and what they were computed from. */
export function htmlReport(report: Report): string {
  const spec = LOSSES[report.loss];
  const details: Array<[string, string]> = [];
  if (report.inputs !== undefined) {
    details.push(['predictions', report.inputs.pred], [spec.reduces === 'elements' ? 'targets' : 'labels', report.inputs.labels]);
    if (report.ranged === true) details.push(['rows', `${report.inputs.rows[0]}:${report.inputs.rows[1]}`]);
  }
  if (report.merged !== undefined) details.push(['merged states', `${report.merged}`]);
  if (report.classes !== null) details.push([spec.reduces === 'elements' ? 'labels per row' : 'classes', `${report.classes}`]);
  details.push(['options', settings(report.state)], ['written by', `focal-loss-wasm ${version()}`]);
  const title = `${spec.title[0].toUpperCase()}${spec.title.slice(1)} diagnostics`;
  return diagnosticsHtml(diagnosedSummary(report.summary, report.merged !== undefined), { title, details, loss: spec.title });
}
