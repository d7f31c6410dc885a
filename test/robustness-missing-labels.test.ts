// Issue 8 (robustness), item 1: a missing label (a hole, undefined, an array-like without the
// entry) and a yTrue whose length is not a valid length are errors naming the entry, in every
// mode and layout. Shared suite: runs in Node and in Chromium, so no node: imports.
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, binaryFocalLossGrad, focalLoss, focalLossGrad, focusedLoss } from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { expectError, expectWorking, rows, thrown, type Rows } from './robustness-helpers.js';

const hole = <T>(values: T[], at: number): T[] => {
  const copy = values.slice();
  delete copy[at];
  return copy;
};

describe('1. missing labels are TypeErrors naming yTrue[i]', () => {
  const three = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]];
  const predictions: Array<[string, () => Rows | ArrayLike<number>]> = [
    ['number[][]', () => three],
    ['Float64Array', () => Float64Array.from(three.flat())],
    ['Float32Array', () => Float32Array.from(three.flat())],
    ['Float64Array rows', () => three.map((r) => Float64Array.from(r))],
  ];
  const modes: Array<[string, Record<string, unknown>]> = [
    ['probabilities', {}],
    ['logits', { fromLogits: true }],
    ['labelSmoothing', { labelSmoothing: 0.1 }],
    ['labelSmoothing + logits', { labelSmoothing: 0.1, fromLogits: true }],
    ['probabilities, gamma 0.7, alpha', { gamma: 0.7, alpha: [1, 2, 3] }],
  ];
  const missing: Array<[string, () => unknown, number]> = [
    ['a hole', () => hole([0, 1, 2], 1), 1],
    ['undefined', () => [0, undefined, 2], 1],
    ['a hole at the end', () => hole([0, 1, 2], 2), 2],
    ['a hole first', () => hole([0, 1, 2], 0), 0],
    ['{length: 3}', () => ({ length: 3 }), 0],
    ['{length: 3, 0: 0, 2: 2}', () => ({ length: 3, 0: 0, 2: 2 }), 1],
  ];
  for (const backend of BACKENDS) {
    for (const [mode, options] of modes) {
      for (const [layout, yPred] of predictions) {
        for (const [what, yTrue, at] of missing) {
          it(`${backend}, ${mode}, ${layout}: ${what}`, () => {
            const name = new RegExp(`yTrue\\[${at}\\]`);
            expectError(() => focalLoss(yTrue() as never, yPred() as never, { ...options, backend }), TypeError, 'focalLoss', name, /missing|undefined/);
            expectError(() => focalLossGrad(yTrue() as never, yPred() as never, { ...options, backend }), TypeError, 'focalLossGrad', name, /missing|undefined/);
            expectError(() => focalLoss(yTrue() as never, yPred() as never, { ...options, backend, reduction: 'none' }), TypeError, 'focalLoss', name);
          });
        }
      }
    }
    it(`${backend}: focalLoss({length: 3}, rows) in the positional form`, () => {
      expectError(() => focalLoss({ length: 3 } as never, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), TypeError, 'focalLoss', /yTrue\[0\]/);
      expectError(() => focalLoss({ length: 3 } as never, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], 2, [1, 1]), TypeError, 'focalLoss', /yTrue\[0\]/);
      expectError(() => focusedLoss({ length: 3 } as never, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], { backend }), TypeError, 'focalLoss', /yTrue\[0\]/);
    });
    it(`${backend}: binaryFocalLoss with a missing target names yTrue[i]`, () => {
      expectError(() => binaryFocalLoss(hole([0, 1, 1], 1), [0.2, 0.3, 0.4], { backend }), TypeError, 'binaryFocalLoss', /yTrue\[1\]/);
      expectError(() => binaryFocalLossGrad([[0, 1], hole([1, 1], 0)], [[0.2, 0.3], [0.4, 0.5]], { backend }), TypeError, 'binaryFocalLossGrad', /yTrue\[1\]\[0\]/);
    });
    it(`${backend}: a hole whose label would have been ignored is still an error (ignoreIndex is a number, not undefined)`, () => {
      expectError(() => focalLoss(hole([0, 1, 2], 1), three, { backend, ignoreIndex: -100 }), TypeError, 'focalLoss', /yTrue\[1\]/);
    });
    it(`${backend}: a missing label is an error past the first chunk too`, () => {
      const n = 10_000;
      const yTrue: number[] = new Array(n).fill(1);
      delete yTrue[9_001];
      const yPred = Float64Array.from({ length: 2 * n }, () => 0.5);
      expectError(() => focalLoss(yTrue, yPred, { backend }), TypeError, 'focalLoss', /yTrue\[9001\]/);
      expectError(() => focalLoss(yTrue, yPred, { backend, fromLogits: true }), TypeError, 'focalLoss', /yTrue\[9001\]/);
      expectWorking();
    });
  }

  const badLengths: Array<[string, number]> = [
    ['negative', -1], ['-3', -3], ['fractional', 1.5], ['0.5', 0.5], ['2^53', 2 ** 53], ['2^53 + 2', 2 ** 53 + 2], ['1e300', 1e300],
    ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
  ];
  for (const backend of BACKENDS) {
    for (const [what, length] of badLengths) {
      it(`${backend}: a yTrue whose length is ${what} is an error naming yTrue's length`, () => {
        for (const call of [
          () => focalLoss({ length } as never, rows, { backend }),
          () => focalLoss({ length } as never, Float64Array.from(rows.flat()), { backend, fromLogits: true }),
        ]) {
          const error = thrown(call);
          expect([TypeError, RangeError]).toContain(error.constructor);
          expect(error.message).toMatch(/^focalLoss: yTrue/);
          expect(error.message).toMatch(/length/);
        }
        const error = thrown(() => binaryFocalLoss({ length } as never, [0.5], { backend }));
        expect(error.message).toMatch(/^binaryFocalLoss: yTrue/);
        expect(error.message).toMatch(/length/);
        const predError = thrown(() => focalLoss([0], { length } as never, { backend }));
        expect(predError.message).toMatch(/^focalLoss: yPred/);
      });
    }
  }
});
