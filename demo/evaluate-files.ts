// The Evaluate panel's files, read in the browser: .npy with the library's readNpy, .csv with
// the CLI's field parser and delimiter detection (src/cli/csv-field.ts, csv-dialect.ts).
import { readNpy } from 'focal-loss-wasm';
import { detectDelimiter } from '../src/cli/csv-dialect.js';
import { csvNumber, isIntegerField } from '../src/cli/csv-field.js';
import { FieldError } from './fields.js';

/** A file's numbers, row-major: N rows of `columns` values. */
export interface Table {
  values: Float64Array | Float32Array;
  rows: number;
  columns: number;
}

/** Labels (N class indices) or predictions (N × C) from an .npy or .csv file chosen in `input`. */
export async function readTable(input: HTMLInputElement, what: 'labels' | 'predictions'): Promise<Table> {
  const file = input.files?.[0];
  if (file === undefined) throw new FieldError(input, `no ${what} file chosen: pick a .npy or .csv file`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (/\.npy$/i.test(file.name)) return npy(input, file.name, bytes, what);
  if (/\.(csv|tsv|txt)$/i.test(file.name)) return csv(input, file.name, new TextDecoder().decode(bytes), what);
  throw new FieldError(input, `${file.name}: unknown file type; pick a NumPy .npy file or a .csv file`);
}

function npy(input: HTMLInputElement, name: string, bytes: Uint8Array, what: string): Table {
  let array;
  try {
    array = readNpy(bytes);
  } catch (error) {
    throw new FieldError(input, `${name}: ${(error as Error).message.replace(/^readNpy: /, '')}`);
  }
  const { data, shape } = array;
  if (shape.length === 0 || shape.length > 2) throw new FieldError(input, `${name} has shape (${shape.join(', ')}): ${what} are a 1-D or 2-D array`);
  const values = data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number | bigint>, Number);
  return { values, rows: shape[0], columns: shape.length === 2 ? shape[1] : 1 };
}

function csv(input: HTMLInputElement, name: string, text: string, what: string): Table {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new FieldError(input, `${name} is empty`);
  const delimiter = detectDelimiter(lines[0]);
  const split = (line: string) => (delimiter === ' ' ? line.trim().split(/ +/) : line.split(delimiter));
  // A first line with a field that is not a number is a header.
  const first = split(lines[0]);
  const header = first.some((f) => csvNumber(f) === undefined);
  const rows = header ? lines.slice(1) : lines;
  const columns = first.length;
  const values = new Float64Array(rows.length * columns);
  rows.forEach((line, i) => {
    const fields = split(line);
    const at = `${name}, line ${i + 1 + (header ? 1 : 0)}`;
    if (fields.length !== columns) throw new FieldError(input, `${at} has ${fields.length} fields, the first line ${columns}`);
    fields.forEach((field, c) => {
      const v = csvNumber(field);
      if (v === undefined) throw new FieldError(input, `${at}, column ${c}: “${field.slice(0, 40)}” is not a number`);
      if (what === 'labels' && !isIntegerField(field)) throw new FieldError(input, `${at}: “${field.slice(0, 40)}” is not a class index (a whole number)`);
      values[i * columns + c] = v;
    });
  });
  return { values, rows: rows.length, columns };
}
