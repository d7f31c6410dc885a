import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryFocalLoss, binaryFocalLossGrad, createBinaryFocalLossAccumulator, createFocalLossAccumulator, createWorkspace, focalLoss,
  focalLossGrad,
} from '../src/index.js';
import ref from './fixtures/maps.json' with { type: 'json' };
import { BACKENDS, expectClose } from './helpers.js';

// Maps (segmentation, detection): yPred of rank 3 to 5 with its classes on any axis, against
// mpmath (test/fixtures/generate-maps.py: the loss from its definition over each pixel's
// coordinates, the gradient by mpmath's numerical differentiation), in every form a map
// arrives in; channels-first equals channels-last on the same data moved (fast-check); and
// the errors that replace a silent wrong number.

type Options = Record<string, unknown>;
type Call = (yTrue: unknown, yPred: unknown, options?: Options) => number | Float64Array;
type GradCall = (yTrue: unknown, yPred: unknown, options?: Options) => { loss: number | Float64Array; grad: Float64Array | Float32Array };

interface MapCase {
  name: string;
  fn: 'focalLoss' | 'binaryFocalLoss';
  shape: number[];
  axis: number;
  yPred: number[];
  trueShape: number[];
  yTrue: number[];
  options: Options;
  weights?: number[];
  weightsPer?: 'image' | 'pixel';
  expected: { sum: number; mean: number; none: number[]; weightedMean?: number; grad: number[]; perClass: Array<[number, number]> };
}

const cases = (ref as unknown as { cases: MapCase[] }).cases;
const LOSS: Record<MapCase['fn'], Call> = { focalLoss: focalLoss as unknown as Call, binaryFocalLoss: binaryFocalLoss as unknown as Call };
const GRAD: Record<MapCase['fn'], GradCall> = {
  focalLoss: focalLossGrad as unknown as GradCall,
  binaryFocalLoss: binaryFocalLossGrad as unknown as GradCall,
};

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Where two arrays first differ (-1: equal, bit for bit); quicker than toEqual over large maps. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

/** A flat row-major array as nested arrays of shape `dims`. */
function nest(flat: ArrayLike<number>, dims: readonly number[]): unknown {
  if (dims.length === 1) return Array.from(flat);
  const step = size(dims.slice(1));
  return Array.from({ length: dims[0] }, (_, i) => nest(Array.prototype.slice.call(flat, i * step, (i + 1) * step), dims.slice(1)));
}

/** The case's yTrue and yPred in each form a map arrives in, with the options that form needs. */
function forms(c: MapCase): Array<[string, unknown, unknown, Options]> {
  const labels = c.trueShape.length < c.shape.length;
  const truth = labels ? Int32Array.from(c.yTrue) : Float64Array.from(c.yTrue);
  const pred64 = Float64Array.from(c.yPred);
  const pred32 = Float32Array.from(c.yPred);
  const list: Array<[string, unknown, unknown, Options]> = [
    ['Float64Array with shape', truth, pred64, { shape: c.shape }],
    ['Float32Array with shape and plain labels', Array.from(c.yTrue), pred32, { shape: c.shape }],
    ['ONNX Runtime tensors', { data: truth, dims: c.trueShape, type: labels ? 'int32' : 'float32' }, { data: pred32, dims: c.shape, type: 'float32' }, {}],
    ['TensorFlow.js tensors', { shape: c.trueShape, dataSync: () => truth }, { shape: c.shape, dataSync: () => pred32 }, {}],
    ['{ data, shape } (readNpy)', { data: truth, shape: c.trueShape }, { data: pred64, shape: c.shape }, {}],
    ['nested arrays', nest(c.yTrue, c.trueShape), nest(c.yPred, c.shape), {}],
  ];
  if (labels) {
    list.push(['int64 tensors with BigInt dims', { data: BigInt64Array.from(c.yTrue, BigInt), dims: c.trueShape.map(BigInt) },
      { data: pred32, dims: c.shape.map(BigInt) }, {}]);
    list.push(['a Uint8Array mask with shape', Uint8Array.from(c.yTrue), pred64, { shape: c.shape }]);
  }
  return list;
}

function expectGrad(grad: ArrayLike<number>, expected: number[], label: string): void {
  const top = Math.max(...expected.map(Math.abs));
  expect(grad.length, label).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    expect(Math.abs(grad[k] - expected[k]), `${label}[${k}]: got ${grad[k]}, want ${expected[k]}`).toBeLessThanOrEqual(1e-12 * top);
  }
}

