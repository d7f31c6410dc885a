// Issue 21: --pred-columns on CSV files (names, ranges of names as pandas' df.loc, ranges of
// indices as df.iloc, patterns), and pandas' index column (to_csv's default: an empty header
// name) recognised and skipped, never read as a class. Expected losses from the formula.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relative, requireBuild, run, runJson, scratch } from './cli-helpers.js';

let inputs: ReturnType<typeof scratch>;
const file = (contents: string) => inputs.file(contents);

beforeAll(() => {
  requireBuild();
  inputs = scratch('focal-loss-cli-columns-');
});
afterAll(() => inputs.remove());

const labels = [0, 2, 1];
const probs = [[0.5, 0.25, 0.25], [0.125, 0.125, 0.75], [0.25, 0.625, 0.125]];
/** The mean of -(1 - p_t)^2 log p_t. */
const expected = labels.reduce((s, y, i) => s - (1 - probs[i][y]) ** 2 * Math.log(probs[i][y]), 0) / labels.length;

function refused(args: string[], message: RegExp): void {
  const r = run(args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/^focal-loss-wasm: [^\n]*\n$/);
  expect(r.code).toBe(2);
}

describe('--pred-columns on CSV', () => {
  // An id column of text and an unrelated number between the label and the predictions.
  const table = `id,label,score,p0,p1,p2\n${labels.map((y, i) => [`img-${i}`, y, 7 * i, ...probs[i]].join(',')).join('\n')}\n`;

  it('selects by names, a range of names (end included), a range of indices (end excluded), a pattern', () => {
    const path = file(table);
    for (const spec of ['p0,p1,p2', 'p0:p2', '3:6', '3:', 'p*', 'p0,p1:p2']) {
      const json = runJson(['--pred', path, '--label-column', 'label', '--pred-columns', spec]);
      expect(relative(json.loss, expected), spec).toBeLessThanOrEqual(1e-12);
      expect(json.classes).toBe(3);
    }
    // Unselected columns need not be numbers (id), and are not read as classes (score).
    expect(runJson(['--pred', path, '--label-column', '1', '--pred-columns', 'p*']).count).toBe(3);
  });

  it('selects the prediction columns of a predictions file beside a labels file', () => {
    const preds = file(`p0,extra,p1,p2\n${probs.map((p) => [p[0], 'x', p[1], p[2]].join(',')).join('\n')}\n`);
    const json = runJson(['--labels', file(`${labels.join('\n')}\n`), '--pred', preds, '--pred-columns', 'p*']);
    expect(relative(json.loss, expected)).toBeLessThanOrEqual(1e-12);
  });

  it('refuses a selection that names no column, the label or a column twice, and --pred-column on CSV', () => {
    const path = file(table);
    refused(['--pred', path, '--label-column', 'label', '--pred-columns', 'q*'], /--pred-columns "q\*" matches no column of .*: its columns are "id", "label"/);
    refused(['--pred', path, '--label-column', 'label', '--pred-columns', 'p0,nope'], /--pred-columns "nope" names no column/);
    refused(['--pred', path, '--label-column', 'label', '--pred-columns', 'label,p0'], /selects column 1 \("label"\) .*, the label column; leave it out/);
    refused(['--pred', path, '--label-column', 'label', '--pred-columns', 'p0,p0:p1'], /selects column 3 \("p0"\) twice/);
    refused(['--pred', path, '--label-column', 'label', '--pred-columns', '5:3'], /columns START:END \(END excluded\) within 0:6/);
    refused(['--pred', path, '--label-column', 'label', '--pred-columns', 'p2:p0'], /"p0" comes before "p2"/);
    refused(['--pred', path, '--pred-columns', 'p0', '--pred-column', 'p1'], /cannot be used together/);
    refused(['--pred', path, '--pred-column', 'p1'], /--pred-column names a list column of a Parquet file/);
    refused(['--pred', file('p0,p1\n0.5,0.5\n'), '--pred-columns', '0:1', '--label-column', '1', '--no-header'], /line 1 \(row 0\), column 0: "p0" is not a number/);
  });
});

describe('pandas\' index column', () => {
  // What DataFrame.to_csv() writes by default: the index first, under an empty name.
  const indexed = `,label,p0,p1,p2\n${labels.map((y, i) => [10 + i, y, ...probs[i]].join(',')).join('\n')}\n`;

  it('is skipped, with a note, and never read as the label or a class', () => {
    const r = run(['--pred', file(indexed), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(relative(JSON.parse(r.stdout).loss, expected)).toBeLessThanOrEqual(1e-12);
    expect(JSON.parse(r.stdout).classes).toBe(3);
    expect(r.stderr).toMatch(/^focal-loss-wasm: note: .*f\d+\.csv: column 0 is the row index pandas writes \(a column with no name\); it is skipped\n$/);
    // Saved again after read_csv, its name is "Unnamed: 0".
    const reread = run(['--pred', file(indexed.replace(/^,/, 'Unnamed: 0,')), '--json']);
    expect(relative(JSON.parse(reread.stdout).loss, expected)).toBeLessThanOrEqual(1e-12);
  });

  it('is skipped in a pair of files too (a Series of labels and a DataFrame of predictions, both with their index)', () => {
    const y = file(`,label\n${labels.map((v, i) => `${i},${v}`).join('\n')}\n`);
    const p = file(`,p0,p1,p2\n${probs.map((row, i) => [i, ...row].join(',')).join('\n')}\n`);
    const r = run(['--labels', y, '--pred', p, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(relative(JSON.parse(r.stdout).loss, expected)).toBeLessThanOrEqual(1e-12);
    expect(r.stderr.match(/note: .* is the row index pandas writes/g)).toHaveLength(2);
  });

  it('is refused when named as the label or a prediction', () => {
    refused(['--pred', file(indexed), '--label-column', '0'], /--label-column 0: column 0 of .* is pandas' row index \(a column with no name\), not data/);
    refused(['--pred', file(indexed), '--pred-columns', '0,2,3'], /--pred-columns 0: column 0 of .* is pandas' row index/);
  });
});
