// Combines suite runs made under different Node versions into the published results:
//   node bench/merge.mjs                     bench/results/latest-node*.json (oldest Node first)
//   node bench/merge.mjs a.json b.json       those runs, in that order
// Writes docs/benchmark.md (every contender, the targets) and docs/benchmark.svg, which ship
// with the package so the README's links resolve, and prints the README's table on stdout.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderReadme, renderSummary, renderSvg } from './report.mjs';

const dir = new URL('./results/', import.meta.url);
const args = process.argv.slice(2);
const files = args.length
  ? args.map((a) => new URL(a, `file://${process.cwd()}/`))
  : readdirSync(dir)
    .filter((f) => /^latest-node\d+\.json$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)[0]) - Number(/\d+/.exec(b)[0]))
    .map((f) => new URL(f, dir));
if (!files.length) {
  console.error('no bench/results/latest-node*.json: run `npm run bench` (and `npx -y node@24 bench/run.mjs`) first');
  process.exit(1);
}
const reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));

const machines = new Set(reports.map(({ machine: m }) => `${m.cpu}, ${m.cores}, ${m.memoryGiB}, ${m.platform}`));
if (machines.size > 1) console.error('warning: the runs were made on different machines; the table says so');
for (const r of reports) {
  if (r.quick || r.only) console.error(`warning: the Node ${r.node} run is ${r.quick ? 'a quick run (N / 100)' : `a partial run (--only=${r.only})`}`);
  if (r.load?.cpuShareMin !== null && r.load?.cpuShareMin < 0.9) {
    console.error(`warning: during the Node ${r.node} run other processes took CPU time (CPU share down to ${r.load.cpuShareMin.toFixed(2)})`);
  }
}

const docs = new URL('../docs/', import.meta.url);
const heading = '# Benchmark results\n\nWritten by `node bench/merge.mjs` from the runs of `npm run bench` (bench/results/latest-node*.json); how they are measured: [performance.md](performance.md).\n\n';
writeFileSync(new URL('benchmark.md', docs), heading + renderReadme(reports, { chart: 'benchmark.svg' }));
writeFileSync(new URL('benchmark.svg', docs), renderSvg(reports));
console.log(renderSummary(reports));
console.error(`merged ${reports.map((r) => `Node ${r.node}`).join(' and ')} into docs/benchmark.{md,svg}`);
