// The focal-loss-wasm command: run as `node dist/cli.js …` (npm test builds first) on NumPy
// and CSV files written at test time, and compared with the one-shot focalLoss /
// binaryFocalLoss on the same data.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asymmetricLoss, binaryFocalLoss, createBinaryFocalLossAccumulator, createFocalLossAccumulator, focalLoss, type AccumulatorState,
} from '../../src/index.js';
import { cli, hasNumpy, load, relative, requireBuild, root, run, runJson, writeFixtures, type Manifest } from './cli-helpers.js';

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

beforeAll(requireBuild);

/** Exit code 2, a message on stderr that matches, nothing on stdout. */
function expectInputError(args: string[], message: RegExp): void {
  const r = run(args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/^focal-loss-wasm: /);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

describe('focal-loss-wasm: usage', () => {
  it('prints usage with --help and -h, and the package version with --version', () => {
    for (const flag of ['--help', '-h']) {
      const r = run([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage:\n {2}focal-loss-wasm --labels labels.npy --pred preds.npy/);
      for (const documented of ['--from-logits', '--gamma', '--alpha', '--ignore-index', '--binary', '--per-class', '--json',
        '--state-out', '--merge', '--shard', '--rows', '--label-column', '--progress', '--chunk-size']) {
        expect(r.stdout).toContain(documented);
      }
    }
    expect(run(['--version'])).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('is a node script with a shebang, and the bin of package.json when it has one', () => {
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    if (manifest.bin !== undefined) expect(manifest.bin['focal-loss-wasm']).toBe('./dist/cli.js');
  });

  it('rejects unknown flags and bad values with a message and exit code 2', () => {
    const p = ['--labels', 'y.npy', '--pred', 'p.npy'];
    expectInputError([...p, '--gama', '1'], /unknown option --gama \(did you mean --gamma\?\)/);
    expectInputError([...p, '--frobnicate'], /unknown option --frobnicate; see --help/);
    expectInputError([...p, '--gamma', 'abc'], /--gamma expects a number, got "abc"/);
    expectInputError([...p, '--gamma'], /--gamma needs a value/);
    expectInputError([...p, '--alpha', '1,x'], /--alpha expects a number, got "x"/);
    expectInputError([...p, '--ignore-index', '1.5'], /--ignore-index expects an integer/);
    expectInputError([...p, '--rows', '5:2'], /--rows 5:2: END is before START/);
    expectInputError([...p, '--rows', 'ab'], /--rows expects START:END/);
    expectInputError([...p, '--shard', '4/4'], /--shard 4\/4: expected 0 <= I < N/);
    expectInputError([...p, '--chunk-size', '0'], /--chunk-size must be between 1 byte and 2 GiB/);
    expectInputError([...p, '--backend', 'gpu'], /--backend must be auto, wasm or js/);
    expectInputError([...p, '--binary', '--ignore-index', '-100'], /--ignore-index .* cannot be used with --binary/);
    expectInputError([...p, '--binary', '--alpha', '0.2,0.8'], /--alpha with --binary is one number/);
    expectInputError([...p, '--json', '--json'], /--json is given twice/);
    expectInputError([...p, 'extra.npy'], /unexpected argument "extra.npy"/);
    expectInputError([...p, '--state-out', '-', '--json'], /--state-out - prints the state on stdout/);
    expectInputError(['--labels', 'y.npy'], /--pred is required/);
    expectInputError(['--labels', 'y.npy', '--pred', 'd.csv', '--label-column', '0'], /--label-column .* cannot be used with --labels/);
    expectInputError(['--merge'], /--merge needs one or more state files/);
    expectInputError(['--merge', 'a.json', '--gamma', '1'], /--gamma cannot be used with --merge/);
  });

  it('names a missing file, and a file of an unknown type', () => {
    expectInputError(['--labels', join(root, 'no-such.npy'), '--pred', join(root, 'package.json')], /package.json: unknown file type/);
    expectInputError(['--labels', join(root, 'no-such.npy'), '--pred', join(root, 'no-such-either.npy')], /cannot open .*no-such.npy: no such file/);
    expectInputError(['--merge', join(root, 'no-such.json')], /cannot read .*no-such.json: no such file/);
    expectInputError(['--merge', join(root, 'package.json')], /package.json: not an accumulator state/);
  });
});

describe.skipIf(!hasNumpy)('focal-loss-wasm on .npy and .csv files', () => {
  let dir: string;
  let files: Manifest;
  const f = (name: string) => join(dir, name);
  const data = (name: string) => load(dir, files, name);

  beforeAll(() => {
    ({ dir, manifest: files } = writeFixtures('focal-loss-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives focalLoss\'s mean, sum and count for float64 predictions and int64 labels, as text and as JSON', () => {
    const labels = data('y-int64.npy');
    const preds = data('p64.npy');
    const mean = focalLoss(labels, preds);
    const sum = focalLoss(labels, preds, { reduction: 'sum' });
    const args = ['--labels', f('y-int64.npy'), '--pred', f('p64.npy')];

    const json = runJson(args);
    expect(relative(json.loss, mean)).toBeLessThanOrEqual(1e-12);
    expect(relative(json.sum, sum)).toBeLessThanOrEqual(1e-12);
    expect(json).toMatchObject({ count: 3001, rows: 3001, classes: 7, ignored: 0, kind: 'focalLoss', reduction: 'mean' });
    expect(json.options).toMatchObject({ gamma: 2, alpha: null, fromLogits: false, epsilon: 1e-7 });
    expect(json.perClass).toBeUndefined();

    const text = run(args);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(Number(/^focal loss +(\S+) +\(mean over 3,001 samples\)$/m.exec(text.stdout)![1])).toBe(json.loss);
    expect(Number(/^sum +(\S+)$/m.exec(text.stdout)![1])).toBe(json.sum);
    expect(text.stdout).toMatch(/^count +3001$/m);
    expect(text.stdout).toMatch(/^classes +7$/m);
    expect(text.stdout).toMatch(/^labels +.*y-int64\.npy \(3001,\) int64$/m);
    expect(text.stdout).toMatch(/^predictions +.*p64\.npy \(3001, 7\) float64$/m);
  });

  it('reads every label dtype (int8/16/32/64, uint8/16/32/64, (N, 1)) and .npy format versions 2.0 and 3.0 alike', () => {
    const expected = runJson(['--labels', f('y-int64.npy'), '--pred', f('p64.npy')]).loss;
    for (const labels of ['y-int8.npy', 'y-int16.npy', 'y-int32.npy', 'y-uint8.npy', 'y-uint16.npy', 'y-uint32.npy', 'y-uint64.npy',
      'y-column.npy', 'y-v2.npy']) {
      expect(runJson(['--labels', f(labels), '--pred', f('p64.npy')]).loss, labels).toBe(expected);
    }
    expect(runJson(['--labels', f('y-int64.npy'), '--pred', f('p-v3.npy')]).loss).toBe(expected);
  });

  it('takes float32 probabilities, and float32 logits with --from-logits, --gamma and per-class --alpha', () => {
    const labels = data('y-int32.npy');
    const p32 = data('p32.npy');
    expect(relative(runJson(['--labels', f('y-int32.npy'), '--pred', f('p32.npy')]).loss, focalLoss(labels, p32)))
      .toBeLessThanOrEqual(1e-12);
    const alpha = [1, 2, 0.5, 0.25, 1, 3, 0.75];
    const options = { fromLogits: true, gamma: 1.5, alpha };
    const json = runJson(['--labels', f('y-int32.npy'), '--pred', f('logits32.npy'), '--from-logits', '--gamma', '1.5',
      '--alpha', alpha.join(',')]);
    expect(relative(json.loss, focalLoss(labels, data('logits32.npy'), options))).toBeLessThanOrEqual(1e-12);
    expect(json.options).toMatchObject({ gamma: 1.5, alpha, fromLogits: true });
    const scalar = runJson(['--labels', f('y-int32.npy'), '--pred', f('logits32.npy'), '--from-logits', '--alpha', '0.25',
      '--gamma', '0', '--label-smoothing', '0.1', '--epsilon', 'auto']);
    const want = focalLoss(labels, data('logits32.npy'), { fromLogits: true, alpha: 0.25, gamma: 0, labelSmoothing: 0.1, epsilon: 'auto' });
    expect(relative(scalar.loss, want)).toBeLessThanOrEqual(1e-12);
  });

  it('streams a file bigger than the chunk buffer, and any chunk size gives the same loss', () => {
    const labels = data('chunked-labels.npy');
    const preds = data('chunked-pred.npy');
    expect(files['chunked-pred.npy'].shape[0] * 10 * 4).toBeGreaterThan(8 << 20);
    const expected = focalLoss(labels, preds);
    const args = ['--labels', f('chunked-labels.npy'), '--pred', f('chunked-pred.npy')];
    expect(relative(runJson(args).loss, expected)).toBeLessThanOrEqual(1e-12);
    // Chunks that are not a whole number of rows' bytes (rounded down to rows), and one chunk for the whole file.
    for (const size of ['100001', '64M']) {
      expect(relative(runJson([...args, '--chunk-size', size]).loss, expected), size).toBeLessThanOrEqual(1e-12);
    }
    // On the small file: odd chunks, one row per chunk (56 bytes = one row of 7 float64; 1 byte rounds up to a row).
    const small = focalLoss(data('y-int64.npy'), data('p64.npy'));
    for (const size of ['777', '56', '1']) {
      expect(relative(runJson(['--labels', f('y-int64.npy'), '--pred', f('p64.npy'), '--chunk-size', size]).loss, small), size)
        .toBeLessThanOrEqual(1e-12);
    }
  });

  it('skips --ignore-index labels and does not count them', () => {
    const labels = data('y-ignore.npy');
    const json = runJson(['--labels', f('y-ignore.npy'), '--pred', f('p64.npy'), '--ignore-index', '-100']);
    expect(relative(json.loss, focalLoss(labels, data('p64.npy'), { ignoreIndex: -100 }))).toBeLessThanOrEqual(1e-12);
    expect(json).toMatchObject({ count: 3001 - 301, rows: 3001, ignored: 301 });
    expect(run(['--labels', f('y-ignore.npy'), '--pred', f('p64.npy'), '--ignore-index', '-100']).stdout)
      .toMatch(/^rows +3001 \(301 ignored\)$/m);
  });

  it('--per-class gives each class\'s count, loss sum and mean, equal to focalLoss over that class\'s rows', () => {
    const labels = data('y-int64.npy');
    const C = 7;
    const args = ['--labels', f('y-int64.npy'), '--pred', f('logits32.npy'), '--from-logits', '--per-class'];
    const logits = data('logits32.npy');
    const json = runJson(args);
    expect(json.perClass).toHaveLength(C);
    const text = run(args).stdout;
    expect(text).toMatch(/^class +count +loss sum +mean$/m);
    for (let c = 0; c < C; c++) {
      const rows = Array.from(labels, (y, i) => (y === c ? i : -1)).filter((i) => i >= 0);
      const subset = new Float32Array(rows.length * C);
      rows.forEach((i, k) => subset.set((logits as Float32Array).subarray(i * C, (i + 1) * C), k * C));
      const sum = focalLoss(new Int32Array(rows.length).fill(c), subset, { fromLogits: true, reduction: 'sum' });
      const entry = json.perClass[c];
      expect(entry.class).toBe(c);
      expect(entry.count).toBe(rows.length);
      expect(relative(entry.sum, sum)).toBeLessThanOrEqual(1e-12);
      expect(relative(entry.mean, sum / rows.length)).toBeLessThanOrEqual(1e-12);
      const line = new RegExp(`^ +${c} +${rows.length} +(\\S+) +(\\S+)$`, 'm').exec(text)!;
      expect([Number(line[1]), Number(line[2])]).toEqual([entry.sum, entry.mean]);
    }
    expect(relative(json.perClass.reduce((s: number, e: { sum: number }) => s + e.sum, 0), json.sum)).toBeLessThanOrEqual(1e-12);
  });

  it('--binary takes (N,) probabilities with uint8, bool or soft float64 targets, as binaryFocalLoss does', () => {
    const preds = data('bin-p32.npy');
    for (const targets of ['bin-t-uint8.npy', 'bin-t-bool.npy', 'bin-t-soft.npy']) {
      const json = runJson(['--binary', '--labels', f(targets), '--pred', f('bin-p32.npy'), '--alpha', '0.25']);
      expect(relative(json.loss, binaryFocalLoss(data(targets), preds, { alpha: 0.25 })), targets).toBeLessThanOrEqual(1e-12);
      expect(json).toMatchObject({ kind: 'binaryFocalLoss', count: 5003, rows: 5003, classes: 1 });
    }
    // (N, 1) predictions against (N,) targets: the same samples.
    const column = runJson(['--binary', '--labels', f('bin-t-uint8.npy'), '--pred', f('bin-p-col.npy')]);
    expect(relative(column.loss, binaryFocalLoss(data('bin-t-uint8.npy'), data('bin-p-col.npy')))).toBeLessThanOrEqual(1e-12);
    expect(run(['--binary', '--labels', f('bin-t-uint8.npy'), '--pred', f('bin-p32.npy')]).stdout)
      .toMatch(/^binary focal loss +\S+ +\(mean over 5,003 elements\)$/m);
  });

  it('--binary --per-class on (N, K) logits gives binaryFocalLoss of each label column', () => {
    const targets = data('bin-t-k.npy');
    const logits = data('bin-logits.npy');
    const [M, K] = files['bin-logits.npy'].shape;
    const json = runJson(['--binary', '--labels', f('bin-t-k.npy'), '--pred', f('bin-logits.npy'), '--from-logits', '--per-class',
      '--gamma', '1']);
    const options = { fromLogits: true, gamma: 1 };
    expect(relative(json.loss, binaryFocalLoss(targets, logits, { ...options, classes: K }))).toBeLessThanOrEqual(1e-12);
    expect(json).toMatchObject({ count: M * K, rows: M, classes: K });
    for (let k = 0; k < K; k++) {
      const t = Float64Array.from({ length: M }, (_, i) => targets[i * K + k]);
      const p = Float64Array.from({ length: M }, (_, i) => logits[i * K + k]);
      const sum = binaryFocalLoss(t, p, { ...options, reduction: 'sum' });
      expect(json.perClass[k].count).toBe(M);
      expect(relative(json.perClass[k].sum, sum)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('--asymmetric on (N, K) logits gives asymmetricLoss, its options from --gamma-pos, --gamma-neg, --clip', () => {
    const targets = data('bin-t-k.npy');
    const logits = data('bin-logits.npy');
    const [M, K] = files['bin-logits.npy'].shape;
    const args = ['--asymmetric', '--labels', f('bin-t-k.npy'), '--pred', f('bin-logits.npy'), '--from-logits'];
    const json = runJson([...args, '--gamma-pos', '1', '--gamma-neg', '3', '--clip', '0.1', '--per-class']);
    const options = { fromLogits: true, gammaPos: 1, gammaNeg: 3, clip: 0.1, classes: K };
    expect(relative(json.loss, asymmetricLoss(targets, logits, options))).toBeLessThanOrEqual(1e-12);
    expect(json).toMatchObject({ kind: 'asymmetricLoss', count: M * K, rows: M, classes: K });
    expect(json.perClass).toHaveLength(K);
    // The defaults are the library's.
    expect(relative(runJson(args).loss, asymmetricLoss(targets, logits, { fromLogits: true, classes: K }))).toBeLessThanOrEqual(1e-12);
    const text = run(args).stdout;
    expect(text).toMatch(/^asymmetric loss +\S+ +\(mean over [\d,]+ elements\)$/m);
    expect(text).toMatch(/^options +from logits, epsilon 1e-7, gamma pos 0, gamma neg 4, clip 0.05$/m);
    expectInputError([...args, '--gamma', '2'], /--gamma applies to the default focal loss and --binary; it cannot be used with --asymmetric/);
    expectInputError([...args, '--binary'], /--binary and --asymmetric choose different losses/);
    expectInputError(['--binary', '--labels', f('bin-t-k.npy'), '--pred', f('bin-logits.npy'), '--clip', '0.1'], /--clip applies to --asymmetric/);
  });

  it('reads CSV: label first with a header, --label-column by index or name, separate files, .tsv, any chunk size', () => {
    const expected = focalLoss(data('y-int64.npy'), data('p64.npy'));
    const runs: string[][] = [
      ['--pred', f('data.csv')],
      ['--pred', f('data.csv'), '--label-column', 'label'],
      ['--pred', f('data-mid.csv'), '--label-column', '3'],
      ['--labels', f('labels.csv'), '--pred', f('preds.csv')],
      ['--labels', f('y-int64.npy'), '--pred', f('preds.tsv')],
      ['--pred', f('data.csv'), '--chunk-size', '100'],
      ['--labels', f('labels.csv'), '--pred', f('preds.csv'), '--chunk-size', '1'],
    ];
    for (const args of runs) {
      const json = runJson(args);
      expect(relative(json.loss, expected), args.join(' ')).toBeLessThanOrEqual(1e-12);
      expect(json.count).toBe(3001);
    }
    const binary = runJson(['--pred', f('bin.csv'), '--binary']);
    expect(binary).toMatchObject({ kind: 'binaryFocalLoss', count: 5003 });
    // --shard on CSV (its rows are counted first) and --rows: the same rows as the .npy files'.
    for (const [flag, value] of [['--shard', '1/3'], ['--rows', '17:2018']]) {
      const npy = runJson(['--labels', f('y-int64.npy'), '--pred', f('p64.npy'), flag, value]);
      const csv = runJson(['--pred', f('data.csv'), flag, value]);
      expect(csv.inputs.rows).toEqual(npy.inputs.rows);
      expect(relative(csv.sum, npy.sum)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('reads a big-endian file as its little-endian twin', () => {
    const y = ['--labels', f('y-int64.npy'), '--pred'];
    expect(runJson([...y, f('big-endian.npy')]).loss).toBe(runJson([...y, f('p64.npy')]).loss);
  });

  it('refuses Fortran order, other dtypes, object arrays, truncated files and mismatched shapes (exit 2)', () => {
    const y = ['--labels', f('y-int64.npy'), '--pred'];
    expectInputError([...y, f('fortran.npy')], /fortran\.npy is in Fortran \(column-major\) order; save it in C order/);
    for (const [name, descr] of [['complex', '<c16'], ['strings', '<U1'], ['object', '|O']]) {
      expectInputError([...y, f(`${name}.npy`)], new RegExp(`${name}\\.npy: dtype "${descr.replace('|', '\\|')}" is not supported: expected a ` +
        'little- or big-endian bool, int, uint or float of 1 to 8 bytes \\(not complex, string, object, date or structured\\)'));
    }
    expectInputError([...y, f('truncated.npy')], /truncated\.npy is truncated: its header says \(3001, 7\) float64, 168056 bytes of data, but the file holds 167056/);
    expectInputError([...y, f('not-npy.npy')], /not-npy\.npy is not a NumPy \.npy file/);
    // Rank 3 is a map, its classes on --axis (the last: 1 class here), which the labels do not fit.
    expectInputError([...y, f('three-d.npy')], /y-int64\.npy is \(3001,\) int64, which does not fit .*three-d\.npy \(3001, 7, 1\) float64 with its classes on axis -1 \(the last\): expected class indices of shape \(3001, 7\)$/m);
    expectInputError([...y, f('scalar.npy')], /scalar\.npy holds a single number/);
    expectInputError([...y, f('p-int.npy')], /p-int\.npy holds int32 values; predictions must be float32 or float64/);
    expectInputError(['--labels', f('y-short.npy'), '--pred', f('p64.npy')],
      /shape mismatch: .*y-short\.npy is \(3000,\) int64 \(3000 rows\) but .*p64\.npy is \(3001, 7\) float64 \(3001 rows\)/);
    expectInputError(['--labels', f('y-float.npy'), '--pred', f('p64.npy')], /y-float\.npy holds float32 values; class indices must be integers/);
    expectInputError(['--labels', f('p64.npy'), '--pred', f('p64.npy')], /one-hot or soft target rows are not supported by the CLI/);
    expectInputError(['--labels', f('y-int64.npy'), '--pred', f('bin-p32.npy')], /one value per sample\. For binary focal loss pass --binary/);
    expectInputError(['--binary', '--labels', f('bin-t-uint8.npy'), '--pred', f('bin-logits.npy')],
      /shape mismatch: --binary needs targets of the predictions' shape/);
    expectInputError(['--labels', f('labels-short.csv'), '--pred', f('preds.csv')],
      /labels-short\.csv and .*preds\.csv have different numbers of rows: .*labels-short\.csv ends after 3000 rows/);
    expectInputError(['--pred', f('ragged.csv')], /ragged\.csv line 3 \(row 1\) has 2 fields; expected 3 like the first line/);
    expectInputError(['--pred', f('words.csv')], /words\.csv line 2 \(row 1\), column 2: "zero" is not a number/);
    expectInputError(['--pred', f('data.csv'), '--label-column', 'nope'], /--label-column "nope" names no column of .*data\.csv: its columns are "label", "p0"/);
    expectInputError(['--labels', f('y-int64.npy'), '--pred', f('p64.npy'), '--alpha', '1,2'], /--alpha has 2 weights but the predictions have 7 classes/);
    expectInputError(['--labels', f('y-int64.npy'), '--pred', f('p64.npy'), '--gamma', '-1'], /--gamma must be finite and >= 0, got -1/);
    expectInputError(['--labels', f('y-int64.npy'), '--pred', f('p64.npy'), '--rows', '0:5000'], /the row range 0:5000 is outside/);
  });

  it('reports bad data with the file, row and column it came from', () => {
    expectInputError(['--labels', f('y-bad.npy'), '--pred', f('p64.npy'), '--chunk-size', '1000'],
      /y-bad\.npy\[2500\] = 9 is not a class index: expected an integer in \[0, 7\)$/m);
    expectInputError(['--labels', f('y-int64.npy'), '--pred', f('logits32.npy'), '--chunk-size', '999'],
      /logits32\.npy\[\d+, \d+\] = -?[\d.]+ is not a probability in \[0, 1\]; if the predictions are logits, pass --from-logits/);
    expectInputError(['--labels', f('y-int64.npy'), '--pred', f('p-nan.npy'), '--from-logits', '--chunk-size', '1000'],
      /p-nan\.npy\[1234, 5\] = NaN is not a valid logit \(row 1234\)/);
    expectInputError(['--labels', f('y-bad.npy'), '--pred', f('p64.npy'), '--ignore-index', '-100'],
      /y-bad\.npy\[2500\] = 9 is not a class index: expected an integer in \[0, 7\) \(or the --ignore-index -100\)/);
  });

  it('--state-out and --merge: shards merge to the whole file\'s numbers, in any order', () => {
    const args = ['--labels', f('y-ignore.npy'), '--pred', f('p64.npy'), '--ignore-index', '-100', '--gamma', '1.5'];
    const whole = runJson([...args, '--per-class']);
    const parts = [0, 1, 2].map((i) => {
      const path = f(`part-${i}.json`);
      const r = run([...args, '--shard', `${i}/3`, '--state-out', path]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^row range +\d+:\d+$/m);
      return path;
    });
    for (const order of [parts, [...parts].reverse()]) {
      const merged = runJson(['--merge', ...order, '--per-class']);
      expect(relative(merged.loss, whole.loss)).toBeLessThanOrEqual(1e-12);
      expect(merged).toMatchObject({ count: whole.count, merged: 3, classes: 7, options: whole.options });
      merged.perClass.forEach((c: { count: number; sum: number }, k: number) => {
        expect(c.count).toBe(whole.perClass[k].count);
        expect(relative(c.sum, whole.perClass[k].sum)).toBeLessThanOrEqual(1e-12);
      });
    }
    const text = run(['--merge', ...parts]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^merged states +3$/m);
    // --rows ranges and a tree of merges (--merge … --allow-partial --state-out) agree too.
    const a = f('rows-a.json');
    const b = f('rows-b.json');
    run([...args, '--rows', ':1000', '--state-out', a]);
    run([...args, '--rows', '1000:', '--state-out', b]);
    const ab = f('rows-ab.json');
    expect(run(['--merge', a, '--allow-partial', '--state-out', ab]).code).toBe(0);
    expect(relative(runJson(['--merge', ab, b]).loss, whole.loss)).toBeLessThanOrEqual(1e-12);
  });

  it('--state-out - prints the state, which the library reads back; an empty shard merges as a no-op', () => {
    const args = ['--labels', f('y-int64.npy'), '--pred', f('p64.npy')];
    const r = run([...args, '--state-out', '-']);
    expect(r.code).toBe(0);
    const state = JSON.parse(r.stdout) as AccumulatorState;
    expect(state).toMatchObject({ format: 'focal-loss-wasm/accumulator@1', loss: 'focalLoss', classes: 7, count: 3001 });
    expect(relative(createFocalLossAccumulator.fromState(state).result(), focalLoss(data('y-int64.npy'), data('p64.npy'))))
      .toBeLessThanOrEqual(1e-12);
    const empty = f('empty.json');
    const e = run([...args, '--rows', '3001:', '--state-out', empty]);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^count +0$/m);
    const whole = f('whole.json');
    writeFileSync(whole, r.stdout);
    expect(runJson(['--merge', empty, whole]).loss).toBe(createFocalLossAccumulator.fromState(state).result());
    // Binary states come back as binary accumulators.
    const b = JSON.parse(run(['--binary', '--labels', f('bin-t-uint8.npy'), '--pred', f('bin-p32.npy'), '--state-out', '-']).stdout);
    expect(relative(createBinaryFocalLossAccumulator.fromState(b).result(), binaryFocalLoss(data('bin-t-uint8.npy'), data('bin-p32.npy'))))
      .toBeLessThanOrEqual(1e-12);
  });

  it('--merge refuses states made with different options, or of different losses (exit 2)', () => {
    const g2 = f('g2.json');
    const g1 = f('g1.json');
    const bin = f('bin.json');
    run(['--labels', f('y-int64.npy'), '--pred', f('p64.npy'), '--state-out', g2]);
    run(['--labels', f('y-int64.npy'), '--pred', f('p64.npy'), '--gamma', '1', '--state-out', g1]);
    run(['--binary', '--labels', f('bin-t-uint8.npy'), '--pred', f('bin-p32.npy'), '--state-out', bin]);
    expectInputError(['--merge', g2, g1], /g1\.json: the partials were made with different options: gamma is 2 here and 1 there/);
    expectInputError(['--merge', g2, bin], /bin\.json: cannot merge a binaryFocalLoss accumulator into a focalLoss one/);
  });

  it('shows a progress bar on stderr with --progress, and none by default when stderr is not a terminal', () => {
    const args = ['--labels', f('chunked-labels.npy'), '--pred', f('chunked-pred.npy'), '--chunk-size', '64K'];
    const quiet = run(args);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const shown = run([...args, '--progress']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/\rchunked-pred\.npy +\d+% \[[#·]+\]/);
    expect(shown.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(shown.stdout).toBe(quiet.stdout);
    expect(run([...args, '--no-progress'], { env: { ...process.env } }).stderr).toBe('');
  });
});

describe('the library entry', () => {
  it('imports no node: module and nothing of the CLI', () => {
    requireBuild();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      const imports = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g;
      for (const match of source.matchAll(imports)) {
        const spec = match[1] ?? match[2];
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^node:|^(fs|path|os|child_process)$/);
        if (spec.startsWith('.')) visit(new URL(spec, `file://${file}`).pathname);
      }
    };
    visit(join(root, 'dist/index.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].some((file) => /^dist\/cli(\/|\.js$)/.test(file.slice(root.length)))).toBe(false);
  });

  it('type-checks without Node\'s types (the CLI\'s files reference them; the library must not need them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'focal-loss-lib-types-'));
    try {
      const config = join(dir, 'tsconfig.json');
      writeFileSync(config, JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: join(root, 'src'), types: [] },
        files: [join(root, 'src/index.ts')],
        include: [],
      }));
      const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config, '--listFilesOnly'], { encoding: 'utf8' });
      expect(r.stdout).not.toMatch(/@types\/node|\/src\/cli/);
      const check = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
