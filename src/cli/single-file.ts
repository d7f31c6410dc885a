import { column, name, selectColumns, type Columns } from './columns.js';
import { delimiterName } from './csv-dialect.js';
import { CsvSource } from './csv.js';
import { InputError } from './input-error.js';
import type { Chunk, InputRequest, Inputs } from './input-request.js';
import type { RowRange } from './source.js';
import { count } from './words.js';

/** The columns of one table (CSV or Parquet) holding the label and the predictions. */
export interface TableColumns {
  label: number;
  preds: number[];
  /** What the run should say on stderr: columns skipped as pandas' row index. */
  notes: string[];
}

/**
 * Chooses the label column (--label-column, else the first column that is data) and the
 * prediction columns (--pred-columns, else every other column that is data).
 */
export function chooseColumns(columns: Columns, request: Pick<InputRequest, 'labelColumn' | 'predColumns' | 'binary'>): TableColumns {
  const data = Array.from({ length: columns.count }, (_, k) => k).filter((k) => !columns.excluded.has(k));
  const label = request.labelColumn === null ? data[0] ?? 0 : column(request.labelColumn, columns, '--label-column');
  const preds = request.predColumns === null ? data.filter((k) => k !== label) : selectColumns(request.predColumns, columns);
  checkPredColumns(columns, label, preds, request.binary);
  const notes = [...columns.excluded].filter(() => request.predColumns === null).map((k) =>
    `${columns.path}: column ${name(k, columns)} is the row index pandas writes (a column with no name); it is skipped`);
  return { label, preds, notes };
}

/** The prediction columns leave out the label; with --binary (or --asymmetric) there is one. */
export function checkPredColumns(columns: Columns, label: number, preds: readonly number[], binary: string | false): void {
  if (preds.length === 0) {
    throw new InputError(`${columns.path}: no column is left for the predictions besides the label, column ${name(label, columns)}; see --pred-columns`);
  }
  if (preds.includes(label)) {
    throw new InputError(`--pred-columns selects column ${name(label, columns)} of ${columns.path}, the label column; leave it out`);
  }
  if (binary && preds.length !== 1) {
    throw new InputError(
      `${columns.path}: ${binary} with no --labels file takes one target column and one prediction column, not ` +
      `${count(preds.length, 'prediction column')}; for K labels per row, pass targets and predictions as two files`,
    );
  }
}

/** One CSV file holding the label (a column) and the predictions (other columns). */
export function singleFile(request: InputRequest, range: RowRange | null): Inputs {
  const table = CsvSource.open(request.pred, range, request.csv);
  try {
    if (table.fileWidth < 2) {
      throw new InputError(
        `${table.path} has ${count(table.fileWidth, 'column')} (fields split by ${delimiterName(table.delimiter)}); with no --labels ` +
        'file it needs a label column and prediction columns; if another character splits the fields, pass --delimiter',
      );
    }
    const { label, preds: predColumns, notes } = chooseColumns(table.columns, request);
    table.select([label, ...predColumns]);
    const classes = predColumns.length;
    const width = classes + 1;
    const chunkRows = Math.max(1, Math.min(Math.floor(request.chunkBytes / (8 * classes)), table.maxRows));
    const labels = new Float64Array(chunkRows);
    const preds = new Float64Array(chunkRows * classes);
    let done = 0;
    const firstRow = range?.start ?? 0;
    const columns = table.columns;
    return {
      classes,
      firstRow,
      chunkRows,
      notes,
      totalBytes: table.totalBytes,
      bytesRead: () => table.bytesRead,
      describe: {
        labels: `${table.path} column ${name(label, columns)}`,
        pred: `${table.path} (${count(classes, 'prediction column')} of ${table.description})`,
      },
      next(): Chunk | null {
        const rows = table.next(chunkRows);
        if (rows === null) return null;
        const m = rows.length / width;
        for (let i = 0, k = 0; i < m; i++) {
          const at = i * width;
          labels[i] = rows[at];
          for (let j = 1; j < width; j++) preds[k++] = rows[at + j];
        }
        const chunk = { labels: labels.subarray(0, m), preds: preds.subarray(0, m * classes), rows: m, firstRow: firstRow + done };
        done += m;
        return chunk;
      },
      labelName: (row) => `${table.name(row)}, column ${label}`,
      predName: (row, c) => `${table.name(row)}${c === null ? '' : `, column ${predColumns[c]}`}`,
      close: () => table.close(),
    };
  } catch (error) {
    table.close();
    throw error;
  }
}
