// focal-loss-wasm/tfjs's checks: inputs at the call (shapes, empty and disposed tensors, bad
// values, wrong types; what is accepted: clamped probabilities, one-hot rows of any dtype,
// ignoreIndex) on tfjs' cpu and wasm backends, and options when the loss is created.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tfBinaryFocalLoss, tfFocalLoss, type TfBinaryFocalLossOptions, type TfFocalLossOptions } from '../../src/tfjs.js';
import { expectTensorClose } from '../tfjs-reference.js';
import { forEachBackend } from './tfjs-helpers.js';

forEachBackend(() => {
  describe('inputs checked at the call', () => {
    const loss = tfFocalLoss();
    const p = () => tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]);

    it('shapes that do not fit are a RangeError giving both shapes', () => {
      tf.tidy(() => {
        expect(() => loss(tf.tensor2d([[1, 0], [0, 1]]), p())).toThrow(RangeError);
        expect(() => loss(tf.tensor2d([[1, 0], [0, 1]]), p())).toThrow(/yTrue has shape \[2, 2\] but yPred has shape \[2, 3\]/);
        expect(() => loss(tf.tensor1d([0, 1, 2], 'int32'), p())).toThrow(RangeError);
        expect(() => loss(tf.tensor1d([0]), tf.tensor1d([0.5]))).toThrow(/yPred must have shape \[N, C\]/);
        expect(() => tfBinaryFocalLoss()(tf.tensor1d([0, 1]), tf.tensor1d([0.5, 0.5, 0.5]))).toThrow(RangeError);
        expect(() => tfFocalLoss({ classes: 4 })(tf.tensor1d([0, 1], 'int32'), p())).toThrow(/classes is 4/);
      });
    });

    it('a yTrue of no fitting shape gets the shapes that would fit, written as shapes (issue 16, item 12)', () => {
      tf.tidy(() => {
        expect(() => loss(tf.tensor1d([0, 1, 2, 0, 1]), p())).toThrow(
          /^tfFocalLoss: yTrue has shape \[5\] but yPred has shape \[2, 3\]; expected \[2, 3\] \(one-hot or soft target rows\), or \[2\] or \[2, 1\] \(class indices\)$/,
        );
        expect(() => loss(tf.zeros([4, 2, 2]), tf.zeros([4, 2, 3]))).toThrow(/expected \[4, 2, 3\] \(one-hot or soft target rows\), or \[4, 2\] or \[4, 2, 1\] \(class indices\)$/);
      });
    });

    it('a yPred with a dimension of 0 says so, naming no option the caller did not pass (issue 16, item 20)', () => {
      tf.tidy(() => {
        const empty = (call: () => unknown, fn: string, shape: string, what: string) => {
          expect(call).toThrow(RangeError);
          expect(call).toThrow(`${fn}: yPred has shape ${shape}, which holds no values: a batch needs at least ${what}`);
        };
        empty(() => loss(tf.zeros([2]), tf.zeros([2, 0])), 'tfFocalLoss', '[2, 0]', 'one sample and one class');
        empty(() => loss(tf.zeros([2, 0]), tf.zeros([2, 0])), 'tfFocalLoss', '[2, 0]', 'one sample and one class');
        empty(() => loss(tf.zeros([0], 'int32'), tf.zeros([0, 3])), 'tfFocalLoss', '[0, 3]', 'one sample and one class');
        empty(() => tfBinaryFocalLoss()(tf.zeros([2, 0]), tf.zeros([2, 0])), 'tfBinaryFocalLoss', '[2, 0]', 'one element');
        empty(() => tfBinaryFocalLoss()(tf.zeros([0]), tf.zeros([0])), 'tfBinaryFocalLoss', '[0]', 'one element');
      });
    });

    it('a disposed tensor is a TypeError naming the argument (not TF.js\' own "Tensor is disposed.")', () => {
      const disposed = (t: tf.Tensor) => {
        t.dispose();
        return t;
      };
      const cases: Array<[string, string, () => unknown]> = [
        ['tfFocalLoss', 'yPred', () => loss(tf.tensor1d([0, 1], 'int32'), disposed(p()))],
        ['tfFocalLoss', 'yTrue', () => loss(disposed(tf.tensor1d([0, 1], 'int32')), p())],
        ['tfBinaryFocalLoss', 'yTrue', () => tfBinaryFocalLoss()(disposed(tf.tensor1d([0, 1])), tf.tensor1d([0.5, 0.5]))],
        ['tfBinaryFocalLoss', 'yPred', () => tfBinaryFocalLoss()(tf.tensor1d([0, 1]), disposed(tf.tensor1d([0.5, 0.5])))],
      ];
      for (const [fn, name, call] of cases) {
        tf.tidy(() => {
          expect(call, `${fn} ${name}`).toThrow(TypeError);
          expect(call, `${fn} ${name}`).toThrow(new RegExp(`^${fn}: ${name} is a disposed tensor`));
        });
      }
      // Nothing was left behind, and the loss works after.
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        expect(Number.isFinite(loss(tf.tensor1d([0, 1], 'int32'), p()).dataSync()[0])).toBe(true);
      });
      expect(tf.memory().numTensors).toBe(before);
    });

    it('bad values are the array API\'s RangeErrors, named after the adapter', () => {
      tf.tidy(() => {
        expect(() => loss(tf.tensor1d([0, 3], 'int32'), p())).toThrow(/^tfFocalLoss: yTrue\[1\] = 3 is not a class index/);
        expect(() => loss(tf.tensor1d([0, 1.5]), p())).toThrow(RangeError);
        expect(() => loss(tf.tensor1d([0, 1], 'int32'), tf.tensor2d([[2, -1, 0], [0, 1, 0]]))).toThrow(/fromLogits/);
        expect(() => tfFocalLoss({ alpha: [1, 2] })(tf.tensor1d([0, 1], 'int32'), p())).toThrow(/^tfFocalLoss: alpha has 2 weights/);
        expect(() => tfFocalLoss({ ignoreIndex: -1 })(tf.tensor2d([[1, 0, 0], [0, 1, 0]]), p())).toThrow(RangeError);
        expect(() => tfBinaryFocalLoss()(tf.tensor1d([0, 2]), tf.tensor1d([0.5, 0.5]))).toThrow(/^tfBinaryFocalLoss: yTrue\[1\] = 2/);
      });
    });

    it('wrong types are TypeErrors', () => {
      tf.tidy(() => {
        expect(() => loss([0, 1] as never, p())).toThrow(TypeError);
        expect(() => loss(tf.tensor1d([0, 1], 'int32'), { dataSync: () => [0.5], shape: [1] } as never)).toThrow(/another copy/);
        expect(() => loss(tf.tensor1d([0, 1], 'int32'), tf.tensor2d([[1, 0], [0, 1]], [2, 2], 'int32'))).toThrow(/yPred must be a float32 tensor/);
        expect(() => loss(tf.tensor1d(['a', 'b']), p())).toThrow(TypeError);
      });
    });

    it('probabilities a float32 softmax rounded just past 1 or 0 are clamped, not rejected', () => {
      tf.tidy(() => {
        const yTrue = tf.tensor1d([0, 1], 'int32');
        const over = tf.tensor2d([[1.0000001, 0, -1e-7], [0.2, 0.8, 0]]);
        const exact = tf.tensor2d([[1, 0, 0], [0.2, 0.8, 0]]);
        expectTensorClose(loss(yTrue, over), loss(yTrue, exact), 'loss');
        expectTensorClose(tf.grad((q: tf.Tensor) => loss(yTrue, q))(over), tf.grad((q: tf.Tensor) => loss(yTrue, q))(exact), 'gradient');
        expect(over.dataSync()[0]).toBe(Math.fround(1.0000001));
      });
    });

    it('one-hot rows may be float32, int32 or bool', () => {
      tf.tidy(() => {
        const rows = [[1, 0, 0], [0, 0, 1]];
        const want = loss(tf.tensor2d(rows), p()).dataSync()[0];
        expect(loss(tf.tensor2d(rows, [2, 3], 'int32'), p()).dataSync()[0]).toBe(want);
        expect(loss(tf.tensor2d(rows, [2, 3], 'bool'), p()).dataSync()[0]).toBe(want);
        expect(loss(tf.tensor1d([0, 2], 'int32'), p()).dataSync()[0]).toBe(want);
      });
    });

    it('ignoreIndex leaves samples out of the mean', () => {
      tf.tidy(() => {
        const withIgnored = tfFocalLoss({ ignoreIndex: -1 })(tf.tensor1d([0, -1], 'int32'), p());
        const alone = loss(tf.tensor1d([0], 'int32'), tf.tensor2d([[0.7, 0.2, 0.1]]));
        expectTensorClose(withIgnored, alone, 'loss');
        const g = tf.grad((q: tf.Tensor) => tfFocalLoss({ ignoreIndex: -1 })(tf.tensor1d([0, -1], 'int32'), q))(p());
        expect(Array.from(g.dataSync()).slice(3)).toEqual([0, 0, 0]);
      });
    });
  });
});

