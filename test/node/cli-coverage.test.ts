// What shards cover (issue 21): each run's state names its data set and rows; --merge exits 2
// naming the rows missing or counted twice, unless --allow-partial (missing rows only). Shard
// ranges are computed here from the formula ⌊i·N/n⌋ (not read from the CLI), and losses are
// compared with the one-shot focalLoss on the fixtures' data.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focalLoss } from '../../src/index.js';
import { csvToParquet, hasNumpy, load, relative, requireBuild, run, runJson, writeFixtures, type Manifest } from './cli-helpers.js';

const N = 3001;
/** Shard i of n over N rows, as the README defines --shard. */
const shard = (i: number, n: number): [number, number] => [Math.floor((i * N) / n), Math.floor(((i + 1) * N) / n)];
const SOURCE = /^p64\.npy#[0-9a-f]{12}$/;

describe.skipIf(!hasNumpy)('--merge checks what the shards cover', () => {
  let dir: string;
  let files: Manifest;
  const f = (name: string) => join(dir, name);
  const args = () => ['--labels', f('y-int64.npy'), '--pred', f('p64.npy')];
  /** Writes shard i of n's state and returns its path. */
  const part = (i: number, n: number, pred = f('p64.npy'), cwd?: string) => {
    const path = f(`part-${i}-of-${n}-${Math.random().toString(36).slice(2)}.json`);
    const r = run(['--labels', f('y-int64.npy'), '--pred', pred, '--shard', `${i}/${n}`, '--state-out', path], cwd === undefined ? {} : { cwd });
    expect(r.code, r.stderr).toBe(0);
    return path;
  };
  const expectExit2 = (argv: string[], message: RegExp) => {
    const r = run(argv);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  };

  beforeAll(() => {
    requireBuild();
    ({ dir, manifest: files } = writeFixtures('focal-loss-cli-coverage-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a run says which rows of which data set it read; a merge of every shard is complete and exact', () => {
    const whole = runJson(args());
    expect(whole.coverage).toEqual([{ source: expect.stringMatching(SOURCE), ranges: [[0, N]], totalRows: N, missing: [], complete: true }]);
    const parts = [0, 1, 2, 3].map((i) => part(i, 4));
    const one = JSON.parse(readFileSync(parts[1], 'utf8'));
    expect(one.coverage).toEqual([{ source: whole.coverage[0].source, ranges: [shard(1, 4)], totalRows: N }]);
    const merged = runJson(['--merge', ...parts.reverse()]);
    expect(merged.coverage).toEqual(whole.coverage);
    expect(relative(merged.loss, focalLoss(load(dir, files, 'y-int64.npy'), load(dir, files, 'p64.npy')))).toBeLessThanOrEqual(1e-12);
    const text = run(['--merge', ...parts]);
    expect(text.stdout).toMatch(new RegExp(`^covers +all ${N} rows of p64\\.npy#[0-9a-f]{12}$`, 'm'));
    expect(run([...args(), '--shard', '1/4']).stdout).toMatch(/^covers +rows 750–1499 of the 3001 of p64\.npy#[0-9a-f]{12}$/m);
  });

  it('a missing shard exits 2 naming its rows; --allow-partial reports the rows covered', () => {
    const [from, to] = shard(2, 4);
    const parts = [0, 1, 3].map((i) => part(i, 4));
    expectExit2(['--merge', ...parts], new RegExp(
      `^focal-loss-wasm: the states do not cover p64\\.npy#[0-9a-f]{12}: rows ${from}–${to - 1} of its ${N} are missing; ` +
      'merge the states of the shards that read them too, or pass --allow-partial',
    ));
    const partial = runJson(['--merge', ...parts, '--allow-partial']);
    expect(partial.coverage[0]).toMatchObject({ ranges: [[0, from], [to, N]], missing: [[from, to]], complete: false });
    expect(partial.count).toBe(N - (to - from));
    const labels = Array.from(load(dir, files, 'y-int64.npy'));
    const preds = Array.from(load(dir, files, 'p64.npy'));
    const C = 7;
    const covered = focalLoss([...labels.slice(0, from), ...labels.slice(to)], [...preds.slice(0, from * C), ...preds.slice(to * C)], { classes: C });
    expect(relative(partial.loss, covered)).toBeLessThanOrEqual(1e-12);
    expect(run(['--merge', ...parts, '--allow-partial']).stdout).toMatch(/^covers +rows 0–1499, 2250–3000 of the 3001 of p64\.npy#[0-9a-f]{12}; missing rows 1500–2249$/m);
  });

  it('a shard given twice, or overlapping --rows, exits 2 naming the rows, with or without --allow-partial', () => {
    const parts = [0, 1, 2, 3].map((i) => part(i, 4));
    const [from, to] = shard(1, 4);
    for (const extra of [[], ['--allow-partial']]) {
      expectExit2(['--merge', ...parts, parts[1], ...extra], new RegExp(`both partials hold rows ${from}–${to - 1} of p64\\.npy#[0-9a-f]{12}: a shard would count twice`));
    }
    const a = f('rows-a.json');
    const b = f('rows-b.json');
    expect(run([...args(), '--rows', '0:1000', '--state-out', a]).code).toBe(0);
    expect(run([...args(), '--rows', '900:2000', '--state-out', b]).code).toBe(0);
    expectExit2(['--merge', a, b, '--allow-partial'], /both partials hold rows 900–999 of p64\.npy#[0-9a-f]{12}/);
  });

  it('names the data set by its contents: another path to the same files agrees, other data of the same size does not', () => {
    // The same file reached by a relative path from another folder, and a copy elsewhere.
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    copyFileSync(f('p64.npy'), join(copy, 'p64.npy'));
    const parts = [part(0, 3), part(1, 3, 'p64.npy', dir), part(2, 3, join(copy, 'p64.npy'))];
    expect(runJson(['--merge', ...parts]).coverage[0]).toMatchObject({ ranges: [[0, N]], complete: true });
    // The same name and size, other values (the rows in reverse order): another data set.
    const other = join(dir, 'other');
    mkdirSync(other);
    const bytes = readFileSync(f('p64.npy'));
    const data = N * 7 * 8;
    const header = bytes.subarray(0, bytes.length - data);
    const rows = Array.from({ length: N }, (_, i) => bytes.subarray(header.length + (N - 1 - i) * 56, header.length + (N - i) * 56));
    writeFileSync(join(other, 'p64.npy'), Buffer.concat([header, ...rows]));
    const mixed = [part(0, 3), part(1, 3), part(2, 3, join(other, 'p64.npy'))];
    const r = run(['--merge', ...mixed, '--allow-partial', '--json']);
    const coverage = JSON.parse(r.stdout).coverage;
    expect(coverage).toHaveLength(2);
    expect(coverage.map((c: { missing: unknown }) => c.missing)).toEqual([[shard(2, 3)], [[0, shard(2, 3)[0]]]]);
    expect(coverage[0].source).not.toBe(coverage[1].source);
    expectExit2(['--merge', ...mixed], /the states do not cover p64\.npy#/);
  });

  it('CSV: a whole file covers the rows read; --shard counts the rows first', () => {
    const csv = ['--pred', f('data.csv'), '--label-column', 'label'];
    const whole = runJson(csv);
    expect(whole.coverage).toEqual([{ source: expect.stringMatching(/^data\.csv#[0-9a-f]{12}$/), ranges: [[0, N]], totalRows: N, missing: [], complete: true }]);
    const parts = [0, 1].map((i) => {
      const path = f(`csv-${i}.json`);
      expect(run([...csv, '--shard', `${i}/2`, '--state-out', path]).code).toBe(0);
      return path;
    });
    expect(JSON.parse(readFileSync(parts[1], 'utf8')).coverage).toEqual([{ source: whole.coverage[0].source, ranges: [shard(1, 2)], totalRows: N }]);
    expect(runJson(['--merge', ...parts]).coverage).toEqual(whole.coverage);
  });

  it('Parquet: --shard reads the row count from the footer; the shards\' states merge to the whole file\'s', async () => {
    await csvToParquet(f('data.csv'), f('data.parquet'));
    const table = ['--pred', f('data.parquet'), '--label-column', 'label'];
    const whole = runJson(table);
    expect(whole.coverage).toEqual([{ source: expect.stringMatching(/^data\.parquet#[0-9a-f]{12}$/), ranges: [[0, N]], totalRows: N, missing: [], complete: true }]);
    const parts = [0, 1, 2].map((i) => {
      const path = f(`parquet-${i}.json`);
      expect(run([...table, '--shard', `${i}/3`, '--state-out', path]).code).toBe(0);
      return path;
    });
    expect(JSON.parse(readFileSync(parts[2], 'utf8')).coverage).toEqual([{ source: whole.coverage[0].source, ranges: [shard(2, 3)], totalRows: N }]);
    const merged = runJson(['--merge', ...parts]);
    expect(merged.coverage).toEqual(whole.coverage);
    expect(relative(merged.loss, focalLoss(load(dir, files, 'y-int64.npy'), load(dir, files, 'p64.npy')))).toBeLessThanOrEqual(1e-12);
  });

  it('an empty shard covers no rows and merges as a no-op; --allow-partial needs --merge', () => {
    const empty = f('empty.json');
    expect(run([...args(), '--rows', `${N}:`, '--state-out', empty]).code).toBe(0);
    expect(JSON.parse(readFileSync(empty, 'utf8')).coverage).toEqual([{ source: expect.stringMatching(SOURCE), ranges: [], totalRows: N }]);
    const whole = f('whole.json');
    expect(run([...args(), '--state-out', whole]).code).toBe(0);
    expect(runJson(['--merge', empty, whole]).coverage[0].complete).toBe(true);
    expectExit2([...args(), '--allow-partial'], /--allow-partial applies to --merge/);
  });
});
