/// <reference types="node" />
import { InputError } from './input-error.js';
import { closeFile, openFile, readSome, type OpenFile, type RowRange, type RowSource } from './source.js';

/** Bytes of text read per step; a line longer than this still works (the buffer of text grows by the line). */
const TEXT_BYTES = 1 << 22;

/**
 * A CSV (or, for .tsv, tab-separated) file of numbers as a RowSource: one row per non-blank
 * line, every line with the same number of fields, an optional header line (a first line
 * with a field that is not a number). Read in steps of 4 MiB of text.
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
  bytesRead = 0;
  /** The header's column names, or null when the first line holds data. */
  readonly header: string[] | null;
  private readonly delimiter: string;
  private readonly bytes: Uint8Array;
  private position = 0;
  private pending = '';
  private lines: string[] = [];
  private lineAt = 0;
  /** 1-based line number of the next line in `lines`. */
  private lineNumber = 1;
  private ended = false;
  private values: Float64Array | null = null;
  private toSkip: number;
  private toYield: number;
  private firstDataLine: string | null = null;

  private constructor(readonly path: string, private readonly file: OpenFile, range: RowRange | null) {
    this.delimiter = /\.tsv$/i.test(path) ? '\t' : ',';
    this.bytes = new Uint8Array(TEXT_BYTES);
    this.totalBytes = file.size;
    const first = this.nextLine();
    if (first === null) throw new InputError(`${path} is empty: expected a header line or rows of numbers`);
    const fields = first.split(this.delimiter).map(unquote);
    const header = fields.some((f) => !isNumber(f));
    this.header = header ? fields.map((f) => f.trim()) : null;
    if (!header) {
      this.firstDataLine = first;
      this.lineNumber--;
    }
    this.width = fields.length;
    this.flat = this.width === 1;
    this.rowBytes = 8 * this.width;
    this.description = `${this.width} column${this.width === 1 ? '' : 's'}${header ? ' with a header line' : ''}`;
    this.toSkip = range?.start ?? 0;
    this.toYield = range?.end === null || range?.end === undefined ? Infinity : range.end - this.toSkip;
  }

  static open(path: string, range: RowRange | null = null): CsvSource {
    const file = openFile(path);
    try {
      return new CsvSource(path, file, range);
    } catch (error) {
      closeFile(file);
      throw error;
    }
  }

  /** The number of data rows in the file: a pass over the whole file (for --shard on CSV input). */
  static countRows(path: string): number {
    const file = openFile(path);
    try {
      const bytes = new Uint8Array(TEXT_BYTES);
      let rows = 0;
      let blank = true;
      let first = true;
      let header = false;
      let firstLine = '';
      for (let position = 0; ;) {
        const got = readSome(file, bytes, 0, bytes.length, position);
        if (got === 0) break;
        for (let i = 0; i < got; i++) {
          const b = bytes[i];
          if (first) firstLine += String.fromCharCode(b);
          if (b === 10) {
            if (!blank) {
              rows++;
              if (first) header = firstLine.split(/\.tsv$/i.test(path) ? '\t' : ',').map(unquote).some((f) => !isNumber(f));
              first = false;
            }
            blank = true;
          } else if (b !== 32 && b !== 9 && b !== 13) {
            blank = false;
          }
        }
        position += got;
      }
      if (!blank) {
        rows++;
        if (first) header = firstLine.split(/\.tsv$/i.test(path) ? '\t' : ',').map(unquote).some((f) => !isNumber(f));
      }
      return header ? rows - 1 : rows;
    } finally {
      closeFile(file);
    }
  }

  /** The next line that is not blank, without its line break; null at the end. */
  private nextLine(): string | null {
    for (;;) {
      while (this.lineAt < this.lines.length) {
        const line = this.lines[this.lineAt++];
        this.lineNumber++;
        if (line.trim() !== '') return line;
      }
      if (this.ended) return null;
      this.fill();
    }
  }

  /** Reads the next step of text into `lines`, keeping a partial last line for the next step. */
  private fill(): void {
    const got = readSome(this.file, this.bytes, 0, this.bytes.length, this.position);
    this.position += got;
    this.bytesRead += got;
    let text = this.pending + Buffer.from(this.bytes.buffer, this.bytes.byteOffset, got).toString('latin1');
    if (got === 0) {
      this.ended = true;
      this.pending = '';
    } else {
      const cut = text.lastIndexOf('\n');
      this.pending = cut < 0 ? text : text.slice(cut + 1);
      text = cut < 0 ? '' : text.slice(0, cut);
    }
    this.lines = text === '' ? [] : text.split('\n');
    this.lineAt = 0;
  }

  next(maxRows: number): Float64Array | null {
    const width = this.width;
    if (this.values === null || this.values.length < maxRows * width) this.values = new Float64Array(maxRows * width);
    const out = this.values;
    if (this.toYield === 0) return null;
    let m = 0;
    while (m < maxRows && this.toYield > 0) {
      let line: string | null;
      if (this.firstDataLine !== null) {
        line = this.firstDataLine;
        this.firstDataLine = null;
        this.lineNumber++;
      } else {
        line = this.nextLine();
      }
      if (line === null) break;
      if (this.toSkip > 0) {
        this.toSkip--;
        continue;
      }
      this.parse(line, out, m * width);
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

  private parse(line: string, out: Float64Array, at: number): void {
    const d = this.delimiter;
    let start = 0;
    for (let j = 0; j < this.width; j++) {
      let end = line.indexOf(d, start);
      if (end < 0) {
        if (j !== this.width - 1) this.fieldCount(line);
        end = line.length;
      } else if (j === this.width - 1) {
        this.fieldCount(line);
      }
      const field = line.slice(start, end);
      let v = +field;
      if (v !== v || (v === 0 && field.trim() === '')) v = special(field, () => this.notANumber(field, j));
      out[at + j] = v;
      start = end + 1;
    }
  }

  private fieldCount(line: string): never {
    const fields = line.replace(/\r$/, '').split(this.delimiter).length;
    throw new InputError(`${this.path} line ${this.lineNumber - 1} has ${fields} fields; expected ${this.width} like the first line`);
  }

  private notANumber(field: string, column: number): never {
    throw new InputError(`${this.path} line ${this.lineNumber - 1}, column ${column}: ${JSON.stringify(field)} is not a number`);
  }

  close(): void {
    closeFile(this.file);
  }
}

/** A field Number() cannot read as it stands: quoted, nan / inf as NumPy and pandas write them, or not a number. */
function special(field: string, fail: () => never): number {
  const s = unquote(field).trim().toLowerCase();
  if (s === 'nan') return NaN;
  if (s === 'inf' || s === '+inf' || s === 'infinity' || s === '+infinity') return Infinity;
  if (s === '-inf' || s === '-infinity') return -Infinity;
  if (s !== '' && s !== field.trim().toLowerCase()) {
    const v = +s;
    if (v === v) return v;
  }
  return fail();
}

function isNumber(field: string): boolean {
  try {
    const v = +field;
    if (v === v && !(v === 0 && field.trim() === '')) return true;
    special(field, () => {
      throw new Error();
    });
    return true;
  } catch {
    return false;
  }
}

function unquote(field: string): string {
  const s = field.trim();
  return s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"' ? s.slice(1, -1) : s;
}
