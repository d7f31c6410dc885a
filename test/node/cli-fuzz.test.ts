// Issue 16: the CLI's argument parser and its CSV and .npy readers, fuzzed in-process (main()
// with a captured stdout and stderr, on files written to a temporary folder).
//
// Property: every run either exits 0 with a finite loss (or state), or exits 2 with one line
// on stderr, "focal-loss-wasm: …", of bounded length, that names a flag or the file it is
// about. Never exit 1 (an unexpected error), never a stack trace; a hang would time the test
// out. Failures are collected and grouped by a normalised message, so one run reports each
// distinct problem once. FUZZ_SEED and FUZZ_RUNS (a multiplier) override the seed and runs.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261209);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE), seed: SEED });
/** The longest message allowed: the CLI's own bound (2000) and its prefix. */
const MAX_LINE = 2100;

let dir: string;
let written = 0;
let tried = 0;
/** Runs that exited 0 and 2, per property: a property whose inputs all fail tests little. */
const outcomes = { ok: 0, refused: 0 };
const failures = new Map<string, { count: number; example: string }>();

function file(contents: string | Uint8Array, extension: string): string {
  const path = join(dir, `in-${written++}.${extension}`);
  writeFileSync(path, contents);
  return path;
}

/** Runs the CLI in-process and records a problem if the outcome breaks the property. */
async function attempt(argv: string[], named: readonly string[]): Promise<void> {
  tried++;
  let stdout = '';
  let stderr = '';
  let code: number;
  try {
    code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false, columns: 80 });
  } catch (error) {
    return fail(`main threw ${(error as Error).name}: ${(error as Error).message}`, argv);
  }
  if (code === 0) {
    outcomes.ok++;
    const problem = finiteResult(stdout, argv);
    if (problem !== null) fail(problem, argv);
    return;
  }
  if (code !== 2) return fail(`exit ${code}: ${stderr.split('\n')[0]}`, argv);
  outcomes.refused++;
  if (!/^focal-loss-wasm: [^\n]*\n$/.test(stderr)) return fail(`not one line: ${stderr.slice(0, 200)}`, argv);
  if (stderr.length > MAX_LINE) return fail(`a message of ${stderr.length} characters`, argv);
  if (/\n\s+at |unexpected error/.test(stderr)) return fail(`a stack trace: ${stderr.slice(0, 200)}`, argv);
  if (!/(^|[\s(])--?[a-z]/.test(stderr.slice(17)) && !named.some((name) => stderr.includes(name))) fail(`names no flag or file: ${stderr}`, argv);
}

/** What a successful run prints: --json's report, a state (--state-out -), help, the version, or the text summary. */
function finiteResult(stdout: string, argv: readonly string[]): string | null {
  if (stdout.startsWith('Usage:') || /^\d+\.\d+\.\d+/.test(stdout)) return null;
  if (stdout.startsWith('{')) {
    const json = JSON.parse(stdout);
    const value = 'loss' in json ? json.loss : json.sum?.[0];
    return typeof value === 'number' && Number.isFinite(value) ? null : `exit 0 with ${JSON.stringify(value)}`;
  }
  const loss = /^(?:binary )?focal loss +(\S+)/m.exec(stdout);
  if (loss === null) return `exit 0 with ${stdout.slice(0, 200)}`;
  // A logit of -inf for the true class is a probability of 0: the loss is +Infinity, not a number gone wrong.
  if (loss[1] === 'Infinity' && argv.includes('--from-logits') && inputs(argv).some((text) => /-inf/i.test(text))) return null;
  return Number.isFinite(Number(loss[1])) ? null : `exit 0 with ${stdout.slice(0, 200)}`;
}

/** The contents of the run's input files. */
function inputs(argv: readonly string[]): string[] {
  return argv.filter((arg) => arg.startsWith(dir)).map((path) => readFileSync(path, 'latin1'));
}

function fail(problem: string, argv: string[]): void {
  const signature = problem.replace(/\/tmp\/\S+/g, 'FILE').replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, 'N').slice(0, 160);
  const seen = failures.get(signature);
  if (seen !== undefined) seen.count++;
  else failures.set(signature, { count: 1, example: JSON.stringify(argv).slice(0, 600) });
}

