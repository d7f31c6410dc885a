// The CLI streams: a file of 200 MB and more is read through the fixed chunk buffers, so the
// process's peak memory does not grow with the file. Peak RSS comes from getrusage, written by
// a preloaded module (max-rss.mjs) at exit. Also: the progress bar on a real terminal.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focalLoss } from '../../src/index.js';
import { cli, hasNumpy, load, relative, requireBuild, root, run, writeFixtures, type Manifest } from './cli-helpers.js';

const ROWS = 14_000_000; // x 4 float32 = 224 MB of predictions, and 112 MB of int64 labels
const MB = 1e6;
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasNumpy)('the CLI on a 224 MB file', () => {
  let dir: string;
  let files: Manifest;
  const args = () => ['--labels', join(dir, 'big-labels.npy'), '--pred', join(dir, 'big-pred.npy'), '--json'];

  beforeAll(() => {
    requireBuild();
    ({ dir, manifest: files } = writeFixtures('focal-loss-cli-big-', ['--big', String(ROWS)]));
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The run's --json report and its peak resident set size in bytes. */
  function measured(extra: string[]): { json: Record<string, any>; maxRss: number } {
    const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
    const r = run([...args(), ...extra], { node: ['--import', join(root, 'test/node/max-rss.mjs')], env: { ...process.env, MAX_RSS_FILE: rssFile } });
    expect(r.code, r.stderr).toBe(0);
    return { json: JSON.parse(r.stdout), maxRss: Number(readFileSync(rssFile, 'utf8')) * 1024 };
  }

  it('keeps peak memory at the chunk buffers: the whole file costs what its first 1,000,000 rows cost', () => {
    const size = statSync(join(dir, 'big-pred.npy')).size;
    expect(size).toBeGreaterThan(200 * MB);
    const small = measured(['--rows', ':1000000']);
    const big = measured([]);
    console.log(`CLI peak RSS: ${(small.maxRss / MB).toFixed(1)} MB for 1,000,000 rows, ${(big.maxRss / MB).toFixed(1)} MB ` +
      `for ${ROWS.toLocaleString('en-US')} rows (${((size + statSync(join(dir, 'big-labels.npy')).size) / MB).toFixed(0)} MB of input)`);
    expect(big.json.count).toBe(ROWS);
    expect(big.maxRss - small.maxRss).toBeLessThan(24 * MB);
    expect(big.maxRss).toBeLessThan(size / 2);

    // The same loss as the one-shot call on the whole array in memory.
    const expected = focalLoss(load(dir, files, 'big-labels.npy'), load(dir, files, 'big-pred.npy'));
    expect(relative(big.json.loss, expected)).toBeLessThanOrEqual(1e-12);
  });

  it('bounds memory by --chunk-size', () => {
    const small = measured(['--chunk-size', '1M']);
    const large = measured(['--chunk-size', '64M']);
    console.log(`CLI peak RSS: ${(small.maxRss / MB).toFixed(1)} MB with --chunk-size 1M, ${(large.maxRss / MB).toFixed(1)} MB with 64M`);
    expect(small.json.loss).toBe(large.json.loss);
    expect(large.maxRss - small.maxRss).toBeGreaterThan(64 * MB);
  });

  it.runIf(hasScript)('draws a progress bar when stderr is a terminal and the input is large', () => {
    // script(1) runs the CLI on a pseudo-terminal; what it prints is the terminal's output.
    const command = ['node', cli, '--labels', join(dir, 'big-labels.npy'), '--pred', join(dir, 'big-pred.npy'), '--chunk-size', '1M'];
    const r = spawnSync('script', ['-qec', command.join(' '), '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\rbig-pred\.npy +\d+% \[[#·]+\] [\d.]+ [kMG]?B\/[\d.]+ [kMG]?B +[\d.]+ [kMG]?B\/s/);
    expect(r.stdout).toContain('\r\x1b[K');
    expect(r.stdout).toMatch(/focal loss +\S+ +\(mean over 14,000,000 samples\)/);
    // A small input on the same terminal shows none.
    const quiet = spawnSync('script', ['-qec', [...command, '--rows', ':1000'].join(' '), '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(quiet.stdout).not.toContain('%');
  });
});
