import { describe, expect, it } from 'vitest';
import { focalLoss } from '../src/index.js';
import { BACKENDS } from './helpers.js';

const rows = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]];
const labels = [0, 1];
const good = (-(0.3 ** 2) * Math.log(0.7) - 0.2 ** 2 * Math.log(0.8)) / 2;

type Backend = { backend: 'wasm' | 'js' };
type Call = (b: Backend) => unknown;

// Each bad call: the error class and fragments its message must contain.
const bad: Array<[string, Call, typeof TypeError | typeof RangeError, RegExp[]]> = [
  ['yTrue null', (b) => focalLoss(null as never, rows, b), TypeError, [/yTrue/, /null/]],
  ['yTrue a string', (b) => focalLoss('01' as never, rows, b), TypeError, [/yTrue/, /string/]],
  ['yPred a number', (b) => focalLoss(labels, 3 as never, b), TypeError, [/yPred/, /number 3/]],
  ['yPred undefined', (b) => focalLoss(labels, undefined as never, b), TypeError, [/yPred/]],
  ['empty batch', (b) => focalLoss([], [], b), RangeError, [/empty batch/]],
  ['rows vs labels', (b) => focalLoss([0, 1, 2], rows, b), RangeError, [/2 rows/, /3 labels/]],
  ['flat not a multiple', (b) => focalLoss([0, 1], new Float64Array(5), b), RangeError, [/length 5/, /2 labels/]],
  ['ragged rows', (b) => focalLoss([0, 1], [[0.5, 0.5], [0.2, 0.3, 0.5]], b), RangeError, [/row 1/, /length 3/, /expected 2/]],
  ['a row that is not an array', (b) => focalLoss([0, 1], [[0.5, 0.5], 7 as never], b), TypeError, [/yPred\[1\]/, /number 7/]],
  ['label out of range', (b) => focalLoss([0, 3], rows, b), RangeError, [/yTrue\[1\] = 3/, /\[0, 3\)/]],
  ['negative label', (b) => focalLoss([-1, 0], rows, b), RangeError, [/yTrue\[0\] = -1/]],
  ['fractional label', (b) => focalLoss([0, 1.5], rows, b), RangeError, [/yTrue\[1\] = 1.5/]],
  ['NaN label', (b) => focalLoss([NaN, 0], rows, b), RangeError, [/yTrue\[0\] = NaN/]],
  ['string label', (b) => focalLoss(['1', 0] as never, rows, b), TypeError, [/yTrue\[0\] = "1"/]],
  ['p_t is NaN', (b) => focalLoss(labels, [[NaN, 0.5, 0.5], [0.1, 0.8, 0.1]], b), RangeError, [/yPred\[0\]\[0\] = NaN/]],
  ['p_t above 1', (b) => focalLoss(labels, [[0.5, 0.5, 0], [0.1, 2.5, 0.1]], b), RangeError, [/yPred\[1\]\[1\] = 2.5/, /fromLogits/]],
  ['p_t below 0 (flat)', (b) => focalLoss(labels, Float64Array.of(0.5, 0.5, 0, 0.1, -0.25, 0.1), b), RangeError, [/yPred\[4\]/, /sample 1, class 1/, /-0.25/, /fromLogits/]],
  ['typed labels out of range', (b) => focalLoss(Int32Array.of(0, 3), Float64Array.of(0.7, 0.2, 0.1, 0.1, 0.8, 0.1), b), RangeError, [/yTrue\[1\] = 3/]],
  ['typed labels, p_t NaN', (b) => focalLoss(Uint8Array.of(0, 1), Float32Array.of(0.7, 0.2, 0.1, 0.1, NaN, 0.1), b), RangeError, [/yPred\[4\] \(sample 1, class 1\) = NaN/]],
  ['p_t a string', (b) => focalLoss(labels, [['0.5', 0.5, 0], [0.1, 0.8, 0.1]] as never, b), TypeError, [/yPred\[0\]\[0\] = "0.5"/]],
  ['logit NaN', (b) => focalLoss(labels, [[1, 2, 3], [4, NaN, 6]], { ...b, fromLogits: true }), RangeError, [/yPred\[1\]\[1\] = NaN/, /sample 1/]],
  ['logit +Infinity (flat)', (b) => focalLoss(labels, Float32Array.of(1, 2, 3, Infinity, 5, 6), { ...b, fromLogits: true }), RangeError, [/yPred\[3\]/, /sample 1, class 0/, /Infinity/]],
  ['logit row all -Infinity', (b) => focalLoss(labels, [[1, 2, 3], [-Infinity, -Infinity, -Infinity]], { ...b, fromLogits: true }), RangeError, [/sample 1/, /-Infinity/]],
  ['logit a string', (b) => focalLoss(labels, [[1, 'x', 3], [4, 5, 6]] as never, { ...b, fromLogits: true }), TypeError, [/yPred\[0\]\[1\] = "x"/]],
  ['alpha wrong length', (b) => focalLoss(labels, rows, { ...b, gamma: 2, alpha: [1, 2] }), RangeError, [/alpha/, /2 weights/, /3 classes/]],
  ['alpha negative', (b) => focalLoss(labels, rows, { ...b, gamma: 2, alpha: [1, -2, 1] }), RangeError, [/alpha\[1\] = -2/]],
  ['alpha NaN', (b) => focalLoss(labels, rows, { ...b, gamma: 2, alpha: NaN }), RangeError, [/alpha/, /NaN/]],
  ['alpha Infinity entry', (b) => focalLoss(labels, rows, { ...b, gamma: 2, alpha: [1, 1, Infinity] }), RangeError, [/alpha\[2\] = Infinity/]],
  ['alpha a string', (b) => focalLoss(labels, rows, { ...b, gamma: 2, alpha: 'x' as never }), TypeError, [/alpha/]],
  ['gamma negative', (b) => focalLoss(labels, rows, { ...b, gamma: -1 }), RangeError, [/gamma/, /-1/]],
  ['gamma NaN', (b) => focalLoss(labels, rows, { ...b, gamma: NaN }), RangeError, [/gamma/, /NaN/]],
  ['gamma Infinity', (b) => focalLoss(labels, rows, { ...b, gamma: Infinity }), RangeError, [/gamma/, /Infinity/]],
  ['gamma a string', (b) => focalLoss(labels, rows, { ...b, gamma: '2' as never }), TypeError, [/gamma/]],
  ['unknown reduction', (b) => focalLoss(labels, rows, { ...b, reduction: 'avg' as never }), RangeError, [/reduction/, /"avg"/]],
  ['unknown backend', (b) => focalLoss(labels, rows, { ...b, backend: 'gpu' as never }), RangeError, [/backend/, /"gpu"/]],
  ['epsilon 0.5', (b) => focalLoss(labels, rows, { ...b, epsilon: 0.5 }), RangeError, [/epsilon/, /0.5/]],
  ['epsilon negative', (b) => focalLoss(labels, rows, { ...b, epsilon: -1e-7 }), RangeError, [/epsilon/]],
  ['epsilon unknown word', (b) => focalLoss(labels, rows, { ...b, epsilon: 'machine' as never }), RangeError, [/epsilon/, /"machine"/]],
  ['ignoreIndex fractional', (b) => focalLoss(labels, rows, { ...b, ignoreIndex: 0.5 }), RangeError, [/ignoreIndex/]],
  ['fromLogits not boolean', (b) => focalLoss(labels, rows, { ...b, fromLogits: 1 as never }), TypeError, [/fromLogits/]],
  ['unknown option', (b) => focalLoss(labels, rows, { ...b, gama: 2 } as never), TypeError, [/"gama"/]],
  ['third argument a string', () => focalLoss(labels, rows, 'mean' as never), TypeError, [/third argument/]],
];