// ---------------------------------------------------------------------------------------------
// Inputs: fields and lines of CSV text, .npy headers and data, command lines.

const number = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map(String),
  fc.integer({ min: -3, max: 5 }).map(String),
  fc.double({ noNaN: false }).map(String),
);
const oddField = fc.constantFrom(
  'nan', 'inf', '-inf', 'NaN', 'Inf', '0x1', '0b1', '0o7', '1_000', 'Infinity', '', ' ', '"0.5"', '"', '""', 'label', 'p0',
  '½', '1e999', '-0', '.5', '5.', '1e-400', '0,5', '1;2', '\t', '"a,b"', '\u00ef\u00bb\u00bf0',
);
const field = fc.oneof({ weight: 6, arbitrary: number }, { weight: 3, arbitrary: oddField }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const csvText = fc.record({
  header: fc.option(fc.array(fc.oneof(fc.constantFrom('label', 'p0', 'p1', '0', '1', '2', ''), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 })),
  width: fc.integer({ min: 1, max: 4 }),
  rows: fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 8 }),
  delimiter: fc.constantFrom(',', ',', ',', ';', '\t'),
  newline: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  blank: fc.boolean(),
}).map((t) => {
  const lines = [...(t.header === null ? [] : [t.header]), ...t.rows].map((r) => r.join(t.delimiter));
  if (t.blank) lines.splice(lines.length >> 1, 0, '  ');
  return `${t.bom ? '\ufeff' : ''}${lines.join(t.newline)}${t.newline}`;
});

/** CSV text whose rows are a label and probabilities that sum to 1, with some fields spoiled. */
const plausibleCsv = fc.record({
  classes: fc.integer({ min: 1, max: 4 }),
  rows: fc.array(fc.tuple(fc.nat(), fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 })), { minLength: 0, maxLength: 6 }),
  spoil: fc.option(fc.tuple(fc.nat(), fc.nat(), oddField), { freq: 2 }),
  header: fc.constantFrom('label', 'unnamed', 'none'),
}).map(({ classes, rows, spoil, header }) => {
  const table = rows.map(([y, p]) => {
    const total = p.slice(0, classes).reduce((a, b) => a + b, 0);
    return [String(y % classes), ...p.slice(0, classes).map((v) => String(v / total))];
  });
  if (spoil !== null && table.length > 0) table[spoil[0] % table.length][spoil[1] % (classes + 1)] = spoil[2];
  const names = Array.from({ length: classes + 1 }, (_, i) => (header === 'label' ? (i === 0 ? 'label' : `p${i}`) : String(i)));
  return `${header === 'none' ? '' : `${names.join(',')}\n`}${table.map((r) => r.join(',')).join('\n')}\n`;
});

/** A column of labels (sometimes with a header, sometimes spoiled), for pairs of files. */
const labelsCsv = fc.record({
  labels: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 6 }),
  header: fc.constantFrom('', 'label\n', '0\n'),
  spoil: fc.option(fc.tuple(fc.nat(), oddField), { freq: 3 }),
}).map(({ labels, header, spoil }) => {
  const fields = labels.map(String);
  if (spoil !== null && fields.length > 0) fields[spoil[0] % fields.length] = spoil[1];
  return `${header}${fields.join('\n')}\n`;
});

