import { shardRange } from './arguments.js';
import { name, selectColumns } from './columns.js';
import { CsvSource, type CsvOptions } from './csv.js';
import { InputError } from './input-error.js';
import { NpySource, type Reading } from './npy.js';
import { openParquet, parquetRows } from './parquet-inputs.js';
import { singleFile } from './single-file.js';
import type { InputRequest, Inputs } from './input-request.js';
import type { RowRange, RowSource } from './source.js';
import { count } from './words.js';

type Format = 'npy' | 'csv' | 'parquet';

function formatOf(path: string, flag = '--pred'): Format {
  if (/\.npy$/i.test(path)) return 'npy';
  if (/\.(csv|tsv)$/i.test(path)) return 'csv';
  if (/\.(parquet|pq)$/i.test(path)) return 'parquet';
  throw new InputError(`${flag} ${path}: unknown file type; expected a NumPy .npy file, a .csv / .tsv file or a .parquet file`);
}

function open(path: string, range: RowRange | null, csv: CsvOptions, reading: Reading): RowSource {
  if (formatOf(path) === 'npy') return NpySource.open(path, range, reading);
  // A CSV row holds a sample's classes: they are its last (and only) axis.
  if (reading !== 'flat' && reading !== -1 && reading !== 1) {
    throw new InputError(`--axis ${reading} applies to .npy files; the rows of ${path} hold the classes`);
  }
  return CsvSource.open(path, range, csv);
}

/**
 * Rows (samples) in a file, for --shard: the .npy header's (a map's pixels, its classes on
 * `reading`) or the Parquet footer's, or a count of a CSV file's lines.
 */
export async function rowsIn(path: string, csv: CsvOptions, reading: Reading = -1): Promise<number> {
  const format = formatOf(path);
  if (format === 'parquet') return parquetRows(path);
  if (format === 'csv') return CsvSource.countRows(path, csv);
  const source = NpySource.open(path, null, reading);
  source.close();
  return source.fileRows;
}

/** Opens the inputs of a run and checks that their shapes and dtypes fit the loss. */
export async function openInputs(request: InputRequest): Promise<Inputs> {
  if (request.labels !== null && formatOf(request.labels, '--labels') === 'parquet') {
    throw new InputError(`--labels ${request.labels}: Parquet labels are read as a column of a Parquet --pred file (--label-column)`);
  }
  if (formatOf(request.pred) === 'parquet') return openParquet(request);
  if (request.predColumn !== null) throw new InputError(`--pred-column names a list column of a Parquet file; ${request.pred} is not one`);
  const range = request.shard === null
    ? request.range
    : shardRange(request.shard.index, request.shard.count, await rowsIn(request.pred, request.csv, request.axis));
  if (request.labels === null) return singleFile(request, range);
  const opened: RowSource[] = [];
  try {
    // Class indices: one per sample, whatever the file's rank; binary targets: the predictions' shape.
    const labels = open(request.labels, range, request.csv, request.binary ? request.axis : 'flat');
    opened.push(labels);
    const preds = open(request.pred, range, request.csv, request.axis);
    opened.push(preds);
    return pair(request, labels, preds, range?.start ?? 0);
  } catch (error) {
    for (const source of opened) source.close();
    throw error;
  }
}

function checkPredictions(preds: RowSource, binary: string | false): void {
  if (preds.kind !== 'float') {
    throw new InputError(
      `${preds.path} holds ${preds.dtype} values; predictions must be float32 or float64 (probabilities, or logits with --from-logits)`,
    );
  }
  if (!binary && preds.flat) {
    throw new InputError(
      `${preds.path} is ${preds.description}: one value per sample. For binary focal loss pass --binary; ` +
      'for C classes the predictions need shape (N, C)',
    );
  }
}

/** Rows per chunk: what --chunk-size holds, at least one, at most what the file can hold. */
function rowsPerChunk(rows: number, source: RowSource): number {
  return Math.max(1, Math.min(Math.floor(rows), source.maxRows));
}

/**
 * The columns read of a CSV file of a pair: --pred-columns for the predictions, else every
 * column but pandas' row index (skipped with a note).
 */
function selectPairColumns(request: InputRequest, labels: RowSource, preds: RowSource): string[] {
  const notes: string[] = [];
  if (request.predColumns !== null && !(preds instanceof CsvSource)) {
    throw new InputError(`--pred-columns selects columns of a CSV or Parquet --pred file; ${preds.path} is an array (${preds.description})`);
  }
  for (const source of [labels, preds]) {
    if (!(source instanceof CsvSource)) continue;
    const columns = source.columns;
    if (source === preds && request.predColumns !== null) {
      source.select(selectColumns(request.predColumns, columns));
      continue;
    }
    for (const k of columns.excluded) notes.push(`${source.path}: column ${name(k, columns)} is the row index pandas writes (a column with no name); it is skipped`);
    source.select(Array.from({ length: columns.count }, (_, k) => k).filter((k) => !columns.excluded.has(k)));
  }
  return notes;
}

