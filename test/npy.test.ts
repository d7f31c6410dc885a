// readNpy and readNpyHeader (issue 21), in Node and in Chromium: files NumPy wrote
// (test/fixtures/generate-npy.py: every dtype, ranks 0 to 5, C and Fortran order, both byte
// orders, format versions 1.0 to 3.0) read back to the values NumPy wrote; and what must be
// refused, with bytes made here.
import { describe, expect, it } from 'vitest';
import { readNpy, readNpyHeader, type NpyDtype } from '../src/index.js';
import fixtures from './fixtures/npy.json' with { type: 'json' };

interface Case {
  name: string;
  bytes: string;
  dtype: NpyDtype;
  shape: number[];
  fortranOrder: boolean;
  littleEndian: boolean;
  version: string;
  itemBytes: number;
  dataOffset: number;
  byteLength: number;
  values: string[];
}

const cases = fixtures.cases as Case[];

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The typed array each dtype comes as. */
const ARRAYS: Record<NpyDtype, string> = {
  bool: 'Uint8Array', int8: 'Int8Array', int16: 'Int16Array', int32: 'Int32Array', int64: 'BigInt64Array', uint8: 'Uint8Array',
  uint16: 'Uint16Array', uint32: 'Uint32Array', uint64: 'BigUint64Array', float16: 'Float32Array', float32: 'Float32Array',
  float64: 'Float64Array',
};

/** A value as NumPy wrote it (repr of a float, digits of an integer), as the typed array holds it. */
function expected(text: string, dtype: NpyDtype): number | bigint {
  if (dtype === 'int64' || dtype === 'uint64') return BigInt(text);
  return text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
}

