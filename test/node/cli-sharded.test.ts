// examples/sharded/run.mjs: the map step in child processes over row ranges of .npy files,
// the reduce by merging their states; it checks itself against the single-process CLI.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focalLoss } from '../../src/index.js';
import { hasNumpy, load, relative, requireBuild, root, writeFixtures, type Manifest } from './cli-helpers.js';

const example = join(root, 'examples/sharded/run.mjs');

function runExample(args: string[]) {
  const r = spawnSync(process.execPath, [example, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasNumpy)('examples/sharded', () => {
  let dir: string;
  let files: Manifest;
  beforeAll(() => {
    requireBuild();
    ({ dir, manifest: files } = writeFixtures('focal-loss-cli-sharded-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges the shards\' states to the single-process loss, with the library and with --merge', () => {
    const r = runExample([join(dir, 'p64.npy'), join(dir, 'y-int64.npy'), '--shards', '4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^4 shards of /);
    expect(r.stdout.match(/^ {2}shard \d\/4 +count (750|751) +sum \S+$/gm)).toHaveLength(4);
    expect(r.stdout).toMatch(/^match: the merged shards equal the single-process loss/m);
    const losses = [...r.stdout.matchAll(/^(?:merged|single).* loss (\S+) +count 3001$/gm)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(3);
    const expected = focalLoss(load(dir, files, 'y-int64.npy'), load(dir, files, 'p64.npy'));
    for (const loss of losses) expect(relative(loss, expected)).toBeLessThanOrEqual(1e-12);
  });

  it('passes loss flags to every shard: logits, gamma, alpha, ignore index; binary; more shards than cores', () => {
    const logits = runExample([join(dir, 'logits32.npy'), join(dir, 'y-ignore.npy'), '--shards', '3', '--from-logits', '--gamma', '1',
      '--alpha', '0.25', '--ignore-index', '-100']);
    expect(logits.code, logits.stderr).toBe(0);
    const expected = focalLoss(load(dir, files, 'y-ignore.npy'), load(dir, files, 'logits32.npy'),
      { fromLogits: true, gamma: 1, alpha: 0.25, ignoreIndex: -100 });
    const loss = Number(/^single process +loss (\S+) +count 2700$/m.exec(logits.stdout)![1]);
    expect(relative(loss, expected)).toBeLessThanOrEqual(1e-12);
    expect(logits.stdout).toMatch(/^match:/m);

    const binary = runExample([join(dir, 'bin-logits.npy'), join(dir, 'bin-t-k.npy'), '--shards', '5', '--binary', '--from-logits']);
    expect(binary.code, binary.stderr).toBe(0);
    expect(binary.stdout).toMatch(/^match:/m);
  });

  it('fails with the CLI\'s message and exit code on bad input, and with usage on bad arguments', () => {
    const bad = runExample([join(dir, 'fortran.npy'), join(dir, 'y-int64.npy'), '--shards', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Fortran/);
    const usage = runExample([join(dir, 'p64.npy')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: node examples\/sharded\/run\.mjs/);
  });
});
