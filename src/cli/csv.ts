/// <reference types="node" />
import { delimiterName, detectDelimiter } from './csv-dialect.js';
import { csvNumber, isIntegerField, unquote } from './csv-field.js';
import type { Columns } from './columns.js';
import { InputError, quote } from './input-error.js';
import { closeFile, openFile, readSome, type OpenFile, type RowRange, type RowSource } from './source.js';
import { count } from './words.js';

/** Bytes of text read per step; a line longer than this still works (the step's text grows by the line). */
const TEXT_BYTES = 1 << 22;

/** How to read a CSV file: null lets the file tell (see the constructor). */
export interface CsvOptions {
  /** Whether the first line is a header (--header, --no-header). */
  header: boolean | null;
  /** The field delimiter (--delimiter). */
  delimiter: string | null;
}

/**
 * A CSV file of numbers as a RowSource: one row per non-blank line, every line with the same
 * number of fields, split by a delimiter told from the first line (see detectDelimiter), an
 * optional header line (a first line with a field that is not a number, or pandas' names 0, 1,
 * …, k-1 of unnamed columns; see unnamedColumns). Read in steps of 4 MiB of text, parsed where
 * it lies (no array of lines), so the garbage per row is its fields' short strings.
 *
 * Messages name a place as "line N (row i), column j": N the file's line as an editor shows it
 * (from 1, header and blank lines counted), i the data row as NumPy and pandas index it and
 * --rows counts it (from 0), j the field as --label-column counts it (from 0).
 */
export class CsvSource implements RowSource {
  rows: number | null = null;
  /** Fields per line, and the columns read (all, unless select() chose some): width of the rows next() returns. */
  readonly fileWidth: number;
  width: number;
  /** Where field j of a line goes in a row, or -1 when it is not read. */
  private slots: Int32Array;
  readonly description: string;
  readonly dtype = 'text';
  readonly kind = 'float' as const;
  get flat(): boolean {
    return this.width === 1;
  }
  get rowBytes(): number {
    return 8 * this.width;
  }
  /** pandas' to_csv writes the row index first, with an empty name: such a column is never data. */
  readonly indexColumn: boolean;
  readonly totalBytes: number;
  /** A row takes at least two bytes per field (a digit and a delimiter or line break). */
  get maxRows(): number {
    return Math.ceil(this.totalBytes / (2 * this.fileWidth));
  }
  bytesRead = 0;
  /** The header's column names, or null when the first line holds data. */
  readonly header: string[] | null;
  /** Whether the first line, read as data, may be a header of unnamed columns 0, 1, …: for a hint at --header. */
  readonly headerLike: boolean;
  readonly delimiter: string;
  private readonly bytes: Uint8Array;
  private position = 0;
  /** Where the text starts: 3 after a UTF-8 byte order mark. */
  private start = 0;
  /** The current step's text: complete lines up to textEnd, then `pending`'s partial line is kept for the next step. */
  private text = '';
  private textEnd = 0;
  private at = 0;
  private pending = '';
  private ended = false;
  /** The current line: text[lineStart, lineEnd), without its line break; and its 1-based number. */
  private lineStart = 0;
  private lineEnd = 0;
  private lineNumber = 0;
  /** The current line's data row (-1 before the first). */
  private row = -1;
  private values: Float64Array | null = null;
  /** The line number of each row of the last chunk, and the first row's index. */
  private lines: Float64Array | null = null;
  private chunkStart = 0;
  private readonly range: RowRange | null;
  private toSkip: number;
  private toYield: number;

