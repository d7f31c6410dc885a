// Issue 16, item 10: --state-out never overwrites one of the run's own inputs (by name, through
// a symbolic link or a hard link), and a state is written atomically (a temporary file beside
// the target, renamed over it), with no temporary file left behind when the write fails.
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, run } from './cli-helpers.js';

let dir: string;
const f = (name: string) => join(dir, name);
const CSV = 'label,p0,p1\n0,0.75,0.25\n1,0.5,0.5\n';

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'focal-loss-state-out-'));
  writeFileSync(f('data.csv'), CSV);
  writeFileSync(f('labels.csv'), '0\n1\n');
  writeFileSync(f('preds.csv'), '0.75,0.25\n0.5,0.5\n');
  symlinkSync(f('data.csv'), f('data-link.csv'));
  linkSync(f('labels.csv'), f('labels-hard.csv'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit code 2 with a message naming --state-out and the input, and every file as it was. */
function expectRefused(args: string[], message: RegExp): void {
  const before = new Map(readdirSync(dir).map((name) => [name, readFileSync(f(name), 'utf8')]));
  const r = run(args);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(new Map(readdirSync(dir).map((name) => [name, readFileSync(f(name), 'utf8')]))).toEqual(before);
}

describe('--state-out and the run\'s own files (issue 16, item 10)', () => {
  it('refuses the --pred or --labels file, by name or by another path to it', () => {
    expectRefused(['--pred', f('data.csv'), '--state-out', f('data.csv')], /--state-out .*data\.csv is the --pred file .*data\.csv: writing the state would overwrite it/);
    expectRefused(['--pred', f('data.csv'), '--state-out', `${dir}/./sub/../data.csv`], /is the --pred file/);
    expectRefused(['--labels', f('labels.csv'), '--pred', f('preds.csv'), '--state-out', f('labels.csv')], /is the --labels file/);
    // A symbolic link to the input, and the input through a link; a hard link (another name, one inode).
    expectRefused(['--pred', f('data.csv'), '--state-out', f('data-link.csv')], /--state-out .*data-link\.csv is the --pred file/);
    expectRefused(['--pred', f('data-link.csv'), '--state-out', f('data.csv')], /is the --pred file .*data-link\.csv/);
    expectRefused(['--labels', f('labels.csv'), '--pred', f('preds.csv'), '--state-out', f('labels-hard.csv')], /is the --labels file/);
  });

  it('refuses one of the merged states, before reading any', () => {
    const a = f('a.json');
    const b = f('b.json');
    expect(run(['--pred', f('data.csv'), '--rows', ':1', '--state-out', a]).code).toBe(0);
    expect(run(['--pred', f('data.csv'), '--rows', '1:', '--state-out', b]).code).toBe(0);
    expectRefused(['--merge', a, b, '--state-out', b], /--state-out .*b\.json is the --merge file .*b\.json/);
    symlinkSync(a, f('a-link.json'));
    expectRefused(['--merge', a, b, '--state-out', f('a-link.json')], /is the --merge file .*a\.json/);
    // Merging into a new file is what --state-out is for.
    expect(run(['--merge', a, b, '--state-out', f('ab.json')]).code).toBe(0);
    expect(JSON.parse(readFileSync(f('ab.json'), 'utf8'))).toMatchObject({ count: 2, classes: 2 });
  });

  it('replaces an existing state atomically, writes through a link, and leaves no temporary file', () => {
    const out = f('state.json');
    writeFileSync(out, 'an older state');
    const older = statSync(out).ino;
    expect(run(['--pred', f('data.csv'), '--state-out', out]).code).toBe(0);
    // A new file renamed over the old one (another inode), not the old one rewritten in place.
    expect(statSync(out).ino).not.toBe(older);
    const state = JSON.parse(readFileSync(out, 'utf8'));
    expect(state).toMatchObject({ format: 'focal-loss-wasm/accumulator@1', count: 2, classes: 2 });
    symlinkSync(out, f('state-link.json'));
    expect(run(['--pred', f('data.csv'), '--rows', ':1', '--state-out', f('state-link.json')]).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ count: 1 });
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('fails with exit 2 and no temporary file when the state cannot be written', () => {
    mkdirSync(f('a-directory'));
    const r = run(['--pred', f('data.csv'), '--state-out', f('a-directory')]);
    expect(r.stderr).toMatch(/^focal-loss-wasm: cannot write the state to .*a-directory: it is a directory\n$/);
    expect(r.code).toBe(2);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(f('a-directory'))).toEqual([]);
    const missing = run(['--pred', f('data.csv'), '--state-out', f('no-such-dir/state.json')]);
    expect(missing.stderr).toMatch(/cannot write the state to .*no-such-dir\/state\.json: no such directory/);
    expect(missing.code).toBe(2);
  });
});