describe('options are checked when the loss is created', () => {
  const focal: Array<[unknown, ErrorConstructor, RegExp]> = [
    [{ gamma: -1 }, RangeError, /^tfFocalLoss: gamma/],
    [{ gamma: NaN }, RangeError, /gamma/],
    [{ gamma: '2' }, TypeError, /gamma/],
    [{ alpha: -0.5 }, RangeError, /alpha/],
    [{ alpha: [1, NaN] }, RangeError, /alpha\[1\]/],
    [{ alpha: 'x' }, TypeError, /alpha/],
    [{ alpha: [1, 2], classes: 3 }, RangeError, /alpha has 2 weights but classes is 3/],
    [{ fromLogits: 'yes' }, TypeError, /fromLogits/],
    [{ epsilon: 0.5 }, RangeError, /epsilon/],
    [{ labelSmoothing: 1.5 }, RangeError, /labelSmoothing/],
    [{ reduction: 'none' }, RangeError, /reduction must be "mean" or "sum"/],
    [{ reduction: 'weightedMean' }, RangeError, /reduction/],
    [{ reduction: 1 }, TypeError, /reduction/],
    [{ ignoreIndex: 0.5 }, RangeError, /ignoreIndex/],
    [{ classes: 0 }, RangeError, /classes/],
    [{ backend: 'gpu' }, RangeError, /backend/],
    [{ sampleWeight: [1, 2] }, TypeError, /option "sampleWeight" is not supported/],
    [{ gradOut: new Float32Array(3) }, TypeError, /gradOut/],
    [{ normalizer: 2 }, TypeError, /normalizer/],
    [{ gama: 2 }, TypeError, /unknown option "gama" \(did you mean "gamma"\?\)/],
    [[2], TypeError, /options must be an object/],
    [2, TypeError, /options must be an object/],
  ];
  for (const [options, type, message] of focal) {
    it(`tfFocalLoss(${JSON.stringify(options)}) throws a ${type.name}`, () => {
      expect(() => tfFocalLoss(options as TfFocalLossOptions)).toThrow(type);
      expect(() => tfFocalLoss(options as TfFocalLossOptions)).toThrow(message);
    });
  }

  const binary: Array<[unknown, ErrorConstructor, RegExp]> = [
    [{ alpha: 1.5 }, RangeError, /^tfBinaryFocalLoss: alpha must be in \[0, 1\]/],
    [{ alpha: [0.25] }, TypeError, /alpha/],
    [{ gamma: Infinity }, RangeError, /gamma/],
    [{ reduction: 'none' }, RangeError, /reduction/],
    [{ classes: 0 }, RangeError, /classes must be a positive integer/],
    [{ ignoreIndex: 1 }, TypeError, /unknown option "ignoreIndex"/],
    [{ sampleWeight: [1] }, TypeError, /sampleWeight/],
  ];
  for (const [options, type, message] of binary) {
    it(`tfBinaryFocalLoss(${JSON.stringify(options)}) throws a ${type.name}`, () => {
      expect(() => tfBinaryFocalLoss(options as TfBinaryFocalLossOptions)).toThrow(type);
      expect(() => tfBinaryFocalLoss(options as TfBinaryFocalLossOptions)).toThrow(message);
    });
  }

  it('keeps the options it was created with', () => {
    const options: TfFocalLossOptions = { gamma: 0 };
    const loss = tfFocalLoss(options);
    options.gamma = 5;
    const value = tf.tidy(() => loss(tf.tensor1d([0], 'int32'), tf.tensor2d([[0.5, 0.5]])).dataSync()[0]);
    expect(value).toBeCloseTo(Math.log(2), 6);
  });
});