  private constructor(readonly path: string, private readonly file: OpenFile, range: RowRange | null, options: CsvOptions) {
    this.range = range;
    this.bytes = new Uint8Array(Math.max(1, Math.min(TEXT_BYTES, file.size)));
    this.totalBytes = file.size;
    if (!this.nextLine()) throw new InputError(`${path} is empty: expected a header line or rows of numbers`);
    let first = this.text.slice(this.lineStart, this.lineEnd);
    // Text is read as latin-1 (numbers are ASCII): skip a UTF-8 byte order mark, and decode header names as UTF-8.
    if (first.startsWith('\u00ef\u00bb\u00bf')) {
      first = first.slice(3);
      this.start = this.lineStart + 3;
    }
    this.delimiter = options.delimiter ?? detectDelimiter(first);
    const fields = first.split(this.delimiter);
    const { header } = options;
    const isHeader = header ?? (fields.some((f) => csvNumber(f) === undefined) || this.unnamedColumns(fields));
    this.headerLike = header === null && !isHeader && fields.every((f, i) => unquote(f) === String(i));
    this.header = isHeader ? fields.map((f) => Buffer.from(unquote(f), 'latin1').toString('utf8')) : null;
    // Read again from the start: the first data line is the first row.
    this.rewind();
    if (isHeader) this.nextLine();
    this.fileWidth = fields.length;
    this.indexColumn = this.header !== null && this.fileWidth > 1 && (this.header[0] === '' || this.header[0] === 'Unnamed: 0');
    this.width = this.fileWidth;
    this.slots = Int32Array.from(fields, (_, j) => j);
    const separated = this.delimiter === ',' || this.fileWidth === 1 ? '' : `, ${delimiterName(this.delimiter)}-separated`;
    this.description = `${count(this.fileWidth, 'column')}${separated}${isHeader ? ' with a header line' : ''}`;
    this.toSkip = range?.start ?? 0;
    this.toYield = range?.end === null || range?.end === undefined ? Infinity : range.end - this.toSkip;
  }

  /**
   * pandas' to_csv(index=False) names unnamed columns 0, 1, …, k-1: such a first line is a
   * header when the line after it holds a number that is not an integer (the predictions).
   */
  private unnamedColumns(fields: string[]): boolean {
    if (fields.length < 2 || !fields.every((f, i) => unquote(f) === String(i))) return false;
    // The next line decides; rewind() then goes back to the first.
    if (!this.nextLine()) return false;
    return this.text.slice(this.lineStart, this.lineEnd).split(this.delimiter).some((f) => !isIntegerField(f));
  }

  /** Back to the start of the file (after a byte order mark), before its first line. */
  private rewind(): void {
    this.position = this.start;
    this.bytesRead = 0;
    this.text = '';
    this.textEnd = 0;
    this.at = 0;
    this.pending = '';
    this.ended = false;
    this.lineNumber = 0;
    this.row = -1;
  }

  static open(path: string, range: RowRange | null, options: CsvOptions): CsvSource {
    const file = openFile(path);
    try {
      return new CsvSource(path, file, range, options);
    } catch (error) {
      closeFile(file);
      throw error;
    }
  }

  /** The number of data rows in the file: a pass over the whole file (for --shard on CSV input). */
  static countRows(path: string, options: CsvOptions): number {
    const source = CsvSource.open(path, null, options);
    try {
      let rows = 0;
      while (source.nextLine()) rows++;
      return rows;
    } finally {
      source.close();
    }
  }

  /** Moves to the next line that is not blank (lineStart, lineEnd); false at the end of the file. */
  private nextLine(): boolean {
    for (;;) {
      const text = this.text;
      while (this.at <= this.textEnd && this.at < text.length) {
        const start = this.at;
        let end = text.indexOf('\n', start);
        if (end < 0 || end > this.textEnd) end = this.textEnd;
        this.at = end + 1;
        this.lineNumber++;
        if (end > start && text.charCodeAt(end - 1) === 13) end--;
        if (!blank(text, start, end)) {
          this.lineStart = start;
          this.lineEnd = end;
          return true;
        }
      }
      if (this.ended) return false;
      this.fill();
    }
  }

  /** Reads the next step of text; a partial last line waits in `pending` for the next step. */
  private fill(): void {
    const got = readSome(this.file, this.bytes, 0, this.bytes.length, this.position);
    this.position += got;
    this.bytesRead += got;
    const text = this.pending + Buffer.from(this.bytes.buffer, this.bytes.byteOffset, got).toString('latin1');
    this.at = 0;
    if (got === 0) {
      this.ended = true;
      this.text = text;
      this.textEnd = text.length;
      this.pending = '';
      return;
    }
    const cut = text.lastIndexOf('\n');
    this.text = cut < 0 ? '' : text;
    this.textEnd = cut < 0 ? -1 : cut;
    this.pending = cut < 0 ? text : text.slice(cut + 1);
  }

