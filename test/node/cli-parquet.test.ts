// The CLI on Parquet files written by an independent program, DuckDB (@duckdb/node-api, a
// devDependency): snappy, gzip and zstd; one numeric column per class or one list column per
// row; several row groups; nulls; pandas' index column. The values are made here (a seeded
// generator), written to CSV text that DuckDB's own reader loads, and the expected losses come
// from the formula on those values. Also: the library's readParquetColumns, and bounded memory.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParquetColumns, readParquetSchema } from '../../src/parquet.js';
import { relative, requireBuild, root, run, runJson } from './cli-helpers.js';
import { random } from '../random.js';

const N = 5000;
const C = 4;
let dir: string;
let db: DuckDBConnection;
const f = (name: string) => join(dir, name);

const next = random(20261211);
const labels = Array.from({ length: N }, () => Math.floor(next() * C));
const probs = Array.from({ length: N }, () => {
  const raw = Array.from({ length: C }, () => next() + 0.01);
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => v / total);
});
const logits = Array.from({ length: N }, () => Array.from({ length: C }, () => (next() - 0.5) * 8));

/** The mean of -(1 - p_t)^γ log p_t over rows [from, to), from probabilities or (log-softmax) from logits. */
function focal(rows: number[][], fromLogits: boolean, from = 0, to = N, gamma = 2): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const row = rows[i];
    let logP: number;
    if (fromLogits) {
      const max = Math.max(...row);
      logP = row[labels[i]] - max - Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
    } else {
      logP = Math.log(row[labels[i]]);
    }
    sum += -((1 - Math.exp(logP)) ** gamma) * logP;
  }
  return sum / (to - from);
}

/** Writes `select` (over the table t) to a Parquet file with DuckDB. */
async function parquet(name: string, select: string, codec = 'zstd', rowGroup = 2048): Promise<string> {
  await db.run(`COPY (${select}) TO '${f(name)}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE ${rowGroup})`);
  return f(name);
}

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'focal-loss-parquet-'));
  const header = ['row', 'label', ...probs[0].map((_, c) => `p${c}`), ...logits[0].map((_, c) => `z${c}`), 'id'];
  const lines = labels.map((y, i) => [i, y, ...probs[i], ...logits[i], `"img-${i}.png"`].join(','));
  writeFileSync(f('values.csv'), `${header.join(',')}\n${lines.join('\n')}\n`);
  db = await (await DuckDBInstance.create(':memory:')).connect();
  await db.run(`CREATE TABLE t AS SELECT * FROM read_csv('${f('values.csv')}', header = true, columns = {${header.map((h) =>
    `'${h}': '${h === 'id' ? 'VARCHAR' : h === 'label' || h === 'row' ? 'BIGINT' : 'DOUBLE'}'`).join(', ')}}) ORDER BY row`);
}, 120_000);