describe('maps against mpmath, in every form', () => {
  for (const c of cases) {
    for (const backend of BACKENDS) {
      it(`${backend}: ${c.name}`, () => {
        for (const [form, yTrue, yPred, extra] of forms(c)) {
          const options = { ...c.options, ...extra, axis: c.axis, backend, ...(c.weights === undefined ? {} : { sampleWeight: c.weights }) };
          const loss = (o: Options = {}) => LOSS[c.fn](yTrue, yPred, { ...options, ...o });
          const at = `${form}`;
          expectClose(loss() as number, c.expected.mean, `${at} mean`);
          expectClose(loss({ reduction: 'sum' }) as number, c.expected.sum, `${at} sum`);
          const none = loss({ reduction: 'none' }) as Float64Array;
          expect(none.length).toBe(c.expected.none.length);
          c.expected.none.forEach((e, k) => expectClose(none[k], e, `${at} none[${k}]`));
          if (c.weights !== undefined) expectClose(loss({ reduction: 'weightedMean' }) as number, c.expected.weightedMean!, `${at} weightedMean`);
          const { loss: gradLoss, grad } = GRAD[c.fn](yTrue, yPred, options);
          expectClose(gradLoss as number, c.expected.mean, `${at} grad's loss`);
          expectGrad(grad, c.expected.grad, `${at} grad`);
        }
      });
    }
  }

  for (const backend of BACKENDS) {
    it(`${backend}: the gradient comes back in yPred's layout, into gradOut too`, () => {
      for (const c of cases) {
        const gradOut = new Float32Array(c.yPred.length);
        const options = { ...c.options, shape: c.shape, axis: c.axis, backend, gradOut, sampleWeight: c.weights };
        const result = GRAD[c.fn](Float64Array.from(c.yTrue), Float32Array.from(c.yPred), options);
        expect(result.grad).toBe(gradOut);
        c.expected.grad.forEach((e, k) => expect(Math.abs(gradOut[k] - e), `${c.name}[${k}]`).toBeLessThanOrEqual(2 ** -23 * Math.abs(e) + 1e-30));
      }
    });

    it(`${backend}: accumulators take maps chunk by chunk: per-class sums over pixels`, () => {
      for (const c of cases) {
        const images = c.shape[0];
        const per = c.yPred.length / images;
        const perTrue = c.yTrue.length / images;
        const make = c.fn === 'focalLoss' ? createFocalLossAccumulator : createBinaryFocalLossAccumulator;
        const { gamma, alpha, fromLogits, ignoreIndex, labelSmoothing } = c.options as Record<string, never>;
        const options = Object.fromEntries(Object.entries({ gamma, alpha, fromLogits, ignoreIndex, labelSmoothing, axis: c.axis, backend })
          .filter(([, v]) => v !== undefined));
        const acc = (make as (o: Options) => ReturnType<typeof createFocalLossAccumulator>)(options);
        const pixels = c.expected.none.length / (c.fn === 'binaryFocalLoss' ? c.shape.at(c.axis)! : 1) / images;
        for (let n = 0; n < images; n++) {
          const yPred = { data: Float64Array.from(c.yPred.slice(n * per, (n + 1) * per)), shape: [1, ...c.shape.slice(1)] };
          const yTrue = { data: Float64Array.from(c.yTrue.slice(n * perTrue, (n + 1) * perTrue)), shape: [1, ...c.trueShape.slice(1)] };
          const weights = c.weightsPer === 'image' ? [c.weights![n]] : c.weights?.slice(n * pixels, (n + 1) * pixels);
          acc.update(yTrue as never, yPred as never, weights);
        }
        expectClose(acc.result('mean'), c.expected.mean, `${c.name} mean`);
        expectClose(acc.result('sum'), c.expected.sum, `${c.name} sum`);
        const summary = acc.summary();
        const targets = c.fn === 'focalLoss' && c.trueShape.length === c.shape.length;
        summary.perClass.forEach(({ sum, count }, k) => {
          expect(count, `${c.name} class ${k}`).toBe(targets ? 0 : c.expected.perClass[k][1]);
          if (!targets) expectClose(sum, c.expected.perClass[k][0], `${c.name} class ${k} sum`);
        });
      }
    });

    it(`${backend}: workspaces laid out as a map (createWorkspace({ shape, axis }))`, () => {
      for (const c of cases.filter((x) => x.fn === 'focalLoss' && x.trueShape.length < x.shape.length)) {
        const ws = createWorkspace({ shape: c.shape, axis: c.axis, dtype: 'f32', fromLogits: c.options.fromLogits === true, backend });
        try {
          expect(ws.rows).toBe(c.yTrue.length);
          expect(ws.classes).toBe(c.shape.at(c.axis));
          ws.predictions.set(c.yPred);
          ws.labels.set(c.yTrue);
          const { fromLogits: _, ...given } = c.options;
          const rest = { ...given, sampleWeight: c.weights };
          expectClose(ws.loss(rest) as number, c.expected.mean, `${c.name} loss`);
          const { loss, grad } = ws.lossAndGrad(rest);
          expectClose(loss as number, c.expected.mean, `${c.name} lossAndGrad`);
          c.expected.grad.forEach((e, k) => expect(Math.abs(grad[k] - e), `${c.name}[${k}]`).toBeLessThanOrEqual(2 ** -23 * Math.abs(e) + 1e-30));
        } finally {
          ws.dispose();
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Channels-first equals channels-last: the same values with the class axis moved to the end.

/** Moves axis `axis` of a flat row-major array of shape `dims` to the end (by coordinates). */
function moveToEnd(flat: ArrayLike<number>, dims: readonly number[], axis: number): { values: number[]; dims: number[] } {
  const out = new Array<number>(flat.length);
  const moved = [...dims.slice(0, axis), ...dims.slice(axis + 1), dims[axis]];
  const coord = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < flat.length; k++) {
    const to = [...coord.slice(0, axis), ...coord.slice(axis + 1), coord[axis]];
    let at = 0;
    for (let d = 0; d < moved.length; d++) at = at * moved[d] + to[d];
    out[at] = flat[k];
    for (let d = dims.length - 1; d >= 0 && ++coord[d] === dims[d]; d--) coord[d] = 0;
  }
  return { values: out, dims: moved };
}

const mapArbitrary = fc.record({
  dims: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 5 }),
  axisPick: fc.nat(),
  seed: fc.integer(),
  kind: fc.constantFrom('logits', 'probabilities', 'targets', 'binary'),
  gamma: fc.constantFrom(0, 1, 2, 2.5),
  ignore: fc.boolean(),
  reduction: fc.constantFrom('mean', 'sum', 'none'),
  f32: fc.boolean(),
});

describe('channels-first equals channels-last on transposed data', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: loss, per-pixel losses and gradient, any rank and class axis`, () => {
      fc.assert(
        fc.property(mapArbitrary, ({ dims, axisPick, seed, kind, gamma, ignore, reduction, f32 }) => {
          const axis = axisPick % (dims.length - 1);
          // With one class, a flat yTrue of one value per pixel is class indices: targets need two classes.
          fc.pre(kind !== 'targets' || dims[axis] > 1);
          let s = seed >>> 0;
          const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
          const total = size(dims);
          const C = dims[axis];
          const binary = kind === 'binary';
          const pred = Array.from({ length: total }, () => (kind === 'logits' ? (rand() - 0.5) * 8 : 0.02 + 0.96 * rand()));
          const moved = moveToEnd(pred, dims, axis);
          const pixels = total / C;
          const labels = Array.from({ length: pixels }, () => (ignore && rand() < 0.2 ? 255 : Math.floor(rand() * C)));
          const targets = Array.from({ length: total }, () => (rand() < 0.5 ? 1 : 0));
          const movedTargets = moveToEnd(targets, dims, axis).values;
          const options: Options = { gamma, reduction, backend, fromLogits: kind === 'logits' || (binary && rand() < 0.5) };
          if (ignore && !binary && kind !== 'targets') options.ignoreIndex = 255;
          const Typed = f32 ? Float32Array : Float64Array;
          const fn = binary ? 'binaryFocalLoss' : 'focalLoss';
          const truthFirst = binary || kind === 'targets' ? Float64Array.from(targets) : Int32Array.from(labels);
          const truthLast = binary || kind === 'targets' ? Float64Array.from(movedTargets) : Int32Array.from(labels);
          const first = GRAD[fn](truthFirst, Typed.from(pred), { ...options, shape: dims, axis });
          const last = GRAD[fn](truthLast, Typed.from(moved.values), { ...options, shape: moved.dims });
          if (reduction === 'none' && binary) expect(Array.from(moveToEnd(first.loss as Float64Array, dims, axis).values)).toEqual(Array.from(last.loss as Float64Array));
          else expect(first.loss).toEqual(last.loss);
          expect(moveToEnd(first.grad, dims, axis).values).toEqual(Array.from(last.grad));
        }),
        { numRuns: 150 },
      );
    });

    it(`${backend}: large maps whose images and chunks do not line up`, () => {
      for (const dims of [[3, 7, 50, 41], [2, 19, 64, 70], [1, 3, 9000]]) {
        let s = 99;
        const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
        const C = dims[1];
        const pred = Float32Array.from({ length: size(dims) }, () => (rand() - 0.5) * 8);
        const labels = Int32Array.from({ length: size(dims) / C }, () => (rand() < 0.05 ? 255 : Math.floor(rand() * C)));
        const moved = moveToEnd(pred, dims, 1);
        const options = { fromLogits: true, ignoreIndex: 255, backend };
        const first = focalLossGrad(labels, pred, { ...options, shape: dims, axis: 1 });
        const last = focalLossGrad(labels, Float32Array.from(moved.values), { ...options, shape: moved.dims });
        expect(first.loss).toBe(last.loss);
        expect(firstDifference(moveToEnd(first.grad, dims, 1).values, last.grad)).toBe(-1);
        const probabilities = Float64Array.from(pred, (x) => 1 / (1 + Math.exp(-x)));
        const targets = Float64Array.from(pred, (x) => (x > 0 ? 1 : 0));
        const b1 = binaryFocalLossGrad(targets, probabilities, { shape: dims, axis: 1, backend, reduction: 'none' });
        const b2 = binaryFocalLossGrad(Float64Array.from(moveToEnd(targets, dims, 1).values), Float64Array.from(moveToEnd(probabilities, dims, 1).values),
          { shape: moved.dims, backend, reduction: 'none' });
        expect(firstDifference(moveToEnd(b1.loss, dims, 1).values, b2.loss)).toBe(-1);
        expect(firstDifference(moveToEnd(b1.grad, dims, 1).values, b2.grad)).toBe(-1);
      }
    });

    it(`${backend}: central finite differences of a channels-first loss agree with its gradient`, () => {
      const dims = [2, 3, 3, 2];
      let s = 5;
      const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
      const pred = Float64Array.from({ length: size(dims) }, () => (rand() - 0.5) * 4);
      const labels = Int32Array.from({ length: 12 }, (_, k) => (k === 4 ? 255 : k % 3));
      const options = { fromLogits: true, ignoreIndex: 255, shape: dims, axis: 1, gamma: 1.5, backend };
      const { grad } = focalLossGrad(labels, pred, options);
      const h = 1e-6;
      const top = Math.max(...Array.from(grad, Math.abs));
      for (let k = 0; k < pred.length; k++) {
        const up = Float64Array.from(pred);
        const down = Float64Array.from(pred);
        up[k] += h;
        down[k] -= h;
        const numeric = ((focalLoss(labels, up, options) as number) - (focalLoss(labels, down, options) as number)) / (2 * h);
        expect(Math.abs(numeric - grad[k]), `entry ${k}`).toBeLessThanOrEqual(1e-6 * top);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('shapes that do not fit: a RangeError naming both, and what to pass', () => {
  const nchw = { data: new Float32Array(120), dims: [2, 3, 4, 5] };
  const masks = { data: new Int32Array(40), dims: [2, 4, 5] };
  for (const backend of BACKENDS) {
    const b = { backend, fromLogits: true };
    it(`${backend}: NCHW logits with the default axis`, () => {
      expect(() => focalLoss(masks as never, nchw as never, b)).toThrow(
        /^focalLoss: yTrue \[2, 4, 5\] does not fit yPred \[2, 3, 4, 5\] with classes on axis -1: expected class indices of shape \[2, 3, 4\], or targets of shape \[2, 3, 4, 5\]; yPred \[2, 3, 4, 5\] with yTrue \[2, 4, 5\] fits classes on axis 1: pass axis: 1$/,
      );
      expect(() => focalLoss(new Int32Array(40), new Float32Array(120), { ...b, shape: [2, 3, 4, 5] })).toThrow(
        /yTrue has 40 values, but yPred \[2, 3, 4, 5\] with classes on axis -1 has 24 samples: expected 24 class indices, or 120 targets; .* fits classes on axis 1: pass axis: 1$/,
      );
      expect(() => focalLoss(masks as never, nchw as never, { ...b, axis: 4 })).toThrow(/^focalLoss: axis is 4, outside yPred \[2, 3, 4, 5\] of rank 4: pass an axis in \[-4, 3\]$/);
      expect(() => focalLoss(masks as never, nchw as never, { ...b, axis: 1, classes: 5 })).toThrow(
        /^focalLoss: classes is 5, but yPred \[2, 3, 4, 5\] has 3 classes on axis 1; .*fits classes on axis 3: pass axis: 3$/,
      );
      expect(() => focalLoss(masks as never, nchw as never, { ...b, axis: 1.5 })).toThrow(/axis must be an integer/);
    });

    it(`${backend}: a flat yPred beside a map of labels needs its shape, never a guess`, () => {
      expect(() => focalLoss(masks as never, new Float32Array(120), b)).toThrow(
        /^focalLoss: yTrue is a map of shape \[2, 4, 5\] but yPred is a flat buffer of 120 values without a shape: pass shape \(e\.g\. channels-first \[2, C, 4, 5\] with axis: 1, or channels-last \[2, 4, 5, C\]\)$/,
      );
      expect(() => focalLoss(new Int32Array(40), new Float32Array(120), { ...b, shape: [2, 3, 4, 6] })).toThrow(/shape \[2, 3, 4, 6\] holds 144 values but yPred has 120/);
      expect(() => focalLoss(new Int32Array(40), nchw as never, { ...b, shape: [2, 4, 5, 3] })).toThrow(/shape is \[2, 4, 5, 3\] but yPred has shape \[2, 3, 4, 5\]/);
      expect(() => focalLoss(new Int32Array(40), new Float32Array(120), { ...b, axis: 1, shape: [2, 3, 4, -5] })).toThrow(RangeError);
      expect(() => focalLoss(new Int32Array(40), new Float32Array(120), { ...b, axis: 2 })).toThrow(/axis is 2, but yPred has no shape to place it in.*pass shape, or a tensor/);
    });

    it(`${backend}: binaryFocalLoss: yTrue and yPred of one shape (issue 16, item 11)`, () => {
      const targets = { data: new Float32Array(6), dims: [2, 3] };
      for (const n of [8, 100]) {
        expect(() => binaryFocalLoss(targets as never, new Float32Array(n), { backend })).toThrow(
          new RegExp(`^binaryFocalLoss: yPred has ${n} values but yTrue \\[2, 3\\] has 6; they must have the same shape$`),
        );
        expect(() => createBinaryFocalLossAccumulator({ backend }).update(targets as never, new Float32Array(n))).toThrow(RangeError);
      }
      expect(binaryFocalLoss(targets as never, new Float32Array(6).fill(0.5), { backend })).toBeCloseTo(0.25 * Math.LN2, 14);
      expect(() => binaryFocalLoss({ data: new Float32Array(24), dims: [2, 3, 4] } as never, { data: new Float32Array(24), dims: [2, 4, 3] } as never, { backend }))
        .toThrow(/^binaryFocalLoss: yTrue \[2, 3, 4\] and yPred \[2, 4, 3\] must have the same shape$/);
    });

    it(`${backend}: a [4, 2] tensor against classes 3 names its shape (issue 16, item 11)`, () => {
      const pred = { shape: [4, 2], dataSync: () => new Float32Array(8) };
      expect(() => focalLoss([0, 1, 0, 1], pred as never, { backend, classes: 3 })).toThrow(/^focalLoss: classes is 3, but yPred \[4, 2\] has 2 classes on axis -1$/);
    });

    it(`${backend}: BigInt shapes are read as ONNX Runtime's BigInt dims are (issue 16, item 14)`, () => {
      const logits = new Float32Array([2, -1, 0.5, 0, 3, -2]);
      const expected = focalLoss([0, 1], logits, { classes: 3, ...b });
      expect(focalLoss([0, 1], { shape: [2n, 3n], dataSync: () => logits } as never, b)).toBe(expected);
      expect(focalLoss([0, 1], { dims: [2n, 3n], data: logits } as never, b)).toBe(expected);
      expect(focalLoss([0, 1], logits, { ...b, shape: [2n, 3n] as never })).toBe(expected);
      expect(() => focalLoss([0, 1], { shape: [2n, -3n], dataSync: () => logits } as never, b)).toThrow(
        /^focalLoss: yPred's shape has a dimension -3n \(a BigInt\); dimensions are integers >= 0$/,
      );
      expect(() => focalLoss([0, 1], { shape: [2n, 4n], dataSync: () => logits } as never, b)).toThrow(/^focalLoss: yPred is a tensor of shape \[2, 4\] but holds 6 values$/);
    });

    it(`${backend}: entries of maps are named by their coordinates`, () => {
      const pred = new Float32Array(120);
      pred[(1 * 3 + 2) * 20 + 1 * 5 + 3] = NaN;
      expect(() => focalLoss(new Int32Array(40), pred, { ...b, shape: [2, 3, 4, 5], axis: 1 })).toThrow(/^focalLoss: yPred\[1, 2, 1, 3\] = NaN is not a valid logit \(sample 28\)$/);
      const labels = new Int32Array(40);
      labels[5 * 1 + 2] = 7;
      expect(() => focalLoss(labels, new Float32Array(120), { ...b, shape: [2, 3, 4, 5], axis: 1 })).toThrow(
        /^focalLoss: yTrue\[0, 1, 2\] = 7 is not a class index: expected an integer in \[0, 3\) \(yPred \[2, 3, 4, 5\] with classes on axis 1: 40 samples × 3 classes\)$/,
      );
      const probabilities = new Float64Array(120).fill(0.25);
      expect(() => focalLoss(new Int32Array(40), probabilities, { backend, shape: [2, 3, 4, 5], axis: 1, checkRows: true })).toThrow(
        /^focalLoss: checkRows: yPred\[0, :, 0, 0\] sums to 0\.75, not 1/,
      );
      expect(() => focalLoss(new Int32Array(40), probabilities, { backend, shape: [2, 3, 4, 5], axis: 1, sampleWeight: [1, -1] })).toThrow(
        /^focalLoss: sampleWeight\[1\] = -1 must be finite and >= 0$/,
      );
      expect(() => focalLoss(new Int32Array(40), probabilities, { backend, shape: [2, 3, 4, 5], axis: 1, sampleWeight: [1, 2, 3] })).toThrow(
        /^focalLoss: sampleWeight has 3 weights but the batch has 40 samples: pass one per sample, or one per image \(2\)$/,
      );
      expect(() => focalLoss([[[0, 1], [1, 0]], [[0, 1]]], [[[[0.5, 0.5]]]], { backend })).toThrow(/^focalLoss: ragged yPred|yTrue/);
      expect(() => focalLoss([0], [[[0.5, 0.5], [0.5]]], { backend })).toThrow(/^focalLoss: ragged yPred: yPred\[0, 1\] has length 1, expected 2/);
    });

    it(`${backend}: int64 labels are class indices, each one checked`, () => {
      const logits = { data: new Float32Array(12), dims: [1, 3, 2, 2] };
      const labels = (values: bigint[]) => ({ data: BigInt64Array.from(values), dims: [1, 2, 2] });
      expectClose(focalLoss(labels([0n, 1n, 2n, 255n]) as never, logits as never, { ...b, axis: 1, ignoreIndex: 255, gamma: 0 }) as number, Math.log(3));
      expect(() => focalLoss(labels([0n, 1n, 3n, 0n]) as never, logits as never, { ...b, axis: 1 })).toThrow(/^focalLoss: yTrue\[0, 1, 0\] = 3n \(a BigInt\) is not a class index/);
      expect(() => focalLoss(labels([0n, 2n ** 62n, 0n, 0n]) as never, logits as never, { ...b, axis: 1 })).toThrow(/yTrue\[0, 0, 1\] = 4611686018427387904n/);
      expect(() => binaryFocalLoss({ data: BigInt64Array.of(0n, 1n), dims: [2] } as never, [0.5, 0.5], { backend })).toThrow(TypeError);
      expect(() => focalLoss(labels([0n, 0n, 0n, 0n]) as never, { data: BigInt64Array.from({ length: 12 }, () => 0n), dims: [1, 3, 2, 2] } as never, { backend }))
        .toThrow(/^focalLoss: yPred is a BigInt64Array; predictions must be numbers/);
    });
  }
});
