// The focal-loss-wasm command's usage: --help, --version, the bin of package.json, and exit
// code 2 with a message for unknown flags, bad values and missing files. Runs the build
// (`node dist/cli.js …`; npm test builds first).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, expectInputError, requireBuild, root, run } from './cli-helpers.js';

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

beforeAll(requireBuild);

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
