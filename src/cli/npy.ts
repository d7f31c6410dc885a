/// <reference types="node" />
import { InputError, quote } from './input-error.js';
import {
  closeFile, openFile, readExact, resolveRange, type Kind, type OpenFile, type RowRange, type RowSource, type Values,
} from './source.js';
import { count } from './words.js';

// NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
// the magic "\x93NUMPY", a major and minor version byte, the header's length (uint16 LE in
// version 1.0, uint32 LE in 2.0 and 3.0), then the header, a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (1000, 10), } (latin-1; UTF-8 in 3.0),
// padded with spaces and a newline, then the raw data.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** A dtype this reader takes: how to view its bytes, and what it is called. */
interface Dtype {
  name: string;
  kind: Kind;
  bytes: number;
  /** The typed array the bytes are viewed as; 64-bit integers are narrowed to Int32Array, or widened to Float64Array. */
  view: (buffer: ArrayBuffer, count: number) => Values;
  /** 64-bit integers: read as two 32-bit words and converted. */
  wide?: 'signed' | 'unsigned';
}

const DTYPES: Record<string, Dtype> = {
  f4: { name: 'float32', kind: 'float', bytes: 4, view: (b, n) => new Float32Array(b, 0, n) },
  f8: { name: 'float64', kind: 'float', bytes: 8, view: (b, n) => new Float64Array(b, 0, n) },
  i1: { name: 'int8', kind: 'int', bytes: 1, view: (b, n) => new Int8Array(b, 0, n) },
  i2: { name: 'int16', kind: 'int', bytes: 2, view: (b, n) => new Int16Array(b, 0, n) },
  i4: { name: 'int32', kind: 'int', bytes: 4, view: (b, n) => new Int32Array(b, 0, n) },
  i8: { name: 'int64', kind: 'int', bytes: 8, view: (b, n) => new Int32Array(b, 0, 2 * n), wide: 'signed' },
  u1: { name: 'uint8', kind: 'int', bytes: 1, view: (b, n) => new Uint8Array(b, 0, n) },
  u2: { name: 'uint16', kind: 'int', bytes: 2, view: (b, n) => new Uint16Array(b, 0, n) },
  u4: { name: 'uint32', kind: 'int', bytes: 4, view: (b, n) => new Uint32Array(b, 0, n) },
  u8: { name: 'uint64', kind: 'int', bytes: 8, view: (b, n) => new Int32Array(b, 0, 2 * n), wide: 'unsigned' },
  b1: { name: 'bool', kind: 'bool', bytes: 1, view: (b, n) => new Uint8Array(b, 0, n) },
};

const KIND_NAMES: Record<string, string> = {
  f: 'float', c: 'complex', O: 'object', U: 'unicode string', S: 'byte string', a: 'byte string', V: 'void (raw or structured)',
  M: 'datetime64', m: 'timedelta64', i: 'int', u: 'uint', b: 'bool',
};

export interface NpyHeader {
  /** "1.0", "2.0" or "3.0". */
  version: string;
  descr: string;
  dtype: Dtype;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

/** Reads and checks the header at the start of an open .npy file. */
export function readNpyHeader(file: OpenFile, path: string): NpyHeader {
  const prefix = new Uint8Array(12);
  const head = Math.min(12, file.size);
  readExact(file, prefix, head, 0, path);
  if (head < 10 || MAGIC.some((b, i) => prefix[i] !== b)) {
    throw new InputError(`${path} is not a NumPy .npy file (it does not start with the magic "\\x93NUMPY")`);
  }
  const major = prefix[6];
  const minor = prefix[7];
  const version = `${major}.${minor}`;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new InputError(`${path}: .npy format version ${version} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  const view = new DataView(prefix.buffer);
  const lengthBytes = major === 1 ? 2 : 4;
  if (head < 8 + lengthBytes) throw new InputError(`${path} is truncated: it ends inside the .npy header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > file.size) {
    throw new InputError(`${path} is truncated: its header is ${count(headerLength, 'byte')} long but the file ends after ${count(file.size, 'byte')}`);
  }
  if (headerLength > 1 << 20) throw new InputError(`${path}: the .npy header claims ${headerLength} bytes; not a valid header`);
  const bytes = new Uint8Array(headerLength);
  readExact(file, bytes, headerLength, 8 + lengthBytes, path);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes);
  return checkHeader(text, path, version, dataOffset);
}

/** NumPy's header keys: exactly these, no more (numpy.lib.format refuses others too). */
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'];

