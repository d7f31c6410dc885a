import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, focalLoss } from '../src/index.js';
import { BACKENDS, denseCases, expectClose, expectWeightedReductions, keras } from './helpers.js';

describe('focalLoss with target rows, label smoothing and sample weights', () => {
  for (const c of denseCases) {
    for (const backend of BACKENDS) {
      for (const layout of ['rows', 'Float64Array', 'Float32Array'] as const) {
        it(`${c.name}, ${backend}, ${layout}`, () => {
          const rows = c.yPred as number[][];
          const yPred = layout === 'rows' ? rows : layout === 'Float64Array' ? Float64Array.from(rows.flat()) : Float32Array.from(rows.flat());
          expectWeightedReductions((o) => focalLoss(c.yTrue as number[], yPred, o), c, backend);
        });
      }
    }
  }

  it("reproduces Keras' CategoricalFocalCrossentropy docstring example (0.23315)", () => {
    const yTrue = [[0, 1, 0], [0, 0, 1]];
    const yPred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
    for (const backend of BACKENDS) {
      const loss = focalLoss(yTrue, yPred, { alpha: 0.25, gamma: 2, backend });
      expectClose(loss, keras.categorical);
      expect(loss).toBeCloseTo(0.23315, 5);
    }
  });

  it('one-hot rows give the same loss as class indices', () => {
    const yPred = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4], [0.05, 0.9, 0.05]];
    const labels = [0, 2, 1];
    const oneHot = labels.map((t) => [0, 1, 2].map((c) => (c === t ? 1 : 0)));
    for (const fromLogits of [false, true]) {
      const a = focalLoss(labels, yPred, { fromLogits, alpha: [1, 2, 3], reduction: 'none' });
      const b = focalLoss(oneHot, yPred, { fromLogits, alpha: [1, 2, 3], reduction: 'none' });
      a.forEach((v, i) => expectClose(b[i], v));
    }
  });

  it('smoothing s = 0 changes nothing; labels and their one-hot rows smooth alike', () => {
    const yPred = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]];
    expect(focalLoss([0, 2], yPred, { labelSmoothing: 0 })).toBe(focalLoss([0, 2], yPred));
    expectClose(
      focalLoss([0, 2], yPred, { labelSmoothing: 0.3 }),
      focalLoss([[1, 0, 0], [0, 0, 1]], yPred, { labelSmoothing: 0.3 }),
    );
  });

  it('rejects bad targets and weights with clear errors, then works', () => {
    const yPred = [[0.5, 0.5], [0.5, 0.5]];
    expect(() => focalLoss([[1, 0], [0, 1.5]], yPred)).toThrow(/yTrue\[1\]\[1\] = 1.5 is not a target in \[0, 1\]/);
    expect(() => focalLoss([[1, 0], [0, 1, 0]], yPred)).toThrow(/ragged yTrue: row 1 has length 3, expected 2/);
    expect(() => focalLoss([[1, 0], [0, 1]], yPred, { ignoreIndex: 0 })).toThrow(RangeError);
    expect(() => focalLoss([0, 1], yPred, { labelSmoothing: 1.5 })).toThrow(/labelSmoothing/);
    expect(() => focalLoss([0, 1], yPred, { sampleWeight: [1] })).toThrow(/sampleWeight has 1 weights but the batch has 2/);
    expect(() => focalLoss([0, 1], yPred, { sampleWeight: [1, -1] })).toThrow(/sampleWeight\[1\] = -1/);
    expect(() => focalLoss([0, 1], yPred, { sampleWeight: [1, NaN] })).toThrow(RangeError);
    expect(() => focalLoss([0, 1], yPred, { sampleWeight: 2 as never })).toThrow(TypeError);
    expect(() => focalLoss([0, 1], yPred, { normalizer: 0 })).toThrow(/normalizer/);
    expect(() => focalLoss([0, 1], yPred, { normalizer: 2, reduction: 'sum' })).toThrow(RangeError);
    expectClose(focalLoss([0, 1], yPred, { gamma: 0 }), Math.LN2);
  });

  it('weights of ignored samples do not count in weightedMean', () => {
    const yPred = [[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]];
    const loss = focalLoss([0, -1, 1], yPred, { gamma: 0, ignoreIndex: -1, sampleWeight: [1, 5, 3], reduction: 'weightedMean' });
    expectClose(loss, (Math.LN2 - 3 * Math.log(0.8)) / 4);
  });
});

describe('a subnormal (1 - p)^gamma times a large weight', () => {
  // Logits [360, 0]: r = e^-360, 1 - p_0 = r / (1 + r) and -ln p_0 = log1p(r), both r to
  // 1e-156; with gamma 2 the loss is weight * r^3 = weight * e^-1080, while r^2 alone is subnormal.
  const expected = Math.exp(Math.log(1e300) - 1080);
  for (const backend of BACKENDS) {
    it(`${backend}: target rows, label smoothing's kernel and binary logits form it in log space`, () => {
      const options = { gamma: 2, fromLogits: true, backend } as const;
      expectClose(focalLoss([[1, 0]], [[360, 0]], { ...options, alpha: [1e300, 1] }), expected);
      expectClose(focalLoss([0], [[360, 0]], { ...options, alpha: [1e300, 1] }), expected);
      expectClose(focalLoss([[1, 0]], [[360, 0]], { ...options, sampleWeight: [1e300] }), expected);
      expectClose(binaryFocalLoss([1], [360], { ...options, sampleWeight: [1e300] }), expected);
    });
  }
});
