// Shared by the CLI tests: the NumPy fixtures (written at test time by cli-fixtures.py), a
// way to run the built CLI and check its input errors, and an independent reader of the
// fixtures' data.
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

export const root = new URL('../../', import.meta.url).pathname;
export const cli = join(root, 'dist/cli.js');

/** Whether python3 with NumPy is here to write the fixtures; the tests that need it skip otherwise. */
export const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy) {
  console.warn('CLI tests on .npy fixtures are SKIPPED: they need python3 with numpy to write the fixtures (pip install numpy)');
}

export function requireBuild(): void {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does)`);
}

export type Manifest = Record<string, { shape: number[]; dtype: string }>;

/** Writes the fixtures into a new temporary folder; returns it and the manifest of the .npy files. */
export function writeFixtures(prefix: string, extra: string[] = []): { dir: string; manifest: Manifest } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const out = execFileSync('python3', [join(root, 'test/node/cli-fixtures.py'), dir, ...extra], { encoding: 'utf8' });
  return { dir, manifest: JSON.parse(out) as Manifest };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` (or `node ...node args dist/cli.js ...args`). */
export function run(args: string[], options: SpawnSyncOptions & { node?: string[] } = {}): Run {
  const { node = [], ...spawn } = options;
  const r = spawnSync(process.execPath, [...node, cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, ...spawn });
  if (r.error) throw r.error;
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Exit code 2, a message on stderr that matches, nothing on stdout. */
export function expectInputError(args: string[], message: RegExp): void {
  const r = run(args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/^focal-loss-wasm: /);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

/** The --json report of a successful run. */
export function runJson(args: string[]): Record<string, any> {
  const r = run([...args, '--json']);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const ARRAYS: Record<string, (b: ArrayBuffer) => ArrayLike<number>> = {
  float64: (b) => new Float64Array(b),
  float32: (b) => new Float32Array(b),
  int64: (b) => Float64Array.from(new BigInt64Array(b), Number),
  uint64: (b) => Float64Array.from(new BigUint64Array(b), Number),
  int32: (b) => new Int32Array(b),
  uint32: (b) => new Uint32Array(b),
  int16: (b) => new Int16Array(b),
  uint16: (b) => new Uint16Array(b),
  int8: (b) => new Int8Array(b),
  uint8: (b) => new Uint8Array(b),
  bool: (b) => new Uint8Array(b),
};
const ITEM: Record<string, number> = {
  float64: 8, float32: 4, int64: 8, uint64: 8, int32: 4, uint32: 4, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1,
};

/**
 * A fixture's values, flat, read without the CLI's reader: an .npy file's data is its last
 * prod(shape) × itemsize bytes.
 */
export function load(dir: string, manifest: Manifest, name: string): ArrayLike<number> {
  const { shape, dtype } = manifest[name];
  const bytes = readFileSync(join(dir, name));
  const length = shape.reduce((a, b) => a * b, 1) * ITEM[dtype];
  const copy = new ArrayBuffer(length);
  new Uint8Array(copy).set(bytes.subarray(bytes.length - length));
  return ARRAYS[dtype](copy);
}

/**
 * The fixtures for a describe block's tests, written before them into a new temporary folder
 * and removed after them: `f` gives a fixture's path, `data` its values, `files` the manifest.
 */
export function useFixtures(prefix: string): { f: (name: string) => string; data: (name: string) => ArrayLike<number>; files: Manifest } {
  let dir = '';
  const files: Manifest = {};
  beforeAll(() => {
    const written = writeFixtures(prefix);
    dir = written.dir;
    Object.assign(files, written.manifest);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { f: (name) => join(dir, name), data: (name) => load(dir, files, name), files };
}

/** |a - b| <= tolerance · |b|. */
export function relative(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.abs(b);
}

/**
 * The bytes of an .npy file with this header text and data, written here byte by byte (not by
 * the code under test): format 1.0, or 2.0 for a header too long for 1.0, or `major` if given.
 */
export function npyBytes(header: string, data: Uint8Array = new Uint8Array(0), major = header.length < 65_000 ? 1 : 2): Buffer {
  const start = major === 1 ? 10 : 12;
  const pad = (64 - ((start + header.length + 1) % 64)) % 64;
  const text = Buffer.from(`${header}${' '.repeat(pad)}\n`, major === 3 ? 'utf8' : 'latin1');
  const bytes = Buffer.alloc(start + text.length + data.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(bytes);
  if (major === 1) bytes.writeUInt16LE(text.length, 8);
  else bytes.writeUInt32LE(text.length, 8);
  text.copy(bytes, start);
  bytes.set(data, start + text.length);
  return bytes;
}

const DESCR = new Map<Function, string>([[Float64Array, '<f8'], [Float32Array, '<f4'], [BigInt64Array, '<i8'], [Int32Array, '<i4']]);

/** An .npy file (format 1.0, C order, little-endian) of a typed array's values in this shape. */
export function npyFile(data: Float64Array | Float32Array | BigInt64Array | Int32Array, shape: number[]): Buffer {
  const header = `{'descr': '${DESCR.get(data.constructor)}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  return npyBytes(header, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Writes npyFile(data, shape) to `path`; returns the path. */
export function writeNpy(path: string, data: Float64Array | Float32Array | BigInt64Array | Int32Array, shape: number[]): string {
  writeFileSync(path, npyFile(data, shape));
  return path;
}

/** A temporary folder for a test file's inputs: numbered files written into it, removed at the end. */
export function scratch(prefix: string): { dir: string; file(contents: string | Uint8Array, extension?: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let written = 0;
  return {
    dir,
    file(contents, extension = 'csv') {
      const path = join(dir, `f${written++}.${extension}`);
      writeFileSync(path, contents);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A CSV file (with a header line) written as Parquet by an independent program, DuckDB, in row groups of `rowGroup` rows. */
export async function csvToParquet(csv: string, parquet: string, rowGroup = 500): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    await db.run(`COPY (SELECT * FROM read_csv('${csv}', header = true)) TO '${parquet}' (FORMAT parquet, ROW_GROUP_SIZE ${rowGroup})`);
  } finally {
    db.closeSync();
  }
}