function checkHeader(text: string, path: string, version: string, dataOffset: number): NpyHeader {
  const shown = quote(text.trim());
  let dict: unknown;
  try {
    dict = parsePythonLiteral(text);
  } catch (error) {
    throw new InputError(`${path}: cannot read the .npy header ${shown}: ${(error as Error).message}`);
  }
  if (!(dict instanceof PythonDict)) throw new InputError(`${path}: the .npy header is not a dict: ${shown}`);
  const { entries } = dict;
  for (const key of HEADER_KEYS) {
    if (!entries.has(key)) throw new InputError(`${path}: the .npy header has no '${key}' key: ${shown}`);
  }
  const extra = [...entries.keys()].find((key) => !HEADER_KEYS.includes(key));
  if (extra !== undefined) {
    throw new InputError(`${path}: the .npy header has a key ${quote(extra)} besides 'descr', 'fortran_order' and 'shape': ${shown}`);
  }
  const descr = entries.get('descr');
  const fortran = entries.get('fortran_order');
  const shape = entries.get('shape');
  if (typeof descr !== 'string') {
    throw new InputError(`${path}: structured arrays (dtype with fields) are not supported; save a plain numeric array`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new InputError(`${path}: the .npy header's shape is not a tuple of sizes: ${shown}`);
  }
  const dtype = readDescr(descr, path);
  if (fortran === true && shape.length > 1 && shape.slice(1).some((d) => d !== 1)) {
    throw new InputError(
      `${path} is in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(a))`,
    );
  }
  if (fortran !== true && fortran !== false) throw new InputError(`${path}: the .npy header's fortran_order is not True or False`);
  return { version, descr, dtype, shape: shape as number[], dataOffset };
}

function readDescr(descr: string, path: string): Dtype {
  const m = /^([<>|=])([a-zA-Z])(\d*)$/.exec(descr);
  if (m === null) throw new InputError(`${path}: dtype ${quote(descr)} is not supported`);
  const [, order, kind, size] = m;
  const dtype = DTYPES[`${kind}${size}`];
  const supported = 'float32 or float64 predictions; int8/16/32/64, uint8/16/32/64 or bool labels';
  if (dtype === undefined) {
    const what = kind === 'f' && size === '2' ? 'float16' : `${KIND_NAMES[kind] ?? kind}${'fiuc'.includes(kind) && size !== '' ? ` of ${size} bytes` : ''}`;
    const hint = kind === 'O' ? ' (object arrays hold Python objects, not numbers; convert with a.astype(np.float64))' : '';
    throw new InputError(`${path}: dtype ${descr} (${what}) is not supported${hint}; expected ${supported}`);
  }
  if (order === '>' && dtype.bytes > 1) {
    throw new InputError(`${path} is big-endian (${descr}); convert it with a.astype(a.dtype.newbyteorder('<')) before saving`);
  }
  if (order === '=' && dtype.bytes > 1) {
    throw new InputError(`${path}: dtype ${descr} has native byte order, which a file cannot tell; save it with an explicit '<' dtype`);
  }
  return dtype;
}

/** A Python dict: its entries in a Map, so no key (such as "__proto__") reaches an object's prototype. */
export class PythonDict {
  readonly entries = new Map<string, unknown>();
}

/** Deepest nesting of a header literal: NumPy's are 2 deep (a dict holding a tuple); structured dtypes a few more. */
const MAX_DEPTH = 16;

/**
 * A Python literal as NumPy writes it in headers: dicts, tuples, lists, strings, integers
 * (with Python 2's L suffix), True, False and None. Tuples and lists both become arrays, dicts
 * a PythonDict (a key given twice keeps its last value, as in Python); nesting deeper than
 * MAX_DEPTH is refused.
 */
export function parsePythonLiteral(text: string): unknown {
  let at = 0;
  const skip = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${at}`);
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} deep`);
    skip();
    const ch = text[at];
    if (ch === '{') {
      at++;
      const out = new PythonDict();
      for (;;) {
        skip();
        if (text[at] === '}') {
          at++;
          return out;
        }
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('a dict key that is not a string');
        skip();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        out.entries.set(key as string, value(depth + 1));
        skip();
        if (text[at] === ',') at++;
        else if (text[at] !== '}') fail('expected "," or "}"');
      }
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      at++;
      const out: unknown[] = [];
      for (;;) {
        skip();
        if (text[at] === close) {
          at++;
          return out;
        }
        out.push(value(depth + 1));
        skip();
        if (text[at] === ',') at++;
        else if (text[at] !== close) fail(`expected "," or "${close}"`);
      }
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, at + 1);
      if (end < 0) fail('an unterminated string');
      const s = text.slice(at + 1, end);
      at = end + 1;
      return s;
    }
    const word = /^(?:-?\d+L?|True|False|None)/.exec(text.slice(at, at + 32));
    if (word === null) return fail(`unexpected ${ch === undefined ? 'end of header' : quote(ch)}`);
    at += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', ''));
  };
  const result = value(0);
  skip();
  if (at !== text.length) fail('trailing text');
  return result;
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

  private constructor(readonly path: string, private readonly file: OpenFile, private readonly header: NpyHeader, range: RowRange | null) {
    const { shape, dtype } = header;
    if (shape.length === 0) throw new InputError(`${path} holds a single number (a 0-d array); expected one value or row per sample`);
    if (shape.length > 2) {
      throw new InputError(`${path} has shape (${shape.join(', ')}); expected (N,) or (N, C): reshape to (N, C) before saving`);
    }
    this.shape = shape;
    this.fileRows = shape[0];
    this.width = shape.length === 1 ? 1 : shape[1];
    this.flat = shape.length === 1;
    if (this.width === 0 && this.fileRows > 0) throw new InputError(`${path} has shape (${shape.join(', ')}): rows of no values`);
    this.dtype = dtype.name;
    this.kind = dtype.kind;
    this.description = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''}) ${dtype.name}`;
    this.rowBytes = this.width * dtype.bytes;
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
      return new NpySource(path, file, readNpyHeader(file, path), range);
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
    readExact(this.file, new Uint8Array(this.buffer, 0, bytes), bytes, this.position, this.path);
    this.position += bytes;
    this.remaining -= m;
    this.bytesRead += bytes;
    const count = m * this.width;
    const values = this.header.dtype.view(this.buffer, count);
    const wide = this.header.dtype.wide;
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
