// Issue 22, the CLI's words: counts in the right number ("1 class", not "1 classes"), one
// convention for places in a CSV file ("line N (row i), column j": the editor's line from 1,
// the data row from 0 as NumPy, pandas and --rows count it), and the delimiter told from the
// first line (comma, semicolon, tab, space) or given with --delimiter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npyBytes, relative, requireBuild, run, runJson, scratch } from './cli-helpers.js';

let inputs: ReturnType<typeof scratch>;
const file = (contents: string | Uint8Array, extension?: string) => inputs.file(contents, extension);

/** An .npy file of float64 values or int64 labels of this shape. */
function npy(values: number[], shape: number[], labels = false): string {
  const data = labels ? new BigInt64Array(values.map(BigInt)) : Float64Array.from(values);
  const header = `{'descr': '<${labels ? 'i8' : 'f8'}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  return file(npyBytes(header, new Uint8Array(data.buffer)), 'npy');
}

beforeAll(() => {
  requireBuild();
  inputs = scratch('focal-loss-cli-messages-');
});
afterAll(() => inputs.remove());

/** The mean focal loss -(1 - p_t)^γ log p_t of probability rows, written out here. */
function focal(labels: number[], rows: number[][], gamma = 2): number {
  return labels.reduce((s, y, i) => s - (1 - rows[i][y]) ** gamma * Math.log(rows[i][y]), 0) / labels.length;
}

function refused(args: string[]): string {
  const r = run(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^focal-loss-wasm: [^\n]*\n$/);
  return r.stderr;
}

const WRONG_PLURAL = /\b1 (rows|classes|samples|elements|columns|fields|weights|bytes|values|labels)\b/;

describe('counts in the right number', () => {
  it('says 1 class, 1 row, 1 sample, 1 column, 1 field, 1 byte', () => {
    const messages = [
      refused(['--pred', file('label,p\n0,0.5\n'), '--alpha', '1,2']),
      refused(['--labels', file('0\n'), '--pred', file('0.5,0.5\n0.5,0.5\n')]),
      refused(['--pred', file('label,p0,p1\n0,0.5,0.5\n'), '--rows', '0:5']),
      refused(['--labels', npy([0], [1], true), '--pred', npy([0.5, 0.5, 0.5, 0.5], [2, 2])]),
      refused(['--pred', file('0.5\n')]),
      refused(['--labels', file('0\n1\n'), '--pred', file('0.5,0.5\n0.5\n')]),
      refused(['--labels', npy([0], [1], true), '--pred', file(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", new Uint8Array(9)), 'npy')]),
    ];
    expect(messages[0]).toMatch(/--alpha has 2 weights but the predictions have 1 class\n/);
    expect(messages[1]).toMatch(/ends after 1 row, /);
    expect(messages[2]).toMatch(/the row range 0:5 is outside .*, which has 1 row\n/);
    expect(messages[3]).toMatch(/\(1 row\) but .* \(2 rows\)/);
    expect(messages[4]).toMatch(/has 1 column \(fields split by comma\)/);
    expect(messages[5]).toMatch(/has 1 field; expected 2/);
    expect(messages[6]).toMatch(/16 bytes of data, but the file holds 9/);
    for (const message of messages) expect(message).not.toMatch(WRONG_PLURAL);
  });

  it('reports the mean over 1 sample, or 1 element', () => {
    const one = run(['--pred', file('label,p0,p1\n0,0.5,0.5\n')]);
    expect(one.stdout).toMatch(/^focal loss +\S+ +\(mean over 1 sample\)$/m);
    const binary = run(['--pred', file('target,p\n1,0.5\n'), '--binary']);
    expect(binary.stdout).toMatch(/^binary focal loss +\S+ +\(mean over 1 element\)$/m);
    expect(binary.stdout).toMatch(/^predictions +.* \(1 prediction column of 2 columns with a header line\)$/m);
  });
});

describe('places in a CSV file: line N (row i), column j', () => {
  // Line 1 the header, 2 and 4 blank: row 0 is on line 3, row 1 on line 5, row 2 on line 6.
  const table = 'label,p0,p1\n\n0,0.5,0.5\n\n1,0.25,0.75\n5,0.5,0.5\n';

  it('names a bad field and a bad label by the file\'s line and the data row, whatever the chunks', () => {
    const bad = file(table.replace('0.25', 'x'));
    expect(refused(['--pred', bad])).toMatch(/f\d+\.csv line 5 \(row 1\), column 1: "x" is not a number\n/);
    for (const chunk of ['1', '8M']) {
      expect(refused(['--pred', file(table), '--chunk-size', chunk])).toMatch(/f\d+\.csv line 6 \(row 2\), column 0 = 5 is not a class index/);
      // --rows keeps the file's row numbers.
      expect(refused(['--pred', file(table), '--rows', '1:', '--chunk-size', chunk])).toMatch(/line 6 \(row 2\), column 0 = 5/);
    }
    expect(refused(['--pred', file('label,p0,p1\n0,0.5,0.5\n1,0.5\n')])).toMatch(/line 3 \(row 1\) has 2 fields; expected 3 like the first line/);
  });

  it('names a label of a labels file by line and row, and a prediction of an .npy file by its NumPy index', () => {
    const labels = file('label\n0\n7\n');
    const preds = npy([0.5, 0.5, 0.25, 0.75], [2, 2]);
    expect(refused(['--labels', labels, '--pred', preds])).toMatch(/f\d+\.csv line 3 \(row 1\) = 7 is not a class index/);
    const p = npy([0.5, 0.5, 1.5, -0.5], [2, 2]);
    expect(refused(['--labels', file('0\n1\n'), '--pred', p])).toMatch(/f\d+\.npy\[1, 1\] = -0\.5 is not a probability/);
  });
});

describe('the delimiter', () => {
  const rows = [[0.75, 0.25], [0.5, 0.5], [0.125, 0.875]];
  const labels = [0, 1, 1];
  const expected = focal(labels, rows);
  const text = (d: string, header = true) =>
    `${header ? `label${d}p0${d}p1\n` : ''}${labels.map((y, i) => [y, ...rows[i]].join(d)).join('\n')}\n`;

  it('is told from the first line: comma, semicolon, tab (in .csv or .tsv), space (np.savetxt\'s default)', () => {
    const cases: Array<[string, string, string]> = [
      [text(','), 'csv', ''], [text(';'), 'csv', 'semicolon'], [text('\t'), 'csv', 'tab'], [text('\t'), 'tsv', 'tab'],
      [text(' ', false), 'txt', 'space'], [text(';', false), 'csv', 'semicolon'], [text(','), 'tsv', ''],
    ];
    for (const [contents, extension, name] of cases) {
      const path = file(contents, extension === 'txt' ? 'csv' : extension);
      const json = runJson(['--pred', path]);
      expect(relative(json.loss, expected), `${name} ${extension}`).toBeLessThanOrEqual(1e-12);
      expect(json.count).toBe(3);
      const shown = run(['--pred', path]).stdout;
      if (name !== '') expect(shown).toMatch(new RegExp(`${name}-separated`));
      else expect(shown).not.toMatch(/-separated/);
    }
    // A quoted header name holding commas does not count.
    const quoted = file('"label, the class";"p, first";"p, second"\n0;0.75;0.25\n1;0.5;0.5\n1;0.125;0.875\n');
    expect(relative(runJson(['--pred', quoted]).loss, expected)).toBeLessThanOrEqual(1e-12);
    expect(relative(runJson(['--pred', quoted, '--label-column', 'label, the class']).loss, expected)).toBeLessThanOrEqual(1e-12);
  });

  it('is given with --delimiter by name or character, for every CSV input', () => {
    for (const [flag, d] of [['pipe', '|'], ['|', '|'], ['semicolon', ';'], ['tab', '\t'], ['\\t', '\t'], ['space', ' '], [',', ',']]) {
      const json = runJson(['--pred', file(text(d)), '--delimiter', flag]);
      expect(relative(json.loss, expected), flag).toBeLessThanOrEqual(1e-12);
    }
    const pair = runJson(['--labels', file('0\n1\n1\n'), '--pred', file('0.75|0.25\n0.5|0.5\n0.125|0.875\n'), '--delimiter', 'pipe']);
    expect(relative(pair.loss, expected)).toBeLessThanOrEqual(1e-12);
    expect(refused(['--pred', file(text(',')), '--delimiter', 'colon'])).toMatch(/--delimiter expects comma, semicolon, tab, space or pipe/);
    expect(refused(['--merge', 'a.json', '--delimiter', ';'])).toMatch(/--delimiter cannot be used with --merge/);
  });

  it('says what to do when the fields are not split as the file is: a wrong --delimiter, a decimal comma', () => {
    expect(refused(['--pred', file(text(';')), '--delimiter', 'comma'])).toMatch(
      /has 1 column \(fields split by comma\); with no --labels file it needs a label column and prediction columns; if another character splits the fields, pass --delimiter/);
    expect(refused(['--pred', file('label;p0;p1\n0;0,75;0,25\n')])).toMatch(/line 2 \(row 0\), column 1: "0,75" is not a number \(a decimal comma: write numbers with a point\)/);
    expect(refused(['--labels', file('0\n1\n'), '--pred', file('0.5,0.5\n0.5;0.5\n')])).toMatch(/line 2 \(row 1\) has 1 field; expected 2 like the first line: a delimiter other than comma\? pass --delimiter/);
  });
});
