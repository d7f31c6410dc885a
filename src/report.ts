// focal-loss-wasm/report: an accumulator's diagnostics as charts and as one self-contained
// HTML page (what the CLI's --html writes and the demo draws).
export {
  diagnosticsCharts, diagnosticsHtml, type DiagnosticsChartOptions, type DiagnosticsCharts, type DiagnosticsReportOptions,
} from './report/page.js';
