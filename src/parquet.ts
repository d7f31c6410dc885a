/**
 * Parquet files for the loss functions: the `focal-loss-wasm/parquet` entry. It reads with
 * hyparquet (an optional peer dependency: pure JavaScript, in Node and in browsers); the main
 * entry never imports it. Snappy and uncompressed files read as they are; for gzip, zstd,
 * brotli and lz4 pass `compressors` from the hyparquet-compressors package.
 *
 * @packageDocumentation
 */
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type Compressors, type FileMetaData, type SchemaTree } from 'hyparquet';
import { describe, show } from './errors/show.js';

export type { AsyncBuffer, Compressors } from 'hyparquet';

/** A Parquet file: its bytes, or an AsyncBuffer that reads ranges of it (a file, a URL: see hyparquet). */
export type ParquetFile = ArrayBuffer | Uint8Array | AsyncBuffer;

/** A top-level column: numbers (ints, floats, decimals, booleans), a list of numbers, or anything else. */
export interface ParquetColumn {
  name: string;
  kind: 'number' | 'list' | 'other';
  /** The Parquet type as written: `DOUBLE`, `INT64`, `LIST<FLOAT>`, `BYTE_ARRAY (STRING)`, … */
  type: string;
}

/** What {@link readParquetSchema} finds: the rows, their row groups and the top-level columns. */
export interface ParquetSchemaInfo {
  rows: number;
  /** Rows in each row group: the unit a Parquet file is read in. */
  rowGroups: number[];
  columns: ParquetColumn[];
}

/** Which columns {@link readParquetColumns} reads, which rows, and how to decompress them. */
export interface ParquetColumnsRequest {
  /** The column of labels (class indices) or binary targets. */
  label: string;
  /** The predictions: one numeric column per class, in class order, or the name of one list column (a list per row). */
  predictions: string[] | string;
  /** Rows [start, end) of the file; default all. */
  rows?: { start: number; end?: number };
  /** Decompressors beyond snappy, e.g. `compressors` of hyparquet-compressors (gzip, zstd, brotli, lz4). */
  compressors?: Compressors;
}

/** One row group's share of the requested rows. */
export interface ParquetChunk {
  /** The index of the chunk's first row in the file. */
  firstRow: number;
  rows: number;
  /** The label of each row. */
  labels: Float64Array;
  /** `rows × classes` predictions, row-major: ready for the loss functions as flat `yPred`. */
  predictions: Float64Array;
  classes: number;
}

