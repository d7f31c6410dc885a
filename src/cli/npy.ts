/// <reference types="node" />
import { npyPreamble, parseNpyHeader, type NpyDtype, type NpyHeader } from '../io/npy-header.js';
import { halfToSingle, swapBytes } from '../io/npy.js';
import { InputError } from './input-error.js';
import {
  closeFile, openFile, readExact, resolveRange, type Kind, type OpenFile, type RowRange, type RowSource, type Values,
} from './source.js';
import { count } from './words.js';

/**
 * How the CLI views a chunk of each dtype it reads; 64-bit integers as word pairs, converted in
 * next(); float16 as its bits, converted (exactly) to float32, computed in float64 like the rest.
 */
const VIEWS: Partial<Record<NpyDtype, { kind: Kind; view: (buffer: ArrayBuffer, count: number) => Values; wide?: 'signed' | 'unsigned' }>> = {
  float16: { kind: 'float', view: (b, n) => halfToSingle(new Uint16Array(b, 0, n)) },
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
  const { shape } = header;
  if (header.fortranOrder && shape.length > 1 && shape.slice(1).some((d) => d !== 1)) {
    throw new InputError(
      `${path} is in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(a))`,
    );
  }
  return header;
}

/**
 * How a file's values become samples: `'flat'`, one value per sample whatever the rank (class
 * indices: a mask of shape (N, H, W) is N·H·W samples); or the class axis (negative: from the
 * end), each sample's values along it. With the class axis last a sample is a run of the
 * file (rows); otherwise its values lie apart, and chunks come as class planes.
 */
export type Reading = 'flat' | number;

/** Where a sample's values lie when they are not a row: C planes of `inner` values in each of `outer` blocks. */
interface Planes {
  readonly classes: number;
  readonly inner: number;
}

/**
 * An .npy file as a RowSource: samples in C order, each a row (its class axis last), or, for a
 * class axis before the last (channels-first maps), C planes read where they lie: a chunk of m
 * samples comes as C runs of m values (plane c at c · m), as the library's `axis: 1` reads it.
 */
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

  /** The class axis (counted from the start) of a file read by samples along it, or null (flat). */
  readonly axis: number | null;
  /** Channels-first files: chunks come as class planes. */
  readonly planes: Planes | null;
  private sample: number;

  private constructor(
    readonly path: string, private readonly file: OpenFile, private readonly header: NpyHeader, range: RowRange | null, reading: Reading,
  ) {
    const { shape, dtype } = header;
    this.view = VIEWS[dtype]!;
    if (shape.length === 0) throw new InputError(`${path} holds a single number (a 0-d array); expected one value or row per sample`);
    this.shape = shape;
    const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    if (reading === 'flat' || shape.length === 1) {
      this.axis = null;
      this.fileRows = size(shape);
      this.width = 1;
      this.planes = null;
    } else {
      const axis = reading < 0 ? shape.length + reading : reading;
      if (axis < 0 || axis >= shape.length) {
        throw new InputError(`--axis ${reading} is outside ${path}, whose shape (${shape.join(', ')}) has ${count(shape.length, 'axis', 'axes')}`);
      }
      this.axis = axis;
      const inner = size(shape.slice(axis + 1));
      this.fileRows = size(shape.slice(0, axis)) * inner;
      this.width = shape[axis];
      this.planes = inner === 1 ? null : { classes: shape[axis], inner };
    }
    this.flat = this.axis === null;
    if (this.width === 0 && size(shape) > 0) throw new InputError(`${path} has shape (${shape.join(', ')}): samples of no values`);
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
    this.sample = start;
    this.position = header.dataOffset + start * this.rowBytes;
    this.totalBytes = this.rows * this.rowBytes;
  }

  /** Opens an .npy file and reads its header; the data is read by next(). */
  static open(path: string, range: RowRange | null = null, reading: Reading = -1): NpySource {
    const file = openFile(path);
    try {
      return new NpySource(path, file, readHeader(file, path), range, reading);
    } catch (error) {
      closeFile(file);
      throw error;
    }
  }

  /** Sample i's value for class c (null: all of them) as NumPy indexes it: logits.npy[0, 2, 1, 3], logits.npy[0, :, 1, 3]. */
  name(i: number, c: number | null): string {
    const { shape, axis } = this;
    if (shape.length <= 2 && this.planes === null) return `${this.path}[${i}${c === null || this.flat ? '' : `, ${c}`}]`;
    const coordinates = (k: number, dims: number[]) => dims.map((_, d) => Math.floor(k / dims.slice(d + 1).reduce((a, b) => a * b, 1)) % dims[d]);
    if (axis === null) return `${this.path}[${coordinates(i, shape).join(', ')}]`;
    const rest = coordinates(i, shape.filter((_, d) => d !== axis));
    return `${this.path}[${[...rest.slice(0, axis), c ?? ':', ...rest.slice(axis)].join(', ')}]`;
  }

  next(maxRows: number): Values | null {
    const m = Math.min(maxRows, this.remaining);
    if (m === 0) return null;
    const bytes = m * this.rowBytes;
    if (this.buffer === null || this.buffer.byteLength < bytes) this.buffer = new ArrayBuffer(Math.max(bytes, maxRows * this.rowBytes));
    const chunk = new Uint8Array(this.buffer, 0, bytes);
    if (this.planes === null) readExact(this.file, chunk, bytes, this.position, this.path);
    else this.readPlanes(chunk, m);
    if (!this.header.littleEndian) swapBytes(chunk, this.header.itemBytes);
    this.position += bytes;
    this.sample += m;
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

  /** Samples [sample, sample + m) as C planes of m values: each class's run read where it lies in each block. */
  private readPlanes(chunk: Uint8Array, m: number): void {
    const { classes, inner } = this.planes!;
    const item = this.header.itemBytes;
    for (let at = 0; at < m; ) {
      const i = this.sample + at;
      const block = Math.floor(i / inner);
      const length = Math.min(m - at, (block + 1) * inner - i);
      for (let c = 0; c < classes; c++) {
        const from = this.header.dataOffset + ((block * classes + c) * inner + (i - block * inner)) * item;
        readExact(this.file, chunk.subarray((c * m + at) * item), length * item, from, this.path);
      }
      at += length;
    }
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
