#!/usr/bin/env node
// The focal loss of one data set computed as a map-reduce over shards of its rows:
//
//   node examples/sharded/run.mjs preds.npy labels.npy --shards 4 [loss flags, e.g. --from-logits --gamma 2]
//
// Map: N child processes each run the CLI on one row range of the .npy files (--shard i/N)
// and print their accumulator state (--state-out -), a few hundred bytes of JSON.
// Reduce: the states are merged, once with the library (fromState + merge) and once with
// the CLI (--merge part-*.json). Both must equal the single-process CLI on the whole file.
// Across machines only the transport changes: see README.md beside this file.
// Needs the package built (npm run build): it runs dist/cli.js and imports dist/index.js.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createBinaryFocalLossAccumulator, createFocalLossAccumulator } from '../../dist/index.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const run = promisify(execFile);

function usage(message) {
  console.error(`${message}\nusage: node examples/sharded/run.mjs preds.npy labels.npy [--shards N] [CLI loss flags...]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const files = [];
const flags = [];
let shards = 4;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shards') {
    shards = Number(args[++i]);
    if (!Number.isSafeInteger(shards) || shards < 1) usage(`--shards must be a positive integer, got ${args[i]}`);
  } else if (!args[i].startsWith('-') && files.length < 2) {
    files.push(args[i]);
  } else {
    flags.push(args[i]);
  }
}
if (files.length !== 2) usage('expected two files, the predictions and the labels');
const notLoss = flags.find((f) => /^--(json|per-class|state-out|merge|shard|rows|labels|pred)\b/.test(f));
if (notLoss !== undefined) usage(`${notLoss}: run.mjs forwards loss flags only (--from-logits, --gamma, --alpha, --binary, ...)`);
const [preds, labels] = files;
const inputs = ['--labels', labels, '--pred', preds, ...flags];

/** Runs the CLI; a failure ends the example with the CLI's message and exit code. */
async function cliRun(argv) {
  try {
    return (await run(process.execPath, [cli, ...argv], { maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    process.stderr.write(error.stderr ?? String(error));
    process.exit(error.code === 2 ? 2 : 1);
  }
}

// Map: one process per shard, as many at a time as there are cores (on a cluster: one job per shard).
const started = performance.now();
const states = new Array(shards);
let nextShard = 0;
const worker = async () => {
  for (let i = nextShard++; i < shards; i = nextShard++) {
    states[i] = JSON.parse(await cliRun([...inputs, '--shard', `${i}/${shards}`, '--state-out', '-']));
  }
};
const parallel = Math.min(shards, availableParallelism());
await Promise.all(Array.from({ length: parallel }, worker));
const mapped = performance.now();

// The states travel as files (or messages, or object-store keys): small, whatever the shard's size.
const dir = mkdtempSync(join(tmpdir(), 'focal-loss-shards-'));
const parts = states.map((state, i) => {
  const path = join(dir, `part-${i}.json`);
  writeFileSync(path, JSON.stringify(state));
  return path;
});

// Reduce, with the library: any order, any grouping.
const factory = states[0].loss === 'binaryFocalLoss' ? createBinaryFocalLossAccumulator : createFocalLossAccumulator;
const merged = factory.fromState(states[0]);
for (const state of states.slice(1)) merged.merge(state);
const library = merged.summary();

// Reduce, with the CLI; and the whole file in one process, for the check.
const [cliMerged, single] = await Promise.all([
  cliRun(['--merge', ...parts, '--json']).then(JSON.parse),
  cliRun([...inputs, '--json']).then(JSON.parse),
]);
rmSync(dir, { recursive: true, force: true });

const pad = (s, n) => String(s).padEnd(n);
console.log(`${shards} shards of ${preds} (map: ${((mapped - started) / 1000).toFixed(2)} s, ${parallel} process${parallel === 1 ? '' : 'es'} at a time)`);
states.slice(0, 16).forEach((s, i) => {
  const sum = typeof s.sum[0] === 'number' ? s.sum[0] + s.sum[1] : s.sum[0];
  console.log(`  shard ${pad(`${i}/${shards}`, 7)} count ${pad(s.count, 12)} sum ${sum}`);
});
if (shards > 16) console.log(`  … ${shards - 16} more`);
const relative = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
const rows = [
  ['merged (library)', library.mean, library.count],
  ['merged (CLI --merge)', cliMerged.loss, cliMerged.count],
  ['single process', single.loss, single.count],
];
for (const [name, loss, count] of rows) console.log(`${pad(name, 22)} loss ${pad(loss, 22)} count ${count}`);
const worst = Math.max(relative(library.mean, single.loss), relative(cliMerged.loss, single.loss));
const same = library.count === single.count && cliMerged.count === single.count && worst <= 1e-12;
console.log(same
  ? `match: the merged shards equal the single-process loss (relative difference ${worst.toExponential(2)}${worst === 0 ? ', bit for bit' : ''})`
  : `MISMATCH: relative difference ${worst}`);
process.exitCode = same ? 0 : 1;