afterAll(() => {
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('focal-loss-wasm --pred data.parquet', () => {
  it('reads one numeric column per class, in snappy, gzip and zstd, over several row groups', async () => {
    const expected = focal(probs, false);
    for (const codec of ['snappy', 'gzip', 'zstd']) {
      const path = await parquet(`probs-${codec}.parquet`, 'SELECT label, p0, p1, p2, p3 FROM t', codec);
      expect((await readParquetSchema(readFileSync(path))).rowGroups.length).toBeGreaterThan(1);
      const json = runJson(['--pred', path, '--label-column', 'label']);
      expect(relative(json.loss, expected), codec).toBeLessThanOrEqual(1e-12);
      expect(json).toMatchObject({ count: N, rows: N, classes: C });
    }
  });

  it('selects prediction columns by names, a range of names or indices, a pattern; other columns are ignored', async () => {
    const path = await parquet('mixed.parquet', 'SELECT id, z0, z1, z2, z3, label, p0, p1, p2, p3 FROM t');
    const fromLogits = focal(logits, true);
    const fromProbs = focal(probs, false);
    const runs: Array<[string[], number]> = [
      [['--pred-columns', 'z0,z1,z2,z3', '--from-logits'], fromLogits],
      [['--pred-columns', 'z0:z3', '--from-logits'], fromLogits],
      [['--pred-columns', '1:5', '--from-logits'], fromLogits],
      [['--pred-columns', 'z*', '--from-logits'], fromLogits],
      [['--pred-columns', 'p*'], fromProbs],
    ];
    for (const [flags, want] of runs) {
      const json = runJson(['--pred', path, '--label-column', 'label', ...flags]);
      expect(relative(json.loss, want), flags.join(' ')).toBeLessThanOrEqual(1e-12);
    }
    // A permutation of the columns permutes the classes: z1,z0,… against the labels is another loss.
    const swapped = runJson(['--pred', path, '--label-column', 'label', '--pred-columns', 'z1,z0,z2,z3', '--from-logits']);
    expect(swapped.loss).not.toBe(runJson(['--pred', path, '--label-column', 'label', '--pred-columns', 'z*', '--from-logits']).loss);
  });

  it('by default takes every other column of numbers, and says which it skipped', async () => {
    const path = await parquet('default.parquet', 'SELECT label, id, p0, p1, p2, p3 FROM t');
    const r = run(['--pred', path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(relative(JSON.parse(r.stdout).loss, focal(probs, false))).toBeLessThanOrEqual(1e-12);
    expect(r.stderr).toMatch(/^focal-loss-wasm: note: .*default\.parquet: column 1 \("id"\) holds BYTE_ARRAY \(UTF8\), not numbers; it is skipped$/m);
  });

  it('reads one list column per row (--pred-column, or the only list column by default)', async () => {
    const path = await parquet('list.parquet', 'SELECT label, [z0, z1, z2, z3] AS logits FROM t', 'gzip');
    const want = focal(logits, true);
    expect(relative(runJson(['--pred', path, '--pred-column', 'logits', '--from-logits']).loss, want)).toBeLessThanOrEqual(1e-12);
    expect(relative(runJson(['--pred', path, '--from-logits']).loss, want)).toBeLessThanOrEqual(1e-12);
    // An empty range is an empty shard, though no row tells the list's length.
    const empty = run(['--pred', path, '--from-logits', '--rows', '10:10', '--state-out', '-']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout).count).toBe(0);
  });

  it('--rows and --shard read row ranges across row groups; the shards merge to the whole', async () => {
    const path = await parquet('shards.parquet', 'SELECT label, p0, p1, p2, p3 FROM t', 'snappy', 1000);
    const range = runJson(['--pred', path, '--rows', '1500:4321']);
    expect(range.count).toBe(4321 - 1500);
    expect(relative(range.loss, focal(probs, false, 1500, 4321))).toBeLessThanOrEqual(1e-12);
    const parts = [0, 1, 2].map((i) => {
      const out = f(`shard-${i}.json`);
      const r = run(['--pred', path, '--shard', `${i}/3`, '--state-out', out]);
      expect(r.code, r.stderr).toBe(0);
      return out;
    });
    expect(relative(runJson(['--merge', ...parts]).loss, focal(probs, false))).toBeLessThanOrEqual(1e-12);
  });

  it('--binary: a target column and a prediction column', async () => {
    const path = await parquet('binary.parquet', 'SELECT (label = 1)::INTEGER AS target, p1 FROM t');
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const pt = labels[i] === 1 ? probs[i][1] : 1 - probs[i][1];
      sum += -((1 - pt) ** 2) * Math.log(pt);
    }
    const json = runJson(['--pred', path, '--binary']);
    expect(json.kind).toBe('binaryFocalLoss');
    expect(relative(json.loss, sum / N)).toBeLessThanOrEqual(1e-12);
  });

  it('skips pandas\' index column (__index_level_0__) with a note', async () => {
    const path = await parquet('pandas.parquet', 'SELECT row + 100 AS __index_level_0__, label, p0, p1, p2, p3 FROM t');
    const r = run(['--pred', path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(relative(JSON.parse(r.stdout).loss, focal(probs, false))).toBeLessThanOrEqual(1e-12);
    expect(r.stderr).toMatch(/note: .*column 0 \("__index_level_0__"\) is the row index pandas writes; it is skipped/);
  });

  it('names the row and the column of a null, a missing column, and a column that is not numbers (exit 2)', async () => {
    const nulls = await parquet('nulls.parquet', 'SELECT label, CASE WHEN row = 3001 THEN NULL ELSE p2 END AS p2, p0, p1, p3 FROM t');
    const nullLabel = await parquet('null-label.parquet', 'SELECT CASE WHEN row = 17 THEN NULL ELSE label END AS label, p0, p1, p2, p3 FROM t');
    const nullEntry = await parquet('null-entry.parquet', 'SELECT label, [p0, p1, CASE WHEN row = 42 THEN NULL ELSE p2 END, p3] AS probs FROM t');
    const cases: Array<[string[], RegExp]> = [
      [['--pred', nulls], /nulls\.parquet: row 3001, column "p2" is null \(a missing value\): every label and prediction needs a value/],
      [['--pred', nullLabel], /null-label\.parquet: row 17, column "label" is null/],
      [['--pred', nullEntry], /null-entry\.parquet: row 42, column "probs" entry 2 is null/],
      [['--pred', nulls, '--label-column', 'nope'], /--label-column "nope" names no column of .*nulls\.parquet: its columns are "label", "p2", "p0"/],
      [['--pred', f('mixed.parquet'), '--label-column', 'label', '--pred-columns', 'id,z0'], /--pred-columns: column 0 \("id"\) of .* holds BYTE_ARRAY \(UTF8\), not numbers; leave it out/],
      [['--pred', f('mixed.parquet'), '--label-column', 'label', '--pred-columns', 'q*'], /--pred-columns "q\*" matches no column/],
      [['--pred', f('list.parquet'), '--pred-column', 'label'], /--pred-column: column 0 \("label"\) .* holds INT64 \(INT_64\), not a list of numbers per row/],
      [['--labels', f('values.csv'), '--pred', f('list.parquet')], /--labels with a Parquet --pred: the labels are a column of/],
      [['--pred', f('list.parquet'), '--rows', '0:9999'], /the row range 0:9999 is outside .*list\.parquet, which has 5000 rows/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).toMatch(/^focal-loss-wasm: [^\n]*\n$/);
      expect(r.code).toBe(2);
    }
    const garbage = f('garbage.parquet');
    writeFileSync(garbage, 'PAR1 this is not a parquet file PAR1');
    expect(run(['--pred', garbage]).stderr).toMatch(/garbage\.parquet: cannot read it as a Parquet file: /);
  });
});

describe('Parquet memory', () => {
  it('streams row groups: a file whose values take 160 MB as numbers reads within a 64 MB heap', async () => {
    const rows = 4_000_000;
    // p0 + p1 + p2 + p3 = 1 on every row; the label cycles through the classes.
    const path = await parquet('big.parquet', `SELECT (i % 4)::INTEGER AS label, 0.1 + (i % 997) / 10000 AS p0, 0.2 AS p1, 0.3 AS p2,
      0.4 - (i % 997) / 10000 AS p3 FROM range(${rows}) t(i)`, 'zstd', 100_000);
    const r = run(['--pred', path, '--json'], { node: ['--max-old-space-size=64'] });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.count).toBe(rows);
    // Neumaier's sum of -(1 - p_t)^2 log p_t.
    let sum = 0;
    let carry = 0;
    for (let i = 0; i < rows; i++) {
      const shift = (i % 997) / 10000;
      const p = [0.1 + shift, 0.2, 0.3, 0.4 - shift][i % 4];
      const term = -((1 - p) ** 2) * Math.log(p);
      const t = sum + term;
      carry += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
    expect(relative(json.loss, (sum + carry) / rows)).toBeLessThanOrEqual(1e-12);
  }, 300_000);
});

describe('readParquetColumns (focal-loss-wasm/parquet)', () => {
  it('yields one chunk per row group, with the rows asked for', async () => {
    const bytes = readFileSync(await parquet('library.parquet', 'SELECT label, [p0, p1, p2, p3] AS probs, z0 FROM t', 'snappy', 2048));
    const schema = await readParquetSchema(bytes);
    expect(schema.rows).toBe(N);
    expect(schema.columns.map((c) => [c.name, c.kind])).toEqual([['label', 'number'], ['probs', 'list'], ['z0', 'number']]);
    const chunks = [];
    for await (const chunk of readParquetColumns(bytes, { label: 'label', predictions: 'probs', rows: { start: 100, end: 4500 } })) chunks.push(chunk);
    expect(chunks.length).toBe(schema.rowGroups.length);
    expect(chunks.reduce((s, c) => s + c.rows, 0)).toBe(4400);
    for (const { firstRow, rows, labels: y, predictions, classes } of chunks) {
      expect(classes).toBe(C);
      for (let i = 0; i < rows; i++) {
        expect(y[i]).toBe(labels[firstRow + i]);
        expect(Array.from(predictions.subarray(i * C, (i + 1) * C))).toEqual(probs[firstRow + i]);
      }
    }
    await expect(readParquetColumns(bytes, { label: 'nope', predictions: 'probs' }).next()).rejects.toThrow(/RangeError|the label column "nope" is not in the file/);
    await expect(readParquetColumns(bytes, { label: 'label', predictions: ['probs'] }).next()).rejects.toThrow(TypeError);
    await expect(readParquetSchema(42 as never)).rejects.toThrow(/readParquetSchema: file must be an ArrayBuffer, a Uint8Array or an AsyncBuffer/);
  });

  it('is the package\'s ./parquet export, and the main entry does not import it', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.exports['./parquet']).toEqual({ types: './dist/parquet.d.ts', default: './dist/parquet.js' });
    expect(manifest.peerDependenciesMeta.hyparquet).toEqual({ optional: true });
    expect(manifest.dependencies?.hyparquet).toBeUndefined();
    expect(readFileSync(join(root, 'dist/index.js'), 'utf8')).not.toMatch(/parquet/);
  });
});
