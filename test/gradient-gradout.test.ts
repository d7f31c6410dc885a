// gradOut, the buffer a gradient is written into: a view into a larger buffer is written in
// place and its neighbours left alone; a wrong length is a RangeError and a wrong type a
// TypeError, both naming gradOut. Expected gradients from mpmath
// (test/fixtures/generate-gradients.py, through test/gradient-helpers.ts).
import { describe, expect, it } from 'vitest';
import { cases, GRAD, gradErrors, isRows, reductionOf } from './gradient-helpers.js';
import { BACKENDS } from './helpers.js';

describe('gradOut', () => {
  const focalCase = cases.find((c) => c.fn === 'focalLoss' && !c.dtype && reductionOf(c.options) === 'mean')!;
  const binaryCase = cases.find((c) => c.fn === 'binaryFocalLoss' && !c.dtype && isRows(c.yPred))!;

  for (const backend of BACKENDS) {
    for (const c of [focalCase, binaryCase]) {
      const size = c.shape[0] * c.shape[1];
      const options = { ...c.options, backend };
      const call = (gradOut: unknown) => GRAD[c.fn](c.yTrue, c.yPred, { ...options, gradOut });

      it(`${backend}, ${c.fn}: a view into a larger buffer is written in place, its neighbours untouched`, () => {
        for (const Ctor of [Float64Array, Float32Array]) {
          const buffer = new Ctor(size + 5).fill(7);
          const view = buffer.subarray(2, 2 + size);
          expect(call(view).grad).toBe(view);
          expect(gradErrors(view, c, Ctor === Float32Array)).toEqual([]);
          expect([buffer[0], buffer[1], buffer[size + 2], buffer[size + 3], buffer[size + 4]]).toEqual([7, 7, 7, 7, 7]);
        }
      });

      it(`${backend}, ${c.fn}: a gradOut of the wrong length is a RangeError naming gradOut`, () => {
        for (const out of [new Float64Array(size - 1), new Float64Array(size + 1), new Float32Array(size + 1), new Float64Array(0)]) {
          expect(() => call(out), `${out.constructor.name}(${out.length})`).toThrow(RangeError);
          expect(() => call(out)).toThrow(/gradOut/);
        }
      });

      it(`${backend}, ${c.fn}: a gradOut that is not a Float64Array or Float32Array is a TypeError naming gradOut`, () => {
        const wrong: Array<[string, unknown]> = [
          ['number[]', new Array<number>(size).fill(0)],
          ['Int32Array', new Int32Array(size)],
          ['Uint8Array', new Uint8Array(size * 8)],
          ['BigInt64Array', new BigInt64Array(size)],
          ['ArrayBuffer', new ArrayBuffer(size * 8)],
          ['DataView', new DataView(new ArrayBuffer(size * 8))],
          ['array-like object', { length: size }],
          ['number', size],
          ['string', 'gradOut'],
          ['null', null],
        ];
        for (const [name, out] of wrong) {
          expect(() => call(out), name).toThrow(TypeError);
          expect(() => call(out), name).toThrow(/gradOut/);
        }
        // The library works normally after the errors.
        expect(gradErrors(GRAD[c.fn](c.yTrue, c.yPred, options).grad, c)).toEqual([]);
      });
    }
  }
});