  next(maxRows: number): Float64Array | null {
    const width = this.width;
    if (this.values === null || this.values.length < maxRows * width) {
      this.values = new Float64Array(maxRows * width);
      this.lines = new Float64Array(maxRows);
    }
    const out = this.values;
    const lines = this.lines!;
    if (this.toYield === 0) return null;
    this.chunkStart = this.row + 1 + this.toSkip;
    let m = 0;
    while (m < maxRows && this.toYield > 0) {
      if (!this.nextLine()) break;
      this.row++;
      if (this.toSkip > 0) {
        this.toSkip--;
        continue;
      }
      lines[m] = this.lineNumber;
      this.parse(out, m * width);
      m++;
      this.toYield--;
    }
    if (this.toSkip > 0 || (this.toYield !== Infinity && this.toYield > 0 && m < maxRows)) {
      const { start, end } = this.range!;
      throw new InputError(`the row range ${start}:${end ?? ''} is outside ${this.path}, which has ${count(this.row + 1, 'row')}`);
    }
    if (m === 0) return null;
    return out.subarray(0, m * width);
  }

  /** The columns a selection chooses among (see columns.ts). */
  get columns(): Columns {
    return { names: this.header, count: this.fileWidth, excluded: new Set(this.indexColumn ? [0] : []), path: this.path };
  }

  /** Reads only these columns (file indices), in this order; the other fields need not be numbers. */
  select(columns: readonly number[]): void {
    this.slots.fill(-1);
    columns.forEach((k, i) => (this.slots[k] = i));
    this.width = columns.length;
  }

  /** The file's column of entry c of a row. */
  fileColumn(c: number): number {
    return this.slots.indexOf(c);
  }

  /** Parses the current line's selected fields into out[at, at + width). */
  private parse(out: Float64Array, at: number): void {
    const text = this.text;
    const d = this.delimiter;
    const slots = this.slots;
    const last = this.fileWidth - 1;
    const lineEnd = this.lineEnd;
    let start = this.lineStart;
    for (let j = 0; j <= last; j++) {
      let end = text.indexOf(d, start);
      if (end < 0 || end > lineEnd) {
        if (j !== last) this.fieldCount();
        end = lineEnd;
      } else if (j === last) {
        this.fieldCount();
      }
      if (slots[j] >= 0) {
        const field = text.slice(start, end);
        const v = csvNumber(field);
        if (v === undefined) this.notANumber(field, j);
        out[at + slots[j]] = v;
      }
      start = end + 1;
    }
  }

  /** "data.csv line 4 (row 2)" for row i of the last chunk, or "data.csv row 2" if it is not there. */
  name(row: number): string {
    const k = row - this.chunkStart;
    const line = this.lines !== null && k >= 0 && k < this.lines.length ? this.lines[k] : 0;
    return line > 0 ? `${this.path} line ${line} (row ${row})` : `${this.path} row ${row}`;
  }

  private fieldCount(): never {
    const line = this.text.slice(this.lineStart, this.lineEnd);
    const fields = line.split(this.delimiter).length;
    const other = /[,;\t]/.test(line.split(this.delimiter).join(''));
    throw new InputError(
      `${this.path} line ${this.lineNumber} (row ${this.row}) has ${count(fields, 'field')}; expected ${this.fileWidth} like the first line` +
      `${other ? `: a delimiter other than ${delimiterName(this.delimiter)}? pass --delimiter` : ''}`,
    );
  }

  private notANumber(field: string, column: number): never {
    const where = `${this.path} line ${this.lineNumber} (row ${this.row}), column ${column}`;
    if (field.trim() === '') throw new InputError(`${where} is empty: every field needs a number (a missing value is written as nan)`);
    const comma = /^\s*[-+]?\d+,\d+\s*$/.test(field) ? ' (a decimal comma: write numbers with a point)' : '';
    throw new InputError(`${where}: ${quote(Buffer.from(field, 'latin1').toString('utf8'))} is not a number${comma}`);
  }

  close(): void {
    closeFile(this.file);
  }
}

/** Whether text[start, end) holds only spaces and tabs. */
function blank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
