// The command-line tool on segmentation maps written by NumPy (test/node/cli-maps-fixtures.py,
// which also computes the expected losses with NumPy from the definition): .npy files of any
// rank with --axis, float16 / float32 / float64 logits, uint8 / int64 masks with 255 for void
// pixels, per-class tables over pixels, diagnostics per pixel, chunks that cut images, shards,
// and the messages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasNumpy, relative, requireBuild, root, run, runJson } from './cli-helpers.js';

interface Expected {
  loss: number;
  sum: number;
  count: number;
  perClass?: Array<[number, number]>;
  /** The hardest pixels: [index in the labels' (N, H, W) order, loss]. */
  hardest?: Array<[number, number]>;
}

let dir = '';
let expected: Record<string, Expected> = {};
const f = (name: string) => join(dir, name);

beforeAll(() => {
  requireBuild();
  if (!hasNumpy) return;
  dir = mkdtempSync(join(tmpdir(), 'focal-loss-cli-maps-'));
  const out = execFileSync('python3', [join(root, 'test/node/cli-maps-fixtures.py'), dir], { encoding: 'utf8' });
  expected = (JSON.parse(out) as { expected: Record<string, Expected> }).expected;
});

function expectInputError(args: string[], message: RegExp): void {
  const r = run(args);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

function expectLoss(json: Record<string, any>, want: Expected, label: string): void {
  expect(relative(json.loss, want.loss), `${label}: ${json.loss} vs ${want.loss}`).toBeLessThanOrEqual(1e-12);
  expect(relative(json.sum, want.sum), label).toBeLessThanOrEqual(1e-12);
  expect(json.count, label).toBe(want.count);
}

const logits = ['--from-logits', '--ignore-index', '255'];

describe.runIf(hasNumpy)('focal-loss-wasm on maps', () => {
  it('(N, C, H, W) logits with --axis 1 and (N, H, W) masks: every dtype, the loss NumPy computes', () => {
    for (const [labels, pred] of [
      ['mask-u8.npy', 'nchw-f32.npy'], ['mask-i64.npy', 'nchw-f32.npy'], ['mask-n1hw.npy', 'nchw-f32.npy'],
      ['mask-u8.npy', 'nchw-f64.npy'], ['mask-u8.npy', 'nchw-f16.npy'],
    ]) {
      const json = runJson(['--labels', f(labels), '--pred', f(pred), ...logits, '--axis', '1', '--per-class']);
      expectLoss(json, expected.nchw, `${labels} ${pred}`);
      expect(json.rows).toBe(70);
      expect(json.ignored).toBe(5);
      json.perClass.forEach((c: { count: number; sum: number }, k: number) => {
        expect(c.count).toBe(expected.nchw.perClass![k][1]);
        expect(relative(c.sum, expected.nchw.perClass![k][0])).toBeLessThanOrEqual(1e-12);
      });
    }
  });

  it('the same values channels-last need no --axis; --axis -1 and 3 say the same', () => {
    for (const axis of [[], ['--axis', '-1'], ['--axis', '3']]) {
      expectLoss(runJson(['--labels', f('mask-u8.npy'), '--pred', f('nhwc-f32.npy'), ...logits, ...axis]), expected.nchw, axis.join(' '));
    }
  });

  it('--diagnostics on a map: every pixel a sample, the hardest named by their index in the labels\' order', () => {
    for (const [pred, axis] of [['nchw-f32.npy', '1'], ['nhwc-f32.npy', '-1']]) {
      const json = runJson(['--labels', f('mask-u8.npy'), '--pred', f(pred), ...logits, '--axis', axis, '--diagnostics']);
      expectLoss(json, expected.nchw, pred);
      expect(json.diagnosed.count).toBe(expected.nchw.count);
      expected.nchw.hardest!.forEach(([row, loss], k) => {
        expect(json.hardest[k].row, `${pred} hardest[${k}]`).toBe(row);
        expect(relative(json.hardest[k].loss, loss)).toBeLessThanOrEqual(1e-12);
      });
    }
  });

  it('a rank-5 map, and --binary with the labels on axis 1', () => {
    expectLoss(runJson(['--labels', f('volume-mask.npy'), '--pred', f('ncdhw-f32.npy'), '--from-logits', '--axis', '1']), expected.ncdhw, 'rank 5');
    const binary = runJson(['--binary', '--labels', f('targets-nchw.npy'), '--pred', f('nchw-f32.npy'), '--from-logits', '--axis', '1']);
    expectLoss(binary, expected.binary, 'binary');
  });

  it('chunks that cut images, shards and their merge give the whole map\'s numbers', () => {
    const args = ['--labels', f('big-mask.npy'), '--pred', f('big-nchw.npy'), ...logits, '--axis', '1'];
    for (const chunk of [['--chunk-size', '300'], ['--chunk-size', '7777'], []]) expectLoss(runJson([...args, ...chunk]), expected.big, chunk.join(' '));
    const states = [0, 1, 2].map((i) => {
      const path = join(dir, `shard-${i}.json`);
      const r = run([...args, '--shard', `${i}/3`, '--state-out', path, '--chunk-size', '1000']);
      expect(r.code, r.stderr).toBe(0);
      return path;
    });
    expectLoss(runJson(['--merge', ...states.reverse()]), expected.big, 'merged shards');
  });

  it('labels that do not fit the axis: the advice is --axis 1 or np.moveaxis, never a reshape to (N, C)', () => {
    expectInputError(['--labels', f('mask-u8.npy'), '--pred', f('nchw-f32.npy'), ...logits],
      /^focal-loss-wasm: .*mask-u8\.npy is \(2, 5, 7\) uint8, which does not fit .*nchw-f32\.npy \(2, 3, 5, 7\) float32 with its classes on axis -1 \(the last\): expected class indices of shape \(2, 3, 5\); they fit classes on axis 1: pass --axis 1 \(or save the predictions channels-last: np\.moveaxis\(a, 1, -1\)\)\n$/);
    expectInputError(['--labels', f('mask-u8.npy'), '--pred', f('nchw-f32.npy'), ...logits, '--axis', '4'],
      /--axis 4 is outside .*nchw-f32\.npy, whose shape \(2, 3, 5, 7\) has 4 axes/);
    expectInputError(['--labels', f('nchw-f32.npy'), '--pred', f('nchw-f32.npy'), '--axis', '1'],
      /nchw-f32\.npy is \(2, 3, 5, 7\) float32, the predictions' shape: one-hot or soft targets are not supported by the CLI; save class indices \(np\.argmax\(y, axis=1\)\)/);
    expectInputError(['--binary', '--labels', f('mask-u8.npy'), '--pred', f('nchw-f32.npy'), '--axis', '1'],
      /shape mismatch: --binary needs targets of the predictions' shape/);
    const csv = join(dir, 'labels.csv');
    writeFileSync(csv, 'label\n0\n1\n');
    expectInputError(['--labels', csv, '--pred', csv, '--axis', '2'], /--axis 2 applies to \.npy files; the rows of .*labels\.csv hold the classes/);
  });

  it('bad values are named by their coordinates in the files', () => {
    const bad = join(dir, 'bad');
    execFileSync('python3', ['-c', `
import numpy as np, sys
z = np.load(sys.argv[1]); y = np.load(sys.argv[2])
y[1, 2, 3] = 7; np.save(sys.argv[3] + '-mask.npy', y)
z[0, 2, 1, 3] = np.nan; np.save(sys.argv[3] + '-logits.npy', z)`, f('nchw-f32.npy'), f('mask-u8.npy'), bad]);
    expectInputError(['--labels', `${bad}-mask.npy`, '--pred', f('nchw-f32.npy'), ...logits, '--axis', '1', '--chunk-size', '40'],
      /bad-mask\.npy\[1, 2, 3\] = 7 is not a class index: expected an integer in \[0, 3\) \(or the --ignore-index 255\)\n$/);
    expectInputError(['--labels', f('mask-u8.npy'), '--pred', `${bad}-logits.npy`, ...logits, '--axis', '1', '--chunk-size', '40'],
      /bad-logits\.npy\[0, 2, 1, 3\] = NaN is not a valid logit/);
  });
});
