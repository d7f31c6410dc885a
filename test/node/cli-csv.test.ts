// How the CLI reads CSV files (issue 16, items 13 and 15 and the header and empty-input points):
// which fields are numbers, when a first line of numbers is a header, what an empty input
// gives, and the C = 1 hint. Files are written here; expected losses come from the formula.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relative, requireBuild, run, runJson, scratch } from './cli-helpers.js';

let inputs: ReturnType<typeof scratch>;
let dir: string;
const file = (contents: string, extension?: string) => inputs.file(contents, extension);

beforeAll(() => {
  requireBuild();
  inputs = scratch('focal-loss-cli-csv-');
  dir = inputs.dir;
});
afterAll(() => inputs.remove());

/** The mean focal loss -(1 - p_t)^γ log p_t of probability rows, written out here. */
function focal(labels: number[], rows: number[][], gamma = 2): number {
  const each = labels.map((y, i) => -((1 - rows[i][y]) ** gamma) * Math.log(rows[i][y]));
  return each.reduce((a, b) => a + b, 0) / labels.length;
}

function expectInputError(args: string[], message: RegExp): string {
  const r = run(args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/^focal-loss-wasm: [^\n]*\n$/);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  return r.stderr;
}

describe('CSV numbers (issue 16, item 15)', () => {
  it('reads decimal and scientific notation, padded or quoted, as NumPy and pandas write them', () => {
    const expected = focal([0, 1], [[0.5, 0.5], [0.25, 0.75]]);
    for (const half of ['0.5', '.5', '5e-1', '5E-01', '+0.5', ' 0.5 ', '\t0.5', '"0.5"', '" 0.5"', '0.500000000000000000', '50e-2']) {
      const path = file(`label,p0,p1\n0,${half},0.5\n"1",0.25,7.5e-1\n`);
      const json = runJson(['--pred', path]);
      expect(relative(json.loss, expected), JSON.stringify(half)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('reads nan, inf and -inf in any case, and reports them as NaN and Infinity', () => {
    for (const [spelling, shown] of [['nan', 'NaN'], ['NaN', 'NaN'], ['NAN', 'NaN'], ['inf', 'Infinity'], ['Inf', 'Infinity'],
      ['-inf', '-Infinity'], ['-INF', '-Infinity'], ['+inf', 'Infinity'], ['"nan"', 'NaN']]) {
      const path = file(`label,p0,p1\n0,0.5,0.5\n1,0.25,${spelling}\n`);
      expectInputError(['--pred', path], new RegExp(`line 3 \\(row 1\\), column 2 = ${shown} is not a probability`));
    }
    // -inf is a legitimate logit (probability 0 for that class); +inf is not.
    const logits = runJson(['--pred', file('label,z0,z1\n0,0,-inf\n1,0,0\n'), '--from-logits', '--gamma', '0']);
    expect(relative(logits.loss, (0 + Math.LN2) / 2)).toBeLessThanOrEqual(1e-12);
  });

  it('refuses JavaScript-only spellings, blanks and garbage, naming the line, the column and the field', () => {
    const refused = ['0x1', '0b1', '0o0', '0X1F', '1_000', 'Infinity', '-Infinity', 'infinity', '1e', '.', '-', '1.2.3', '1 2',
      '0.5%', '½', 'true', 'null', '"0x1"', '""', '"'];
    for (const field of refused) {
      const path = file(`label,p0,p1\n0,0.5,0.5\n1,${field},0.5\n`);
      const quoted = JSON.stringify(field).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expectInputError(['--pred', path], new RegExp(`line 3 \\(row 1\\), column 1: ${quoted} is not a number`));
    }
    for (const blank of ['', ' ', '\t']) {
      expectInputError(['--pred', file(`label,p0,p1\n0,0.5,${blank}\n`)], /line 2 \(row 0\), column 2 is empty: every field needs a number/);
    }
    // Labels too: a hexadecimal class index is not 1.
    expectInputError(['--pred', file('label,p0,p1\n0x1,0.5,0.5\n')], /line 2 \(row 0\), column 0: "0x1" is not a number/);
  });

  it('quotes at most 80 characters of a bad field', () => {
    const long = 'x'.repeat(100_000);
    const message = expectInputError(['--pred', file(`label,p0,p1\n0,${long},0.5\n`)], /column 1: "x{80}…" is not a number/);
    expect(message.length).toBeLessThan(400);
  });
});

describe('CSV header lines', () => {
  it('takes pandas\' names of unnamed columns (0, 1, …, k-1) as a header when the next line holds fractions', () => {
    // What DataFrame(np.column_stack([y, p])).to_csv(index=False) writes: a header 0,1,2.
    const path = file('0,1,2\n0,0.2,0.8\n1,0.6,0.4\n1,0.3,0.7\n');
    const json = runJson(['--pred', path]);
    expect(json).toMatchObject({ count: 3, rows: 3, classes: 2 });
    expect(relative(json.loss, focal([0, 1, 1], [[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]))).toBeLessThanOrEqual(1e-12);
    // --no-header reads that line as a row.
    expect(runJson(['--pred', path, '--no-header']).rows).toBe(4);
  });

  it('reads a first line of integers as data when what follows is integers too (0/1 targets)', () => {
    const targets = file('0,1\n1,1\n0,0\n');
    const preds = file('0.25,0.5\n0.5,0.75\n0.125,0.5\n');
    const json = runJson(['--binary', '--labels', targets, '--pred', preds, '--gamma', '0']);
    expect(json.count).toBe(6);
    const t = [0, 1, 1, 1, 0, 0];
    const p = [0.25, 0.5, 0.5, 0.75, 0.125, 0.5];
    const bce = t.reduce((s, y, i) => s - (y === 1 ? Math.log(p[i]) : Math.log(1 - p[i])), 0) / 6;
    expect(relative(json.loss, bce)).toBeLessThanOrEqual(1e-12);
  });

  it('hints at --header when a labels column named 0 makes the files\' lengths differ, and --header reads it so', () => {
    // pandas' Series(y).to_csv(index=False): a header "0", then the labels; DataFrame(p).to_csv(index=False) likewise.
    const labels = file('0\n1\n0\n');
    const preds = file('0,1\n0.1,0.9\n0.8,0.2\n');
    expectInputError(['--labels', labels, '--pred', preds],
      /ends after 2 rows, .* goes on; if the first line of .* \(0, 1, …\) is a header of unnamed columns, pass --header/);
    const json = runJson(['--labels', labels, '--pred', preds, '--header']);
    expect(relative(json.loss, focal([1, 0], [[0.1, 0.9], [0.8, 0.2]]))).toBeLessThanOrEqual(1e-12);
  });

  it('refuses --header with --no-header, and a named header with --no-header', () => {
    const path = file('label,p0,p1\n0,0.5,0.5\n');
    expectInputError(['--pred', path, '--header', '--no-header'], /--header and --no-header contradict each other/);
    expectInputError(['--pred', path, '--no-header'], /line 1 \(row 0\), column 0: "label" is not a number/);
  });
});

describe('empty inputs', () => {
  it('refuses a whole file with no rows (exit 2), as the library refuses an empty batch', () => {
    expectInputError(['--pred', file('label,p0,p1\n')], /f\d+\.csv holds no rows of data: there is no loss to compute/);
    expectInputError(['--pred', file('label,p0,p1\n\n  \n')], /holds no rows of data/);
    expectInputError(['--pred', file('')], /is empty: expected a header line or rows of numbers/);
    expectInputError(['--labels', file('label\n'), '--pred', file('p0,p1\n')], /holds no rows of data/);
  });

  it('writes a mergeable state for an empty row range or shard, which merges as a no-op', () => {
    const path = file('label,p0,p1\n0,0.75,0.25\n');
    const empty = join(dir, 'empty.json');
    const e = run(['--pred', path, '--rows', '1:1', '--state-out', empty]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^count +0$/m);
    // Three shards of one row: two are empty.
    const shards = [0, 1, 2].map((i) => {
      const out = join(dir, `shard-${i}.json`);
      expect(run(['--pred', path, '--shard', `${i}/3`, '--state-out', out]).code).toBe(0);
      return out;
    });
    const merged = runJson(['--merge', empty, ...shards]);
    expect(merged.count).toBe(1);
    expect(relative(merged.loss, focal([0], [[0.75, 0.25]]))).toBeLessThanOrEqual(1e-12);
    // A header-only file with a range is an empty shard too.
    expect(run(['--pred', file('label,p0,p1\n'), '--shard', '0/2', '--state-out', join(dir, 'none.json')]).code).toBe(0);
  });
});

describe('C = 1 (issue 16, item 13)', () => {
  it('points a one-column prediction at --binary, in the CLI\'s words', () => {
    const message = expectInputError(['--pred', file('label,p\n0,0.5\n1,0.25\n')],
      /line 3 \(row 1\), column 0 = 1 is not a class index: expected an integer in \[0, 1\); the predictions have one column, so C is 1 class: for binary targets \(0 or 1 per row\) pass --binary\n$/);
    expect(message).not.toMatch(/binaryFocalLoss|labels\[i\]|yTrue|yPred| has one/);
    const binary = runJson(['--pred', file('label,p\n0,0.5\n1,0.25\n'), '--binary', '--gamma', '0']);
    expect(relative(binary.loss, -(Math.log(0.5) + Math.log(0.25)) / 2)).toBeLessThanOrEqual(1e-12);
  });
});
