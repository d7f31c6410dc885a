/// <reference types="node" />
import { npyPreamble, parseNpyHeader, type NpyDtype, type NpyHeader } from '../io/npy-header.js';
import { swapBytes } from '../io/npy.js';
import { InputError } from './input-error.js';
import {
  closeFile, openFile, readExact, resolveRange, type Kind, type OpenFile, type RowRange, type RowSource, type Values,
} from './source.js';
import { count } from './words.js';

/** How the CLI views a chunk of each dtype it reads; 64-bit integers as word pairs, converted in next(). */
const VIEWS: Partial<Record<NpyDtype, { kind: Kind; view: (buffer: ArrayBuffer, count: number) => Values; wide?: 'signed' | 'unsigned' }>> = {
  float32: { kind: 'float', view: (b, n) => new Float32Array(b, 0, n) },
  float64: { kind: 'float', view: (b, n) => new Float64Array(b, 0, n) },
  int8: { kind: 'int', view: (b, n) => new Int8Array(b, 0, n) },
  int16: { kind: 'int', view: (b, n) => new Int16Array(b, 0, n) },
  int32: { kind: 'int', view: (b, n) => new Int32Array(b, 0, n) },
  int64: { kind: 'int', view: (b, n) => new Int32Array(b, 0, 2 * n), wide: 'signed' },
  uint8: { kind: 'int', view: (b, n) => new Uint8Array(b, 0, n) },
  uint16: { kind: 'int', view: (b, n) => new Uint16Array(b, 0, n) },
  uint32: { kind: 'int', view: (b, n) => new Uint32Array(b, 0, n) },
  uint64: { kind: 'int', view: (b, n) => new Int32Array(b, 0, 2 * n), wide: 'unsigned' },
  bool: { kind: 'bool', view: (b, n) => new Uint8Array(b, 0, n) },
};

/** Reads and checks the header at the start of an open .npy file, with the library's parser (src/io). */
function readHeader(file: OpenFile, path: string): NpyHeader {
  let header: NpyHeader;
  try {
    const prefix = new Uint8Array(Math.min(12, file.size));
    readExact(file, prefix, prefix.length, 0, path);
    const preamble = npyPreamble(prefix, path);
    const end = preamble.start + preamble.length;
    if (end > file.size) {
      throw new InputError(`${path} is truncated: its header is ${count(preamble.length, 'byte')} long but the file ends after ${count(file.size, 'byte')}`);
    }
    const text = new Uint8Array(preamble.length);
    readExact(file, text, text.length, preamble.start, path);
    header = parseNpyHeader(text, preamble, path);
  } catch (error) {
    throw error instanceof RangeError ? new InputError(error.message) : error;
  }
  if (header.dtype === 'float16') {
    throw new InputError(`${path}: dtype <f2 (float16) is not supported by the CLI; convert with a.astype(np.float32)`);
  }
  const { shape } = header;
  if (header.fortranOrder && shape.length > 1 && shape.slice(1).some((d) => d !== 1)) {
    throw new InputError(
      `${path} is in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(a))`,
    );
  }
  return header;
}

/** An .npy file as a RowSource: C-order rows of the array's first axis. */
export class NpySource implements RowSource {
  readonly rows: number;
  readonly width: number;
  get maxRows(): number {
    return this.rows;
  }
  readonly description: string;
  readonly dtype: string;
  readonly kind: Kind;
  readonly flat: boolean;
  readonly totalBytes: number;
  bytesRead = 0;
  /** The whole array's first dimension, before any row range. */
  readonly fileRows: number;
  readonly shape: number[];
  readonly rowBytes: number;
  private position: number;
  private remaining: number;
  private buffer: ArrayBuffer | null = null;
  private wide: Float64Array | null = null;
  private narrow: Int32Array | null = null;
  private readonly view: NonNullable<(typeof VIEWS)[NpyDtype]>;

