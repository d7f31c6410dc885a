// How the focal-loss-wasm command reads its inputs: every label dtype and .npy format version,
// big-endian files, files streamed in chunks of any size, CSV layouts, the progress bar, and
// exit code 2 naming the file (and row and column) for files it refuses and bad data. Runs
// `node dist/cli.js …` (npm test builds first) on NumPy and CSV files written at test time;
// losses are compared with the one-shot focalLoss on the same data.
import { beforeAll, describe, expect, it } from 'vitest';
import { focalLoss } from '../../src/index.js';
import { expectInputError, hasNumpy, relative, requireBuild, run, runJson, useFixtures } from './cli-helpers.js';

beforeAll(requireBuild);

describe.skipIf(!hasNumpy)('focal-loss-wasm on .npy and .csv files', () => {
  const { f, data, files } = useFixtures('focal-loss-cli-');

  it('reads every label dtype (int8/16/32/64, uint8/16/32/64, (N, 1)) and .npy format versions 2.0 and 3.0 alike', () => {
    const expected = runJson(['--labels', f('y-int64.npy'), '--pred', f('p64.npy')]).loss;
    for (const labels of ['y-int8.npy', 'y-int16.npy', 'y-int32.npy', 'y-uint8.npy', 'y-uint16.npy', 'y-uint32.npy', 'y-uint64.npy',
      'y-column.npy', 'y-v2.npy']) {
      expect(runJson(['--labels', f(labels), '--pred', f('p64.npy')]).loss, labels).toBe(expected);
    }
    expect(runJson(['--labels', f('y-int64.npy'), '--pred', f('p-v3.npy')]).loss).toBe(expected);
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
