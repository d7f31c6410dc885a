// The focal-loss-wasm command's accumulator states: --state-out writes them (or prints them with
// -), --merge combines shards to the whole file's numbers in any order, and refuses states of
// other options or losses (exit 2). Runs `node dist/cli.js …` (npm test builds first) on NumPy
// files written at test time; states are read back with the library's accumulators.
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryFocalLoss, createBinaryFocalLossAccumulator, createFocalLossAccumulator, focalLoss, type AccumulatorState,
} from '../../src/index.js';
import { expectInputError, hasNumpy, relative, requireBuild, run, runJson, useFixtures } from './cli-helpers.js';

beforeAll(requireBuild);

describe.skipIf(!hasNumpy)('focal-loss-wasm on .npy and .csv files', () => {
  const { f, data } = useFixtures('focal-loss-cli-');

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
});
