/// <reference types="node" />
import type { AsyncBuffer, Compressors, ParquetChunk, ParquetColumn } from '../parquet.js';
import { shardRange } from './arguments.js';
import { column, name, selectColumns, type Columns } from './columns.js';
import { InputError, quote } from './input-error.js';
import type { Chunk, InputRequest, Inputs } from './input-request.js';
import { checkPredColumns } from './single-file.js';
import { closeFile, openFile, readExact, resolveRange, type OpenFile } from './source.js';
import { count } from './words.js';

type ParquetModule = typeof import('../parquet.js');

/** The library's Parquet reader (src/parquet.ts, on hyparquet), loaded only when a run reads Parquet. */
async function reader(): Promise<{ parquet: ParquetModule; compressors: Compressors | undefined }> {
  let parquet: ParquetModule;
  try {
    parquet = await import('../parquet.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new InputError('reading Parquet needs the optional package hyparquet: npm install hyparquet hyparquet-compressors');
  }
  let compressors: Compressors | undefined;
  try {
    ({ compressors } = await import('hyparquet-compressors'));
  } catch {
    // Snappy and uncompressed files still read; the error for another codec says what to install.
  }
  return { parquet, compressors };
}

/** An error of the reader as the CLI says it: the library's with the file's path, anything else as a file it cannot read. */
function readError(error: unknown, path: string, compressors: Compressors | undefined): unknown {
  if (error instanceof InputError) return error;
  if (error instanceof RangeError || error instanceof TypeError) return new InputError(`${path}: ${error.message.replace(/^\w+: /, '')}`);
  const message = error instanceof Error ? error.message : String(error);
  const hint = compressors === undefined && /compress|codec/i.test(message) ? ' (for gzip, zstd, brotli or lz4: npm install hyparquet-compressors)' : '';
  return new InputError(`${path}: cannot read it as a Parquet file: ${message}${hint}`);
}

/**
 * A Parquet file holding the label (a column) and the predictions (one numeric column per
 * class, or one list column), read one row group at a time through the library's reader.
 */
export async function openParquet(request: InputRequest): Promise<Inputs> {
  const path = request.pred;
  if (request.labels !== null) {
    throw new InputError(`--labels with a Parquet --pred: the labels are a column of ${path}; name it with --label-column`);
  }
  const { parquet, compressors } = await reader();
  const file = openFile(path);
  let bytesRead = 0;
  const buffer = fileBuffer(file, path, (bytes) => {
    bytesRead += bytes;
  });
  try {
    const schema = await parquet.readParquetSchema(buffer).catch((error) => Promise.reject(readError(error, path, compressors)));
    const columns: Columns = {
      names: schema.columns.map((c) => c.name),
      count: schema.columns.length,
      // pyarrow stores pandas' index (unless a plain range) as __index_level_0__.
      excluded: new Set(schema.columns.flatMap((c, k) => (/^__index_level_\d+__$/.test(c.name) ? [k] : []))),
      path,
    };
    const chosen = choose(schema.columns, columns, request);
    const { shard } = request;
    const range = shard === null ? request.range : shardRange(shard.index, shard.count, schema.rows);
    const rows = resolveRange(range, schema.rows, path);
    const label = schema.columns[chosen.label].name;
    const predictions = chosen.list === null ? chosen.preds.map((k) => schema.columns[k].name) : schema.columns[chosen.list].name;
    const chunks = parquet.readParquetColumns(buffer, { label, predictions, rows: { start: rows.start, end: rows.end }, compressors });
    const read = async (): Promise<ParquetChunk | null> => {
      try {
        const next = await chunks.next();
        return next.done === true ? null : next.value;
      } catch (error) {
        throw readError(error, path, compressors);
      }
    };
    // A list column's length (C) shows in its first row: read the first row group now.
    let first: ParquetChunk | null = await read();
    const classes = first?.classes ?? (chosen.list === null ? chosen.preds.length : 0);
    const what = chosen.list === null ? count(chosen.preds.length, 'prediction column') : `list column ${name(chosen.list, columns)}`;
    return {
      classes,
      firstRow: rows.start,
      chunkRows: schema.rowGroups.reduce((a, b) => Math.max(a, b), 1),
      notes: chosen.notes,
      totalBytes: file.size,
      bytesRead: () => bytesRead,
      describe: { labels: `${path} column ${name(chosen.label, columns)}`, pred: `${path} (${what} of ${schema.rows} rows in ${schema.rowGroups.length} row groups)` },
      async next(): Promise<Chunk | null> {
        const chunk = first ?? (await read());
        first = null;
        return chunk === null ? null : { labels: chunk.labels, preds: chunk.predictions, rows: chunk.rows, firstRow: chunk.firstRow };
      },
      labelName: (row) => `${path} row ${row}, column ${quote(label)}`,
      predName: (row, c) => (typeof predictions === 'string'
        ? `${path} row ${row}, column ${quote(predictions)}${c === null ? '' : ` entry ${c}`}`
        : `${path} row ${row}, column ${quote(predictions[c ?? 0])}`),
      close: () => closeFile(file),
    };
  } catch (error) {
    closeFile(file);
    throw error;
  }
}

/** An open file as the Parquet reader reads it: byte ranges on demand. */
function fileBuffer(file: OpenFile, path: string, onRead: (bytes: number) => void = () => {}): AsyncBuffer {
  return {
    byteLength: file.size,
    slice(start, end = file.size) {
      const bytes = new Uint8Array(Math.max(0, end - start));
      readExact(file, bytes, bytes.length, start, path);
      onRead(bytes.length);
      return bytes.buffer;
    },
  };
}

/** Rows in a Parquet file: its footer's count. */
export async function parquetRows(path: string): Promise<number> {
  const { parquet, compressors } = await reader();
  const file = openFile(path);
  try {
    const schema = await parquet.readParquetSchema(fileBuffer(file, path)).catch((error) => Promise.reject(readError(error, path, compressors)));
    return schema.rows;
  } finally {
    closeFile(file);
  }
}

/**
 * The label column and the predictions: --pred-column (a list column), --pred-columns, or by
 * default every other column of numbers (columns of anything else skipped with a note), or
 * the one list column if there are no such columns.
 */
function choose(schema: ParquetColumn[], columns: Columns, request: InputRequest): { label: number; preds: number[]; list: number | null; notes: string[] } {
  const kind = (k: number) => schema[k].kind;
  const others = new Set(schema.flatMap((c, k) => (c.kind === 'number' ? [] : [k])));
  let list = request.predColumn === null ? null : column(request.predColumn, columns, '--pred-column');
  const numbers: Columns = { ...columns, excluded: new Set([...columns.excluded, ...others]) };
  const label = request.labelColumn === null ? [...Array(columns.count).keys()].find((k) => !numbers.excluded.has(k)) ?? 0
    : column(request.labelColumn, columns, '--label-column');
  if (kind(label) !== 'number') {
    throw new InputError(`--label-column: column ${name(label, columns)} of ${columns.path} holds ${schema[label].type}, not numbers`);
  }
  const notes: string[] = [];
  if (list === null && request.predColumns === null && schema.every((c, k) => k === label || c.kind !== 'number')) {
    const lists = schema.flatMap((c, k) => (c.kind === 'list' ? [k] : []));
    if (lists.length === 1) list = lists[0];
  }
  if (list !== null) {
    if (kind(list) !== 'list') {
      throw new InputError(`--pred-column: column ${name(list, columns)} of ${columns.path} holds ${schema[list].type}, not a list of numbers per row`);
    }
    if (request.binary) throw new InputError(`${request.binary} with a list column of predictions is not supported; give one target column and one prediction column`);
    return { label, preds: [], list, notes };
  }
  const preds = request.predColumns === null
    ? [...Array(columns.count).keys()].filter((k) => k !== label && !numbers.excluded.has(k))
    : selectColumns(request.predColumns, columns);
  checkPredColumns(columns, label, preds, request.binary);
  for (const k of preds) {
    if (kind(k) !== 'number') {
      throw new InputError(`--pred-columns: column ${name(k, columns)} of ${columns.path} holds ${schema[k].type}, not numbers; leave it out`);
    }
  }
  if (request.predColumns === null) {
    for (const k of others) if (k !== label) notes.push(`${columns.path}: column ${name(k, columns)} holds ${schema[k].type}, not numbers; it is skipped`);
    for (const k of columns.excluded) notes.push(`${columns.path}: column ${name(k, columns)} is the row index pandas writes; it is skipped`);
  }
  return { label, preds, list: null, notes };
}