  private constructor(readonly path: string, private readonly file: OpenFile, private readonly header: NpyHeader, range: RowRange | null) {
    const { shape, dtype } = header;
    this.view = VIEWS[dtype]!;
    if (shape.length === 0) throw new InputError(`${path} holds a single number (a 0-d array); expected one value or row per sample`);
    if (shape.length > 2) {
      throw new InputError(`${path} has shape (${shape.join(', ')}); expected (N,) or (N, C): reshape to (N, C) before saving`);
    }
    this.shape = shape;
    this.fileRows = shape[0];
    this.width = shape.length === 1 ? 1 : shape[1];
    this.flat = shape.length === 1;
    if (this.width === 0 && this.fileRows > 0) throw new InputError(`${path} has shape (${shape.join(', ')}): rows of no values`);
    this.dtype = dtype;
    this.kind = this.view.kind;
    this.description = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''}) ${dtype}`;
    this.rowBytes = this.width * header.itemBytes;
    const dataBytes = this.fileRows * this.rowBytes;
    if (file.size < header.dataOffset + dataBytes) {
      throw new InputError(
        `${path} is truncated: its header says ${this.description}, ${count(dataBytes, 'byte')} of data, but the file holds ` +
        `${file.size - header.dataOffset}`,
      );
    }
    const { start, end } = resolveRange(range, this.fileRows, path);
    this.rows = end - start;
    this.remaining = this.rows;
    this.position = header.dataOffset + start * this.rowBytes;
    this.totalBytes = this.rows * this.rowBytes;
  }

  /** Opens an .npy file and reads its header; the data is read by next(). */
  static open(path: string, range: RowRange | null = null): NpySource {
    const file = openFile(path);
    try {
      return new NpySource(path, file, readHeader(file, path), range);
    } catch (error) {
      closeFile(file);
      throw error;
    }
  }

  next(maxRows: number): Values | null {
    const m = Math.min(maxRows, this.remaining);
    if (m === 0) return null;
    const bytes = m * this.rowBytes;
    if (this.buffer === null || this.buffer.byteLength < bytes) this.buffer = new ArrayBuffer(Math.max(bytes, maxRows * this.rowBytes));
    const chunk = new Uint8Array(this.buffer, 0, bytes);
    readExact(this.file, chunk, bytes, this.position, this.path);
    if (!this.header.littleEndian) swapBytes(chunk, this.header.itemBytes);
    this.position += bytes;
    this.remaining -= m;
    this.bytesRead += bytes;
    const count = m * this.width;
    const values = this.view.view(this.buffer, count);
    const wide = this.view.wide;
    if (wide === undefined) return values;
    // 64-bit integers: as Int32Array when every value fits (class indices do), else as float64.
    if (this.narrow === null || this.narrow.length < count) this.narrow = new Int32Array(Math.max(count, maxRows * this.width));
    const narrow = this.narrow.subarray(0, count);
    if (narrowed(values as Int32Array, narrow, wide === 'signed')) return narrow;
    if (this.wide === null || this.wide.length < count) this.wide = new Float64Array(Math.max(count, maxRows * this.width));
    return widen(values as Int32Array, this.wide.subarray(0, count), wide === 'signed');
  }

  close(): void {
    closeFile(this.file);
  }
}

/** 64-bit integers (little-endian word pairs) as int32: false as soon as one does not fit. */
function narrowed(words: Int32Array, out: Int32Array, signed: boolean): boolean {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    if (hi !== (signed ? lo >> 31 : 0) || (!signed && lo < 0)) return false;
    out[i] = lo;
  }
  return true;
}

/** 64-bit integers (little-endian word pairs) as float64: exact below 2^53, which covers every class index. */
function widen(words: Int32Array, out: Float64Array, signed: boolean): Float64Array {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i] >>> 0;
    const hi = words[2 * i + 1];
    out[i] = (signed ? hi : hi >>> 0) * 4294967296 + lo;
  }
  return out;
}
