// The Node suite run again and again while busy loops load every core, so that a test that
// depends on timing (a race a quiet machine hides) fails here rather than in CI. `npm run
// test:stress` builds, then runs this:
//
//   node scripts/stress.mjs [--runs N] [--node24] [--load K] [test files...]
//
// --runs N   runs of the suite, one after another (default 10)
// --node24   the suite on Node 24 (npx -y node@24), as `npm run test:node24` runs it
// --load K   busy loops (default: one per core)
// files      only these test files (vitest filters), to stress one file many times
//
// Each run's output goes to a log file; this prints each run's result, duration and failing
// tests, then a summary, and exits 1 if any run failed. The busy loops are stopped at the end,
// on Ctrl-C and on failure, and stop by themselves if this process dies.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '10' },
    node24: { type: 'boolean', default: false },
    load: { type: 'string', default: String(availableParallelism()) },
  },
});
const runs = Number(values.runs);
const load = Number(values.load);
for (const [name, n] of [['--runs', runs], ['--load', load]]) {
  if (!Number.isSafeInteger(n) || n < 0 || (name === '--runs' && n === 0)) {
    console.error(`stress: ${name} must be a whole number${name === '--runs' ? ' of at least 1' : ''}, got ${n}`);
    process.exit(2);
  }
}

const vitest = ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json'];
const [command, prefix] = values.node24 ? ['npx', ['-y', 'node@24']] : [process.execPath, []];
const logs = mkdtempSync(join(tmpdir(), 'focal-loss-stress-'));
const children = new Set();

/** A child in its own process group, so that stopping it stops whatever it started. */
function start(file, args, options = {}) {
  const child = spawn(file, args, { detached: true, ...options });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`\nstress: ${signal}, stopping the suite and the load`);
    process.exit(130);
  });
}

const exited = (child) => new Promise((resolve) => child.on('close', (code) => resolve(code)));

/** The names of the failing tests (or files that did not load) in vitest's JSON report. */
function failures(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    return report.testResults.flatMap((f) => {
      const name = f.name.replace(`${process.cwd()}/`, '');
      const failed = f.assertionResults.filter((t) => t.status === 'failed').map((t) => `${name} > ${t.fullName}`);
      return failed.length === 0 && f.status === 'failed' ? [`${name} (${(f.message ?? '').split('\n')[0]})`] : failed;
    });
  } catch (error) {
    return [`(no JSON report: ${error.message})`];
  }
}

// Fetch Node 24 before the clock starts, so that the first run does not time the download.
if (values.node24) {
  const version = start(command, [...prefix, '--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
  version.stdout.on('data', (d) => process.stdout.write(`stress: Node ${d}`));
  if ((await exited(version)) !== 0) process.exit(1);
}

// The load: a loop that checks every ~1e8 steps that this process still lives.
const loop = `for (;;) { for (let i = 0; i < 1e8; i++); try { process.kill(${process.pid}, 0); } catch { process.exit(); } }`;
for (let k = 0; k < load; k++) start(process.execPath, ['-e', loop], { stdio: 'ignore' });
console.log(`stress: ${runs} run(s) of the Node suite on ${values.node24 ? 'Node 24' : `Node ${process.version}`}, ${load} busy loop(s), logs in ${logs}`);

const results = [];
for (let k = 1; k <= runs; k++) {
  const log = join(logs, `run-${k}.log`);
  const json = join(logs, `run-${k}.json`);
  const began = performance.now();
  const suite = start(command, [...prefix, ...vitest, `--outputFile.json=${json}`, ...positionals], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  suite.stdout.on('data', (d) => output.push(d));
  suite.stderr.on('data', (d) => output.push(d));
  const code = await exited(suite);
  const seconds = (performance.now() - began) / 1000;
  writeFileSync(log, Buffer.concat(output));
  const failed = code === 0 ? [] : failures(json);
  results.push({ ok: code === 0, seconds });
  console.log(`run ${k}/${runs}: ${code === 0 ? 'pass' : `FAIL (exit ${code})`} in ${seconds.toFixed(0)} s  ${log}`);
  for (const name of failed) console.log(`  failed: ${name}`);
}

const times = results.map((r) => r.seconds).sort((a, b) => a - b);
const median = (times[(runs - 1) >> 1] + times[runs >> 1]) / 2;
const passed = results.filter((r) => r.ok).length;
console.log(
  `stress: ${passed} of ${runs} run(s) passed; duration min ${times[0].toFixed(0)} s, ` +
    `median ${median.toFixed(0)} s, max ${times[runs - 1].toFixed(0)} s, total ${(times.reduce((a, b) => a + b, 0) / 60).toFixed(1)} min`,
);
process.exit(passed === runs ? 0 : 1);