/** An .npy file's bytes, made here: format 1.0, this header text, then the data. */
function npy(header: string, data: ArrayLike<number> = []): Uint8Array {
  const padded = `${header}${' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  out.set(Array.from(padded, (c) => c.charCodeAt(0)), 10);
  out.set(data, 10 + padded.length);
  return out;
}

describe('readNpy on files NumPy wrote', () => {
  it(`covers every dtype, ranks 0 to 5, both orders, both byte orders and versions 1.0 to 3.0 (${cases.length} files)`, () => {
    expect(new Set(cases.map((c) => c.dtype)).size).toBe(12);
    expect(new Set(cases.map((c) => c.shape.length))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(new Set(cases.map((c) => c.version))).toEqual(new Set(['1.0', '2.0', '3.0']));
    expect(cases.some((c) => c.fortranOrder) && cases.some((c) => !c.littleEndian)).toBe(true);
  });

  for (const c of cases) {
    it(c.name, () => {
      const { data, shape, dtype } = readNpy(bytesOf(c.bytes));
      expect(dtype).toBe(c.dtype);
      expect(shape).toEqual(c.shape);
      expect(data.constructor.name).toBe(ARRAYS[c.dtype]);
      expect(data.length).toBe(c.values.length);
      c.values.forEach((text, i) => {
        const want = expected(text, c.dtype);
        const got = data[i];
        if (typeof want === 'number' && Number.isNaN(want)) expect(Number.isNaN(got as number), `${i}`).toBe(true);
        else expect(Object.is(got, want), `[${i}] = ${String(got)}, NumPy wrote ${text}`).toBe(true);
      });
    });
  }

  it('reads the header alone, from the first bytes of the file', () => {
    for (const c of cases) {
      const bytes = bytesOf(c.bytes);
      const header = readNpyHeader(bytes.slice(0, c.dataOffset).buffer);
      expect(header, c.name).toEqual({
        dtype: c.dtype, shape: c.shape, fortranOrder: c.fortranOrder, littleEndian: c.littleEndian,
        itemBytes: c.itemBytes, dataOffset: c.dataOffset, byteLength: c.byteLength, version: c.version,
      });
      // A range of rows, read as the header says: row i of (N, …) is byteLength / N bytes at dataOffset + i · byteLength / N.
      if (c.shape.length >= 2 && !c.fortranOrder && c.littleEndian && c.shape[0] > 1 && c.dtype === 'float64') {
        const rowBytes = header.byteLength / c.shape[0];
        const row = new Float64Array(bytes.slice(header.dataOffset + rowBytes, header.dataOffset + 2 * rowBytes).buffer);
        expect(Array.from(row)).toEqual(c.values.slice(row.length, 2 * row.length).map(Number));
      }
    }
  });

  it('returns a view of the bytes when the values are aligned and little-endian, a copy otherwise', () => {
    const c = cases.find((x) => x.dtype === 'float64' && x.littleEndian && !x.fortranOrder && x.shape.length === 2)!;
    const bytes = bytesOf(c.bytes);
    expect(readNpy(bytes).data.buffer).toBe(bytes.buffer);
    // One byte off: not aligned for float64, so copied, and the values are still right.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const copy = readNpy(shifted.subarray(1));
    expect(copy.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(copy.data as Float64Array)).toEqual(c.values.map(Number));
  });
});

describe('readNpy refuses what is not an .npy file of numbers', () => {
  const f8 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  const two = new Uint8Array(new Float64Array([0.25, 0.5]).buffer);

  it('TypeError for an argument that is not bytes', () => {
    for (const value of [undefined, null, 3, 'x.npy', [1, 2], {}]) {
      expect(() => readNpy(value as never)).toThrow(TypeError);
      expect(() => readNpy(value as never)).toThrow(/^readNpy: bytes must be a Uint8Array or an ArrayBuffer holding an \.npy file, got /);
    }
    expect(() => readNpyHeader(new Int16Array(4) as never)).toThrow(/^readNpyHeader: bytes must be .*got a Int16Array of length 4 \(for another view, pass new Uint8Array\(view\.buffer/);
  });

  it('RangeError naming the problem: magic, version, truncation, header, dtype, bool values', () => {
    const refused: Array<[Uint8Array, RegExp]> = [
      [new TextEncoder().encode('label,p0\n0,1\n'), /^readNpy: bytes is not a NumPy \.npy file \(it does not start with the magic "\\x93NUMPY"\)$/],
      [Uint8Array.from([...npy(f8, two)].map((b, i) => (i === 6 ? 4 : b))), /\.npy format version 4\.0 is not supported \(1\.0, 2\.0 and 3\.0 are\)/],
      [npy(f8, two).subarray(0, 40), /^readNpy: bytes ends inside the \.npy header: the header needs the first 128 bytes, and there are 40$/],
      [npy(f8, two.subarray(0, 12)), /^readNpy: bytes is truncated: its header says shape \(2\) float64, 16 bytes of values from byte 128, but it has 140 bytes$/],
      [npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", two), /keys are "descr,fortran_order,shape,x", not NumPy's/],
      [npy("{'__proto__': {'descr': '<f8', 'fortran_order': False, 'shape': (2,)}}", two), /keys are "__proto__", not NumPy's/],
      [npy(`{'descr': ${'['.repeat(100)}`, two), /nested more than 16 deep/],
      [npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", two), /dtype "<c16" is not supported: expected a little- or big-endian bool, int, uint or float/],
      [npy("{'descr': '=f8', 'fortran_order': False, 'shape': (2,), }", two), /dtype "=f8" is not supported/],
      [npy("{'descr': '<f8', 'fortran_order': 1, 'shape': (2,), }", two), /shape is not a tuple of sizes, or its fortran_order not True or False/],
      [npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", two), /shape is not a tuple of sizes/],
      [npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999, 99999999, 9999), }", two), /shape \(99999999, 99999999, 9999\) is too large/],
      [npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [1, 0, 2]), /^readNpy: bytes: bool value 2 is 2, not 0 or 1$/],
    ];
    for (const [bytes, message] of refused) {
      expect(() => readNpy(bytes), String(message)).toThrow(RangeError);
      expect(() => readNpy(bytes), String(message)).toThrow(message);
    }
    // After any of these, a good file reads.
    expect(Array.from(readNpy(npy(f8, two)).data as Float64Array)).toEqual([0.25, 0.5]);
  });
});