describe('bad input gets a clear error, then the next call works', () => {
  for (const backend of BACKENDS) {
    for (const [name, call, kind, fragments] of bad) {
      it(`${backend}: ${name}`, () => {
        let thrown: unknown;
        try {
          call({ backend });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(kind);
        for (const fragment of fragments) expect((thrown as Error).message).toMatch(fragment);
        expect(Math.abs(focalLoss(labels, rows, { backend }) - good)).toBeLessThanOrEqual(1e-15);
        expect(Math.abs(focalLoss(labels, Float32Array.of(0, 1, 0, 1, 0, 0), { backend, fromLogits: true }))).toBeGreaterThan(0);
      });
    }
  }

  it('an error mid-batch (past the first chunk) leaves the library usable', () => {
    const n = 30_000;
    const yPred = new Float64Array(n * 2).fill(0.5);
    yPred[2 * 25_000 + 1] = 1.5;
    const yTrue = new Uint8Array(n).fill(1);
    for (const backend of BACKENDS) {
      expect(() => focalLoss(yTrue, yPred, { backend })).toThrow(/sample 25000, class 1/);
      expect(focalLoss(yTrue, new Float64Array(n * 2).fill(0.5), { backend, reduction: 'sum' })).toBeCloseTo(
        n * 0.25 * Math.LN2,
        9,
      );
    }
  });
});


describe('the positional form checks its arguments too', () => {
  it('gamma and alpha', () => {
    expect(() => focalLoss(labels, rows, -1)).toThrow(RangeError);
    expect(() => focalLoss(labels, rows, 2, [1, 2])).toThrow(/alpha has 2 weights/);
    expect(() => focalLoss(labels, rows, { gamma: 1 } as never, 0.5 as never)).toThrow(TypeError);
    expect(focalLoss(labels, rows, 2)).toBeCloseTo(good, 15);
  });
});