const descr = fc.constantFrom('<f8', '<f4', '<i8', '<i4', '|i1', '|u1', '<u2', '<u8', '|b1', '>f8', '<f2', '|O', '<c16', '<U1', '=f8', 'float32', '<f16', '', '<');
const shapeText = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).map((s) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`),
  fc.constantFrom('(2,', '(-1,)', '(1e3,)', '[2, 2]', '(2, 2, 2)', '()', "('a',)", '(99999999999999999999,)', 'None', '{}'),
);
const headerText = fc.oneof(
  { weight: 5, arbitrary: fc.record({ descr, fortran: fc.constantFrom('False', 'True', '0', 'None'), shape: shapeText, extra: fc.option(fc.constantFrom("'__proto__': {}", "'x': 1", "'descr': '<f4'", "'shape': (1,)")) })
    .map((h) => `{'descr': '${h.descr}', 'fortran_order': ${h.fortran}, 'shape': ${h.shape}, ${h.extra ?? ''}}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((d) => `{'descr': ${'('.repeat(d)}${')'.repeat(d)}}`) },
);
/** A well-formed file of 3 rows of 2 probabilities (as float32 or float64), in any format version. */
const plausibleNpy = fc.record({
  major: fc.constantFrom(1, 2, 3),
  float32: fc.boolean(),
  values: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
}).map(({ major, float32, values }) => {
  const header = `{'descr': '<f${float32 ? 4 : 8}', 'fortran_order': False, 'shape': (3, 2), }`;
  const data = new Uint8Array((float32 ? Float32Array.from(values) : Float64Array.from(values)).buffer);
  return { major, header, lengthDelta: 0, data, cut: null };
});
const npyFields = fc.record({
  major: fc.constantFrom(1, 1, 2, 3, 0, 4),
  header: headerText,
  lengthDelta: fc.constantFrom(0, 0, 0, -3, 5, 70000),
  data: fc.oneof(
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 16 }).map((v) => new Uint8Array(Float64Array.from(v).buffer)),
    fc.uint8Array({ maxLength: 64 }),
  ),
  cut: fc.option(fc.nat({ max: 40 })),
});
const npyBytes = fc.oneof(npyFields, plausibleNpy).map(({ major, header, lengthDelta, data, cut }) => {
  const start = major === 1 ? 10 : 12;
  const text = Buffer.from(`${header}\n`, major === 3 ? 'utf8' : 'latin1');
  const bytes = new Uint8Array(start + text.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(bytes.buffer);
  const length = Math.max(0, text.length + lengthDelta);
  if (major === 1) view.setUint16(8, Math.min(length, 65535), true);
  else view.setUint32(8, length, true);
  bytes.set(text, start);
  bytes.set(data, start + text.length);
  return cut === null ? bytes : bytes.subarray(0, cut);
});

const FLAGS = [
  '--labels', '--pred', '--label-column', '--rows', '--shard', '--gamma', '--alpha', '--ignore-index', '--epsilon', '--label-smoothing',
  '--backend', '--state-out', '--chunk-size', '--binary', '--from-logits', '--per-class', '--json', '--progress', '--no-progress',
  '--help', '--version', '--merge', '--header', '--no-header', '--delimiter', '--pred-columns', '--pred-column', '-h', '-v', '--preds', '--targets', '--gama', '-x', '---pred', '--', '-',
];
const lossValue = fc.constantFrom('2', '0', '-1', '1e309', 'nan', '0x1', '', ' ', '1,2,3', '0.25', 'auto', '0:2', ':', '5:1', '1/2', '0/0',
  '1', '8M', '3G', '0.5,0.5', 'wasm', 'js', 'label', 'p0', '-100', 'x'.repeat(3000));

// ---------------------------------------------------------------------------------------------

describe('fuzz: the CLI\'s arguments and file readers', () => {
  let good: Record<string, string>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'focal-loss-cli-fuzz-'));
    good = {
      csv: file('label,p0,p1\n0,0.75,0.25\n1,0.5,0.5\n1,0.125,0.875\n', 'csv'),
      labels: file('0\n1\n1\n', 'csv'),
      preds: file('0.75,0.25\n0.5,0.5\n0.125,0.875\n', 'csv'),
      binary: file('1,0.25\n0,0.5\n1,0.875\n', 'csv'),
      text: file('not a table', 'txt'),
      missing: join(dir, 'no-such.npy'),
    };
  });

  afterAll(() => {
    const summary = [...failures.entries()].map(([signature, { count, example }]) => `  ${count} × ${signature}\n      e.g. ${example}`);
    console.log(`CLI fuzz (seed ${SEED}): ${tried} runs, ${failures.size} distinct problems${summary.length ? `:\n${summary.join('\n')}` : ''}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('arbitrary command lines', async () => {
    const value = fc.oneof(lossValue, fc.constantFrom(...Object.keys(good)).map((k) => good[k]), fc.string({ maxLength: 12 }));
    const token = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...FLAGS) },
      { weight: 3, arbitrary: value },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FLAGS), value).map(([f, v]) => `${f}=${v}`) },
    );
    // Half of the command lines start from a working one.
    const base = fc.constantFrom([], [], ['--pred', good.csv], ['--labels', good.labels, '--pred', good.preds], ['--pred', good.binary, '--binary']);
    await fc.assert(fc.asyncProperty(base, fc.array(token, { maxLength: 6 }), async (start, tokens) => {
      const argv = [...start, ...tokens];
      // --state-out only ever names a file in the temporary folder (or stdout).
      const safe = argv.map((arg, i) => (argv[i - 1] === '--state-out' && arg !== '-' ? join(dir, `state-${i}.json`) : arg.startsWith('--state-out=') ? `--state-out=${join(dir, 'state.json')}` : arg));
      await attempt(safe, [...Object.values(good), ...argv]);
    }), runs(2000));
    expectBoth(100);
  });

  it('arbitrary CSV text, alone or as a pair of files, with input flags', async () => {
    const flags = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom([], ['--json'], ['--per-class']) },
      { weight: 1, arbitrary: fc.subarray(['--binary', '--from-logits', '--header', '--no-header', '--json', '--per-class'], { maxLength: 2 }) },
    );
    const extra = fc.option(fc.constantFrom(['--label-column', '1'], ['--label-column', 'label'], ['--rows', '1:3'], ['--shard', '1/2'], ['--chunk-size', '1'], ['--alpha', '0.25,0.75'], ['--delimiter', 'semicolon'], ['--delimiter', 'space'], ['--pred-columns', '1:3'], ['--pred-columns', 'p*']), { freq: 2 });
    const text = fc.oneof(
      { weight: 1, arbitrary: fc.tuple(csvText, fc.constantFrom('csv', 'tsv')) },
      { weight: 2, arbitrary: fc.tuple(plausibleCsv, fc.constant('csv')) },
    );
    const other = fc.option(fc.oneof(csvText, labelsCsv), { freq: 3 });
    await fc.assert(fc.asyncProperty(text, other, flags, extra, async ([text, extension], other, f, e) => {
      const pred = file(text, extension);
      const labels = other === null ? null : file(other, 'csv');
      const argv = [...(labels === null ? [] : ['--labels', labels]), '--pred', pred, ...f, ...(e ?? [])];
      if (labels !== null && argv.includes('--label-column')) return;
      await attempt(argv, labels === null ? [pred] : [pred, labels]);
    }), runs(2000));
    expectBoth(100);
  });

  it('arbitrary .npy headers and data, as predictions and as labels', async () => {
    await fc.assert(fc.asyncProperty(npyBytes, fc.boolean(), fc.boolean(), async (bytes, asLabels, binary) => {
      const path = file(bytes, 'npy');
      const argv = asLabels ? ['--labels', path, '--pred', good.preds] : ['--labels', good.labels, '--pred', path];
      await attempt(binary ? [...argv, '--binary'] : argv, [path]);
    }), runs(2000));
    expectBoth(100);
  });

  /** Each property reached both outcomes, successes at least `least` times (× FUZZ_RUNS); then counts afresh. */
  function expectBoth(least: number): void {
    expect(outcomes.ok, `${outcomes.ok} ok, ${outcomes.refused} refused`).toBeGreaterThanOrEqual(Math.round(least * SCALE));
    expect(outcomes.refused).toBeGreaterThanOrEqual(Math.round(least * SCALE));
    outcomes.ok = 0;
    outcomes.refused = 0;
  }

  it('tried thousands of command lines and files, and found no problem', () => {
    expect(tried).toBeGreaterThanOrEqual(Math.round(5500 * SCALE));
    const report = [...failures.entries()].map(([signature, { count, example }]) => `${count} × ${signature}\n    e.g. ${example}`);
    expect(report, `${tried} runs`).toEqual([]);
  });
});
