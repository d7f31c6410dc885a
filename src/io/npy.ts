import { describe } from '../errors/show.js';
import { npyPreamble, parseNpyHeader, type NpyDtype, type NpyHeader } from './npy-header.js';

export type { NpyDtype, NpyHeader } from './npy-header.js';

/** The typed array {@link readNpy} returns for each dtype. */
export interface NpyDataTypes {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  /** Half-precision values, converted (exactly) to single precision. */
  float16: Float32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** An array read from an .npy file: its values in C (row-major) order, its shape and NumPy's dtype name. */
export type NpyArray = {
  [D in NpyDtype]: { data: NpyDataTypes[D]; shape: number[]; dtype: D };
}[NpyDtype];

type Typed = NpyDataTypes[NpyDtype];
const ARRAYS: Record<NpyDtype, { new (buffer: ArrayBuffer, offset: number, length: number): Typed; new (length: number): Typed }> = {
  bool: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array,
  uint32: Uint32Array, uint64: BigUint64Array, float16: Uint16Array, float32: Float32Array, float64: Float64Array,
};

/**
 * Reads the header of an .npy file (NumPy's `np.save` format, versions 1.0 to 3.0): its dtype,
 * shape, byte order and where its values lie, for reading rows of a file too large to load.
 * Row `i` of an array of shape `(N, …)` in C order is the `byteLength / N` bytes at
 * `dataOffset + i * byteLength / N`.
 *
 * @param bytes - The file's first bytes: at least `dataOffset` of them. NumPy's headers end
 *   within the first 128 bytes for all but the longest shapes; the error for too few bytes
 *   says how many the header needs.
 * @throws TypeError if `bytes` is not a Uint8Array or an ArrayBuffer; RangeError if it is not
 *   an .npy file of numbers (bool, int, uint or float of 1 to 8 bytes), or ends inside the header.
 * @example
 * ```ts
 * const file = await fs.open('logits.npy');
 * const first = new Uint8Array(4096);
 * await file.read(first, 0, 4096, 0);
 * const { shape, dataOffset, byteLength } = readNpyHeader(first);  // shape [1000000, 10]
 * ```
 */
export function readNpyHeader(bytes: Uint8Array | ArrayBuffer): NpyHeader {
  return header(asBytes(bytes, 'readNpyHeader'), 'readNpyHeader: bytes');
}

/**
 * Reads an .npy file (NumPy's `np.save` format, versions 1.0 to 3.0) from its bytes, in Node
 * and in browsers. `data` is a typed array of the file's type: `Float32Array` for float32,
 * `BigInt64Array` for int64, `Uint8Array` of 0 and 1 for bool, and so on; float16 values come
 * as a `Float32Array` (each converted exactly). Big-endian and Fortran-order files are
 * converted; otherwise `data` is a view of `bytes` when its values are aligned (copy it with
 * `data.slice()` before reusing the buffer), else a copy.
 *
 * @param bytes - The whole file, e.g. `fs.readFileSync(path)` or `await (await fetch(url)).arrayBuffer()`.
 * @returns `{ data, shape, dtype }`: the values in C (row-major) order, NumPy's shape and dtype name.
 * @throws TypeError if `bytes` is not a Uint8Array or an ArrayBuffer; RangeError if it is not
 *   an .npy file of numbers, is truncated, or holds a bool other than 0 or 1.
 * @example
 * ```ts
 * const { data, shape, dtype } = readNpy(readFileSync('logits.npy'));  // Float32Array, [1000, 10], 'float32'
 * ```
 */
export function readNpy(bytes: Uint8Array | ArrayBuffer): NpyArray {
  const all = asBytes(bytes, 'readNpy');
  const subject = 'readNpy: bytes';
  const h = header(all, subject);
  const { dtype, itemBytes, dataOffset, byteLength, shape } = h;
  if (all.length < dataOffset + byteLength) {
    throw new RangeError(
      `${subject} is truncated: its header says shape (${shape.join(', ')}) ${dtype}, ${byteLength} bytes of values from byte ` +
        `${dataOffset}, but it has ${all.length} bytes`,
    );
  }
  let raw = all.subarray(dataOffset, dataOffset + byteLength);
  if (!h.littleEndian) raw = swapBytes(raw.slice(), itemBytes);
  else if (raw.byteOffset % itemBytes !== 0) raw = raw.slice();
  const count = byteLength / itemBytes;
  let data: Typed = new ARRAYS[dtype](raw.buffer as ArrayBuffer, raw.byteOffset, count);
  if (dtype === 'float16') data = halfToSingle(data as Uint16Array);
  if (h.fortranOrder && shape.length > 1) data = fortranToC(data, shape);
  if (dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) throw new RangeError(`${subject}: bool value ${bad} is ${(data as Uint8Array)[bad]}, not 0 or 1`);
  }
  return { data, shape, dtype } as NpyArray;
}

function asBytes(bytes: unknown, fn: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && bytes instanceof SharedArrayBuffer)) {
    return new Uint8Array(bytes);
  }
  const hint = ArrayBuffer.isView(bytes) ? ' (for another view, pass new Uint8Array(view.buffer, view.byteOffset, view.byteLength))' : '';
  throw new TypeError(`${fn}: bytes must be a Uint8Array or an ArrayBuffer holding an .npy file, got ${describe(bytes)}${hint}`);
}

function header(bytes: Uint8Array, subject: string): NpyHeader {
  const preamble = npyPreamble(bytes.subarray(0, 12), subject);
  const end = preamble.start + preamble.length;
  if (bytes.length < end) {
    throw new RangeError(`${subject} ends inside the .npy header: the header needs the first ${end} bytes, and there are ${bytes.length}`);
  }
  return parseNpyHeader(bytes.subarray(preamble.start, end), preamble, subject);
}

/** Reverses the bytes of each `itemBytes`-byte value, in place: big-endian to little-endian. */
export function swapBytes(bytes: Uint8Array, itemBytes: number): Uint8Array {
  for (let i = 0; i < bytes.length; i += itemBytes) {
    for (let a = i, b = i + itemBytes - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
  return bytes;
}

/** IEEE half-precision bit patterns as the float32 values they are (every one is exact in float32). */
export function halfToSingle(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] = exponent === 0 ? sign * fraction * 2 ** -24
      : exponent === 31 ? (fraction === 0 ? sign * Infinity : NaN)
        : sign * (1024 + fraction) * 2 ** (exponent - 25);
  }
  return out;
}

/** Values stored in Fortran (column-major) order, copied into C (row-major) order. */
function fortranToC<T extends Typed>(data: T, shape: number[]): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const rank = shape.length;
  const strides: number[] = [];
  for (let j = 0, s = 1; j < rank; s *= shape[j], j++) strides.push(s);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = data[from];
    // The next C-order index: the last axis moves fastest.
    for (let j = rank - 1; j >= 0; j--) {
      if (++index[j] < shape[j]) {
        from += strides[j];
        break;
      }
      from -= (shape[j] - 1) * strides[j];
      index[j] = 0;
    }
  }
  return out;
}