function pair(request: InputRequest, labels: RowSource, preds: RowSource, firstRow: number): Inputs {
  const { binary } = request;
  const notes = selectPairColumns(request, labels, preds);
  checkPredictions(preds, binary);
  const map = preds instanceof NpySource && (preds.shape.length > 2 || preds.planes !== null);
  if (map && labels instanceof NpySource) checkMap(labels, preds as NpySource, binary, request.axis);
  else if (!map) checkRows(labels, preds, binary);
  else if (binary) throw new InputError(`${binary} with ${preds.path} ${preds.description} needs targets of its shape in a .npy file`);
  if (!binary && labels.kind === 'float' && labels instanceof NpySource) {
    throw new InputError(
      `${labels.path} holds ${labels.dtype} values; class indices must be integers (int8/16/32/64, uint8/16/32/64): ` +
      'convert with y.astype(np.int64), or pass --binary for binary targets',
    );
  }
  const chunkRows = rowsPerChunk(request.chunkBytes / preds.rowBytes, preds);
  const classes = preds.width;
  let done = 0;
  const csvName = (source: CsvSource, row: number, column: number | null) =>
    `${source.name(row)}${column === null || source.fileWidth === 1 ? '' : `, column ${source.fileColumn(column)}`}`;
  const name = (source: RowSource) => (row: number, column: number | null) =>
    (source instanceof CsvSource ? csvName(source, row, column) : (source as NpySource).name(row, column));
  const planes = preds instanceof NpySource && preds.planes !== null;
  return {
    classes,
    firstRow,
    chunkRows,
    get totalBytes() {
      return labels.totalBytes + preds.totalBytes;
    },
    bytesRead: () => labels.bytesRead + preds.bytesRead,
    describe: { labels: `${labels.path} ${labels.description}`, pred: `${preds.path} ${preds.description}` },
    notes,
    next() {
      const l = labels.next(chunkRows);
      const p = preds.next(chunkRows);
      const lr = l === null ? 0 : l.length / labels.width;
      const pr = p === null ? 0 : p.length / preds.width;
      if (lr !== pr) {
        const [short, long] = lr < pr ? [labels, preds] : [preds, labels];
        const hint = long instanceof CsvSource && long.headerLike
          ? `; if the first line of ${long.path} (0, 1, …) is a header of unnamed columns, pass --header`
          : '';
        throw new InputError(
          `${short.path} and ${long.path} have different numbers of rows: ${short.path} ends after ` +
          `${count(done + Math.min(lr, pr), 'row')}, ${long.path} goes on${hint}`,
        );
      }
      if (l === null || p === null) return null;
      const chunk = { labels: l, preds: p, rows: lr, firstRow: firstRow + done, planes };
      done += lr;
      return chunk;
    },
    labelName: name(labels),
    predName: name(preds),
    close() {
      labels.close();
      preds.close();
    },
  };
}

/** Rows of predictions, (N, C) or (N,), and what goes with them: (N,) or (N, 1) class indices, or targets of their shape. */
function checkRows(labels: RowSource, preds: RowSource, binary: string | false): void {
  if (binary) {
    if (labels.width !== preds.width) {
      throw new InputError(
        `shape mismatch: ${binary} needs targets of the predictions' shape, but ${labels.path} is ${labels.description} ` +
        `and ${preds.path} is ${preds.description}`,
      );
    }
  } else {
    // .npy labels are read flat: (N,) and (N, 1) are one class index per row, anything wider is not.
    const width = labels instanceof NpySource ? labels.shape.slice(1).reduce((a, b) => a * b, 1) : labels.width;
    if (width !== 1) {
      const hint = width === preds.width
        ? ': one-hot or soft target rows are not supported by the CLI; save class indices (np.argmax(y, axis=1))'
        : '';
      throw new InputError(`${labels.path} is ${labels.description}; expected one class index per row, (N,) or (N, 1)${hint}`);
    }
  }
  if (labels instanceof NpySource && preds instanceof NpySource && labels.fileRows !== preds.fileRows) {
    throw new InputError(
      `shape mismatch: ${labels.path} is ${labels.description} (${count(labels.fileRows, 'row')}) but ${preds.path} is ` +
      `${preds.description} (${count(preds.fileRows, 'row')})`,
    );
  }
}

/**
 * Map predictions (rank ≥ 3, or classes before the last axis) and what goes with them: class
 * indices of their shape without the class axis (or with it of length 1), or, with --binary,
 * targets of their shape. Shapes that do not fit name the axis that does.
 */
function checkMap(labels: NpySource, preds: NpySource, binary: string | false, axis: number): void {
  const dims = preds.shape;
  const got = labels.shape;
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, k) => d === b[k]);
  const shape = (d: readonly number[]) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`;
  const on = `its classes on axis ${axis}${axis === -1 ? ' (the last)' : ''}`;
  if (binary) {
    if (!same(got, dims)) {
      throw new InputError(`shape mismatch: ${binary} needs targets of the predictions' shape, but ${labels.path} is ${labels.description} and ${preds.path} is ${preds.description}`);
    }
    return;
  }
  const fits = (a: number) => same(got, dims.filter((_, d) => d !== a)) || same(got, dims.map((x, d) => (d === a ? 1 : x)));
  if (fits(preds.axis!)) return;
  if (same(got, dims)) {
    throw new InputError(`${labels.path} is ${labels.description}, the predictions' shape: one-hot or soft targets are not supported by the CLI; ` +
      `save class indices (np.argmax(y, axis=${preds.axis}))`);
  }
  const other = dims.map((_, d) => d).find((d) => d !== preds.axis && fits(d));
  const advice = other === undefined
    ? ''
    : `; they fit classes on axis ${other}: pass --axis ${other}${other === dims.length - 1 ? '' : ` (or save the predictions channels-last: np.moveaxis(a, ${other}, -1))`}`;
  throw new InputError(`${labels.path} is ${labels.description}, which does not fit ${preds.path} ${preds.description} with ${on}: ` +
    `expected class indices of shape ${shape(dims.filter((_, d) => d !== preds.axis))}${advice}`);
}
