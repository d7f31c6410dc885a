// Issue 16, items 16 and 17: .npy headers NumPy refuses are refused (a '__proto__' key, keys
// besides descr, fortran_order and shape, a key given twice), and a header nested without end
// gives a short one-line message, not a stack overflow. The files are made byte by byte here;
// NumPy itself (when present) confirms which of them it loads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasNumpy, npyBytes, relative, requireBuild, run, runJson } from './cli-helpers.js';

let dir: string;
let count = 0;

/** An .npy file with this header text and the float64 values. */
function npy(header: string, values: number[] = []): string {
  const path = join(dir, `h${count++}.npy`);
  writeFileSync(path, npyBytes(header, new Uint8Array(Float64Array.from(values).buffer)));
  return path;
}

/** Whether NumPy's np.load reads the file. */
function numpyLoads(path: string): boolean {
  return spawnSync('python3', ['-c', 'import numpy, sys; numpy.load(sys.argv[1])', path], { stdio: 'ignore' }).status === 0;
}

const PREDS = [0.75, 0.25, 0.5, 0.5];
const valid = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'focal-loss-npy-header-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.npy header keys (issue 16, item 16)', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['the keys inside __proto__', "{'__proto__': {'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}}", /the \.npy header's keys are "__proto__", not NumPy's 'descr', 'fortran_order' and 'shape'/],
    ['__proto__ besides the keys', "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), '__proto__': 1}", /keys are "__proto__,descr,fortran_order,shape", not NumPy's/],
    ['an extra key', "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}", /keys are "descr,extra,fortran_order,shape", not NumPy's/],
    ['constructor', "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'constructor': 1}", /keys are "constructor,descr,fortran_order,shape", not NumPy's/],
    ['a missing key', "{'descr': '<f8', 'shape': (2, 2)}", /keys are "descr,shape", not NumPy's/],
  ];

  it('reads the header NumPy writes; a key given twice means its last value, as in Python (and NumPy)', () => {
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, '0\n1\n');
    const path = npy(valid, PREDS);
    if (hasNumpy) expect(numpyLoads(path)).toBe(true);
    const expected = -(0.25 ** 2 * Math.log(0.75) + 0.5 ** 2 * Math.log(0.5)) / 2;
    expect(relative(runJson(['--labels', labels, '--pred', path]).loss, expected)).toBeLessThanOrEqual(1e-12);
    const twice = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'shape': (2, 2)}", PREDS);
    if (hasNumpy) expect(numpyLoads(twice)).toBe(true);
    expect(relative(runJson(['--labels', labels, '--pred', twice]).loss, expected)).toBeLessThanOrEqual(1e-12);
  });

  for (const [what, header, message] of refused) {
    it(`refuses ${what}, as NumPy does`, () => {
      const path = npy(header, PREDS);
      if (hasNumpy) expect(numpyLoads(path)).toBe(false);
      const r = run(['--labels', path, '--pred', path, '--binary']);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^focal-loss-wasm: [^\n]*\n$/);
      expect(r.code).toBe(2);
    });
  }
});

describe('.npy header nesting and message length (issue 16, item 17)', () => {
  it('refuses a header nested 50,000 deep with a short message', () => {
    const deep = `{'descr': ${'['.repeat(50_000)}${']'.repeat(50_000)}, 'fortran_order': False, 'shape': (2, 2)}`;
    const r = run(['--labels', npy(deep), '--pred', npy(valid, PREDS)]);
    expect(r.stderr).toMatch(/cannot read the \.npy header "\{'descr': \[\[\[.{0,40}…": nested more than 16 deep at character \d+/);
    expect(r.stderr).toMatch(/^focal-loss-wasm: [^\n]*\n$/);
    expect(r.stderr.length).toBeLessThan(500);
    expect(r.code).toBe(2);
  });

  it('reads nesting as deep as a header needs, and quotes at most 40 characters of a long header', () => {
    const nested = "{'descr': [('a', [('b', [('c', '<f8')])])], 'fortran_order': False, 'shape': (2,)}";
    const r = run(['--binary', '--labels', npy(nested), '--pred', npy(valid, PREDS)]);
    expect(r.stderr).toMatch(/dtype with fields is not supported: expected a little- or big-endian bool, int, uint or float/);
    const long = `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'x': '${'y'.repeat(60_000)}'}`;
    const message = run(['--labels', npy(long), '--pred', npy(valid, PREDS)]).stderr;
    expect(message).toMatch(/keys are "descr,fortran_order,shape,x", not NumPy's .*: "\{'descr'.{0,40}…"\n$/);
    expect(message.length).toBeLessThan(500);
  });
});
