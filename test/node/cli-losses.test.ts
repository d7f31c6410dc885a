// The focal-loss-wasm command's losses: run as `node dist/cli.js …` (npm test builds first) on
// NumPy files written at test time, with its options (--from-logits, --gamma, --alpha,
// --ignore-index, --per-class, --binary, --asymmetric), and compared with the one-shot
// focalLoss, binaryFocalLoss and asymmetricLoss on the same data.
import { beforeAll, describe, expect, it } from 'vitest';
import { asymmetricLoss, binaryFocalLoss, focalLoss } from '../../src/index.js';
import { expectInputError, hasNumpy, relative, requireBuild, run, runJson, useFixtures } from './cli-helpers.js';

beforeAll(requireBuild);

describe.skipIf(!hasNumpy)('focal-loss-wasm on .npy and .csv files', () => {
  const { f, data, files } = useFixtures('focal-loss-cli-');

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
});
