/// <reference types="node" />
import { csvNumber, isIntegerField, unquote } from './csv-field.js';
import { InputError, quote } from './input-error.js';
import { closeFile, openFile, readSome, type OpenFile, type RowRange, type RowSource } from './source.js';

/** Bytes of text read per step; a line longer than this still works (the step's text grows by the line). */
const TEXT_BYTES = 1 << 22;

/**
 * A CSV (or, for .tsv, tab-separated) file of numbers as a RowSource: one row per non-blank
 * line, every line with the same number of fields, an optional header line (a first line
 * with a field that is not a number, or pandas' names 0, 1, …, k-1 of unnamed columns; see
 * unnamedColumns). Read in steps of 4 MiB of text, parsed where it lies (no array of lines),
 * so the garbage per row is its fields' short strings.
 */
export class CsvSource implements RowSource {
  rows: number | null = null;
  readonly width: number;
  readonly description: string;
  readonly dtype = 'text';
  readonly kind = 'float' as const;
  readonly flat: boolean;
  readonly rowBytes: number;
  readonly totalBytes: number;
  /** A row takes at least two bytes per field (a digit and a delimiter or line break). */
  get maxRows(): number {
    return Math.ceil(this.totalBytes / (2 * this.width));
  }
  bytesRead = 0;
  /** The header's column names, or null when the first line holds data. */
  readonly header: string[] | null;
  /** Whether the first line, read as data, may be a header of unnamed columns 0, 1, …: for a hint at --header. */
  readonly headerLike: boolean;
  private readonly delimiter: string;
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
  private values: Float64Array | null = null;
  private toSkip: number;
  private toYield: number;

  private constructor(readonly path: string, private readonly file: OpenFile, range: RowRange | null, header: boolean | null) {
    this.delimiter = /\.tsv$/i.test(path) ? '\t' : ',';
    this.bytes = new Uint8Array(Math.max(1, Math.min(TEXT_BYTES, file.size)));
    this.totalBytes = file.size;
    if (!this.nextLine()) throw new InputError(`${path} is empty: expected a header line or rows of numbers`);
    let first = this.text.slice(this.lineStart, this.lineEnd);
    // Text is read as latin-1 (numbers are ASCII): skip a UTF-8 byte order mark, and decode header names as UTF-8.
    if (first.startsWith('\u00ef\u00bb\u00bf')) {
      first = first.slice(3);
      this.start = this.lineStart + 3;
    }
    const fields = first.split(this.delimiter);
    const isHeader = header ?? (fields.some((f) => csvNumber(f) === undefined) || this.unnamedColumns(fields));
    this.headerLike = header === null && !isHeader && fields.every((f, i) => unquote(f) === String(i));
    this.header = isHeader ? fields.map((f) => Buffer.from(unquote(f), 'latin1').toString('utf8')) : null;
    // Read again from the start: the first data line is the first row.
    this.rewind();
    if (isHeader) this.nextLine();
    this.width = fields.length;
    this.flat = this.width === 1;
    this.rowBytes = 8 * this.width;
    this.description = `${this.width} column${this.width === 1 ? '' : 's'}${isHeader ? ' with a header line' : ''}`;
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
  }

  /** `header`: whether the first line is a header (--header, --no-header); null to tell from the line itself. */
  static open(path: string, range: RowRange | null = null, header: boolean | null = null): CsvSource {
    const file = openFile(path);
    try {
      return new CsvSource(path, file, range, header);
    } catch (error) {
      closeFile(file);
      throw error;
    }
  }

  /** The number of data rows in the file: a pass over the whole file (for --shard on CSV input). */
  static countRows(path: string, header: boolean | null): number {
    const source = CsvSource.open(path, null, header);
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
    if (this.values === null || this.values.length < maxRows * width) this.values = new Float64Array(maxRows * width);
    const out = this.values;
    if (this.toYield === 0) return null;
    let m = 0;
    while (m < maxRows && this.toYield > 0) {
      if (!this.nextLine()) break;
      if (this.toSkip > 0) {
        this.toSkip--;
        continue;
      }
      this.parse(out, m * width);
      m++;
      this.toYield--;
    }
    if (this.toSkip > 0) {
      throw new InputError(`the row range starts after the end of ${this.path}, which has fewer rows`);
    }
    if (this.toYield !== Infinity && this.toYield > 0 && m < maxRows) {
      throw new InputError(`the row range ends after the end of ${this.path}, which has fewer rows`);
    }
    if (m === 0) return null;
    return out.subarray(0, m * width);
  }

  /** Parses the current line's fields into out[at, at + width). */
  private parse(out: Float64Array, at: number): void {
    const text = this.text;
    const d = this.delimiter;
    const last = this.width - 1;
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
      const field = text.slice(start, end);
      const v = csvNumber(field);
      if (v === undefined) this.notANumber(field, j);
      out[at + j] = v;
      start = end + 1;
    }
  }

  private fieldCount(): never {
    const fields = this.text.slice(this.lineStart, this.lineEnd).split(this.delimiter).length;
    throw new InputError(`${this.path} line ${this.lineNumber} has ${fields} fields; expected ${this.width} like the first line`);
  }

  private notANumber(field: string, column: number): never {
    const where = `${this.path} line ${this.lineNumber}, column ${column}`;
    if (field.trim() === '') throw new InputError(`${where} is empty: every field needs a number (a missing value is written as nan)`);
    throw new InputError(`${where}: ${quote(Buffer.from(field, 'latin1').toString('utf8'))} is not a number`);
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
