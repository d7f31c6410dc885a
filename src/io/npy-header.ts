// NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
// the magic "\x93NUMPY", a major and minor version byte, the header's length (uint16 LE in
// version 1.0, uint32 LE in 2.0 and 3.0), then the header, a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (1000, 10), } (latin-1; UTF-8 in 3.0),
// padded with spaces and a newline, then the raw data. Shared by readNpy and the CLI, which
// reads files in chunks: errors are RangeErrors whose message starts with `subject` (the
// entry and argument, or the file's path).
import { show } from '../errors/show.js';

/** NumPy's names of the data types an .npy file of numbers holds. */
export type NpyDtype =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'float16' | 'float32' | 'float64';

/** What the header of an .npy file says: enough to read any range of its rows from the file. */
export interface NpyHeader {
  /** NumPy's name of the values' type: `'float32'`, `'int64'`, `'bool'`, … */
  dtype: NpyDtype;
  /** The array's shape, as NumPy's `a.shape` (`[]` for a 0-d array). */
  shape: number[];
  /** Whether the values are in Fortran (column-major) order; NumPy writes C order unless asked. */
  fortranOrder: boolean;
  /** Whether values of more than one byte are little-endian (NumPy's `'<'`, what every common machine writes). */
  littleEndian: boolean;
  /** Bytes per value. */
  itemBytes: number;
  /** Where the values start in the file, in bytes. */
  dataOffset: number;
  /** Bytes of values: the product of the shape, times `itemBytes`. */
  byteLength: number;
  /** The format version: `'1.0'`, `'2.0'` or `'3.0'`. */
  version: string;
}

const DTYPES: Record<string, NpyDtype> = {
  b1: 'bool', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64',
  f2: 'float16', f4: 'float32', f8: 'float64',
};

/** The longest header read: NumPy's are a few hundred bytes. */
const MAX_HEADER_BYTES = 1 << 20;

/** Where the header text lies, from the file's first 12 bytes (or fewer: the file's whole length). */
export interface NpyPreamble {
  major: number;
  /** The header text's first byte, and its length in bytes. */
  start: number;
  length: number;
}

/** Reads the magic, version and header length at the start of an .npy file. */
export function npyPreamble(prefix: Uint8Array, subject: string): NpyPreamble {
  if (prefix.length < 10 || [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59].some((b, i) => prefix[i] !== b)) {
    throw new RangeError(`${subject} is not a NumPy .npy file (it does not start with the magic "\\x93NUMPY")`);
  }
  const major = prefix[6];
  if (major < 1 || major > 3 || prefix[7] !== 0) {
    throw new RangeError(`${subject}: .npy format version ${major}.${prefix[7]} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  const start = major === 1 ? 10 : 12;
  if (prefix.length < start) throw new RangeError(`${subject} is truncated: it ends inside the .npy header`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, start);
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (length > MAX_HEADER_BYTES) throw new RangeError(`${subject}: the .npy header claims ${length} bytes; not a valid header`);
  return { major, start, length };
}

/** Reads and checks the header text (the bytes the preamble points at). */
export function parseNpyHeader(bytes: Uint8Array, preamble: NpyPreamble, subject: string): NpyHeader {
  // Latin-1 by hand: TextDecoder('latin1') is windows-1252, which differs in 0x80-0x9f.
  const text = preamble.major === 3 ? new TextDecoder().decode(bytes) : latin1(bytes);
  const shown = show(text.trim());
  let dict: unknown;
  try {
    dict = parsePythonLiteral(text);
  } catch (error) {
    throw new RangeError(`${subject}: cannot read the .npy header ${shown}: ${(error as Error).message}`);
  }
  // Exactly NumPy's keys: NumPy refuses a header with any other.
  const keys = dict instanceof Map ? [...dict.keys()].sort().join() : '';
  if (keys !== 'descr,fortran_order,shape') {
    throw new RangeError(`${subject}: the .npy header's keys are ${show(keys)}, not NumPy's 'descr', 'fortran_order' and 'shape': ${shown}`);
  }
  const { descr, fortran_order: fortranOrder, shape } = Object.fromEntries(dict as Map<string, unknown>);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0) || typeof fortranOrder !== 'boolean') {
    throw new RangeError(`${subject}: the .npy header's shape is not a tuple of sizes, or its fortran_order not True or False: ${shown}`);
  }
  const m = /^([<>|])([biuf])(\d)$/.exec(typeof descr === 'string' ? descr : '');
  const dtype = m === null ? undefined : DTYPES[m[2] + m[3]];
  if (m === null || dtype === undefined) {
    throw new RangeError(
      `${subject}: dtype ${typeof descr === 'string' ? show(descr) : 'with fields'} is not supported: expected a little- or big-endian bool, int, uint or float of 1 to 8 ` +
        'bytes (not complex, string, object, date or structured); convert with e.g. a.astype(np.float64)',
    );
  }
  const itemBytes = Number(m[3]);
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  if (!Number.isSafeInteger(count * itemBytes)) throw new RangeError(`${subject}: the .npy header's shape (${shape.join(', ')}) is too large`);
  return {
    dtype,
    shape: shape as number[],
    fortranOrder,
    littleEndian: m[1] !== '>' || itemBytes === 1,
    itemBytes,
    dataOffset: preamble.start + preamble.length,
    byteLength: count * itemBytes,
    version: `${preamble.major}.0`,
  };
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/** Deepest nesting of a header literal: NumPy's are 2 deep (a dict holding a tuple); structured dtypes a few more. */
const MAX_DEPTH = 16;

/**
 * A Python literal as NumPy writes it in headers: dicts, tuples, lists, strings, integers
 * (with Python 2's L suffix), True, False and None. Tuples and lists become arrays, dicts a
 * Map (so a key such as "__proto__" is only a key; given twice, it keeps its last value, as in
 * Python); nesting deeper than MAX_DEPTH is refused.
 */
export function parsePythonLiteral(text: string): unknown {
  let at = 0;
  const skip = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${at}`);
  };
  /** Items up to `close`, separated by commas (a trailing comma allowed). */
  const items = (close: string, item: () => void) => {
    at++;
    for (;;) {
      skip();
      if (text[at] === close) {
        at++;
        return;
      }
      item();
      skip();
      if (text[at] === ',') at++;
      else if (text[at] !== close) fail(`expected "," or "${close}"`);
    }
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} deep`);
    skip();
    const ch = text[at];
    if (ch === '{') {
      const out = new Map<string, unknown>();
      items('}', () => {
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('a dict key that is not a string');
        skip();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        out.set(key as string, value(depth + 1));
      });
      return out;
    }
    if (ch === '(' || ch === '[') {
      const out: unknown[] = [];
      items(ch === '(' ? ')' : ']', () => out.push(value(depth + 1)));
      return out;
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, at + 1);
      if (end < 0) fail('an unterminated string');
      const s = text.slice(at + 1, end);
      at = end + 1;
      return s;
    }
    const word = /^(?:-?\d+L?|True|False|None)/.exec(text.slice(at, at + 32));
    if (word === null) return fail(`unexpected ${ch === undefined ? 'end of header' : show(ch)}`);
    at += word[0].length;
    return word[0] === 'True' ? true : word[0] === 'False' ? false : word[0] === 'None' ? null : Number(word[0].replace('L', ''));
  };
  const result = value(0);
  skip();
  if (at !== text.length) fail('trailing text');
  return result;
}