const NUMBER_TYPES = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE', 'BOOLEAN']);
const NOT_NUMBERS = new Set(['DATE', 'TIME', 'TIMESTAMP', 'INTERVAL', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS', 'UTF8', 'STRING', 'JSON', 'ENUM']);

function kindOf(tree: SchemaTree): Pick<ParquetColumn, 'kind' | 'type'> {
  const { type, converted_type: converted, logical_type: logical } = tree.element;
  const annotation = logical?.type ?? converted;
  if (tree.children.length === 0) {
    const name = `${type}${annotation === undefined ? '' : ` (${annotation})`}`;
    const number = (type !== undefined && NUMBER_TYPES.has(type) && !NOT_NUMBERS.has(annotation ?? '')) || annotation === 'DECIMAL' || annotation === 'FLOAT16';
    return { kind: number ? 'number' : 'other', type: name };
  }
  if (annotation === 'LIST') {
    // LIST → repeated group → element (the standard three-level layout).
    let leaf = tree.children[0];
    while (leaf.children.length === 1) leaf = leaf.children[0];
    const element = kindOf(leaf);
    return { kind: element.kind === 'number' && leaf.children.length === 0 ? 'list' : 'other', type: `LIST<${element.type}>` };
  }
  return { kind: 'other', type: `group (${annotation ?? 'struct'})` };
}

function schemaOf(metadata: FileMetaData): ParquetSchemaInfo {
  return {
    rows: Number(metadata.num_rows),
    rowGroups: metadata.row_groups.map((g) => Number(g.num_rows)),
    columns: parquetSchema(metadata).children.map((tree) => ({ name: tree.element.name, ...kindOf(tree) })),
  };
}

function asyncBuffer(file: ParquetFile, fn: string): AsyncBuffer {
  if (file instanceof ArrayBuffer) return file;
  if (file instanceof Uint8Array) return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  if (typeof file === 'object' && file !== null && typeof file.byteLength === 'number' && typeof file.slice === 'function') return file;
  throw new TypeError(`${fn}: file must be an ArrayBuffer, a Uint8Array or an AsyncBuffer ({ byteLength, slice(start, end) }), got ${describe(file)}`);
}

/**
 * Reads a Parquet file's footer: its rows, row groups and top-level columns with their kinds.
 *
 * @example
 * ```ts
 * const { rows, columns } = await readParquetSchema(bytes);  // columns: [{ name: 'label', kind: 'number', type: 'INT64' }, …]
 * ```
 */
export async function readParquetSchema(file: ParquetFile): Promise<ParquetSchemaInfo> {
  return schemaOf(await parquetMetadataAsync(asyncBuffer(file, 'readParquetSchema')));
}

/**
 * Reads a label column and the prediction columns of a Parquet file, one row group at a time:
 * memory holds one row group, whatever the file's size. Other columns are not read.
 *
 * @throws TypeError for a column that does not hold numbers (strings, dates, structs); RangeError
 *   for a column that is not there, a null (naming its row and column), a list of another
 *   length than the first, an integer beyond 2^53, or rows outside the file.
 * @example
 * ```ts
 * import { compressors } from 'hyparquet-compressors';
 * const acc = createFocalLossAccumulator({ fromLogits: true });
 * for await (const chunk of readParquetColumns(bytes, { label: 'label', predictions: 'logits', compressors })) {
 *   acc.update(chunk.labels, chunk.predictions);
 * }
 * ```
 */
export async function* readParquetColumns(file: ParquetFile, request: ParquetColumnsRequest): AsyncGenerator<ParquetChunk> {
  const fn = 'readParquetColumns';
  const source = asyncBuffer(file, fn);
  const metadata = await parquetMetadataAsync(source);
  const schema = schemaOf(metadata);
  const list = typeof request.predictions === 'string';
  const names = [request.label, ...(list ? [request.predictions as string] : (request.predictions as string[]))];
  names.forEach((name, i) => {
    const column = schema.columns.find((c) => c.name === name);
    const what = i === 0 ? 'label' : 'predictions';
    if (column === undefined) {
      throw new RangeError(`${fn}: the ${what} column ${show(name)} is not in the file, whose columns are ${schema.columns.map((c) => show(c.name)).join(', ')}`);
    }
    const want = i > 0 && list ? 'list' : 'number';
    if (column.kind !== want) {
      throw new TypeError(`${fn}: the ${what} column ${show(name)} holds ${column.type}, not ${want === 'list' ? 'a list of numbers per row' : 'numbers'}`);
    }
  });
  if (!list && names.length < 2) throw new RangeError(`${fn}: predictions names no column; give one per class, or one list column's name`);
  const start = request.rows?.start ?? 0;
  const end = request.rows?.end ?? schema.rows;
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= schema.rows)) {
    throw new RangeError(`${fn}: rows ${start}:${end} are not within the file's ${schema.rows} rows`);
  }
  let classes = list ? 0 : names.length - 1;
  let groupStart = 0;
  for (const groupRows of schema.rowGroups) {
    const groupEnd = groupStart + groupRows;
    const a = Math.max(start, groupStart);
    const b = Math.min(end, groupEnd);
    groupStart = groupEnd;
    if (a >= b) continue;
    const chunks = new Map<string, Array<{ rowStart: number; data: ArrayLike<unknown> }>>(names.map((n) => [n, []]));
    await parquetRead({
      file: source, metadata, columns: [...new Set(names)], rowStart: a, rowEnd: b, compressors: request.compressors,
      onChunk: (c) => chunks.get(c.columnName)?.push({ rowStart: c.rowStart, data: c.columnData }),
    });
    /** Each row of [a, b) of a column, with its row index. */
    const rowsOf = (name: string, visit: (value: unknown, row: number) => void) => {
      let seen = 0;
      for (const { rowStart, data } of chunks.get(name)!) {
        for (let r = Math.max(a, rowStart); r < Math.min(b, rowStart + data.length); r++, seen++) visit(data[r - rowStart], r);
      }
      if (seen !== b - a) throw new RangeError(`${fn}: column ${show(name)} yielded ${seen} of rows ${a}:${b}`);
    };
    const m = b - a;
    const labels = new Float64Array(m);
    rowsOf(names[0], (v, r) => (labels[r - a] = number(v, r, names[0])));
    if (list) {
      const lists: ArrayLike<unknown>[] = [];
      rowsOf(names[1], (v, r) => {
        if (v === null || v === undefined) throw nullError(r, names[1]);
        const row = v as ArrayLike<unknown>;
        classes ||= row.length;
        if (row.length !== classes || classes === 0) {
          throw new RangeError(`${fn}: row ${r}, column ${show(names[1])} holds a list of ${row.length} values; the rows before hold ${classes}`);
        }
        lists.push(row);
      });
      const predictions = new Float64Array(m * classes);
      lists.forEach((row, i) => {
        for (let c = 0; c < classes; c++) predictions[i * classes + c] = number(row[c], a + i, names[1], c);
      });
      yield { firstRow: a, rows: m, labels, predictions, classes };
    } else {
      const predictions = new Float64Array(m * classes);
      for (let c = 0; c < classes; c++) rowsOf(names[c + 1], (v, r) => (predictions[(r - a) * classes + c] = number(v, r, names[c + 1])));
      yield { firstRow: a, rows: m, labels, predictions, classes };
    }
  }
}

function nullError(row: number, column: string, entry?: number): RangeError {
  return new RangeError(
    `readParquetColumns: row ${row}, column ${show(column)}${entry === undefined ? '' : ` entry ${entry}`} is null (a missing value): ` +
      'every label and prediction needs a value; drop or fill the rows with nulls first',
  );
}

/** A value hyparquet decoded, as a number: ints (BigInt too, up to 2^53), floats, booleans as 0 and 1. */
function number(value: unknown, row: number, column: string, entry?: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
    throw new RangeError(`readParquetColumns: row ${row}, column ${show(column)} = ${value} is beyond 2^53`);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || value === undefined) throw nullError(row, column, entry);
  throw new TypeError(`readParquetColumns: row ${row}, column ${show(column)} holds ${describe(value)}, not a number`);
}
