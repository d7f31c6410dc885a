import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryFocalLoss, createBinaryFocalLossAccumulator, createFocalLossAccumulator, focalLoss,
  type AccumulatorState, type FocalLossAccumulator,
} from '../src/index.js';
import { BACKENDS } from './helpers.js';

const relClose = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-300);

type Acc = FocalLossAccumulator<ArrayLike<number> | ArrayLike<ArrayLike<number>>, ArrayLike<number> | ArrayLike<ArrayLike<number>>>;

// A batch of N rows of C probabilities (or logits) with labels, and cut points that split it.
const batch = (fromLogits: boolean) =>
  fc.integer({ min: 2, max: 6 }).chain((classes) =>
    fc.record({
      classes: fc.constant(classes),
      labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: 1, maxLength: 60 }),
      seed: fc.array(fromLogits ? fc.double({ min: -30, max: 30, noNaN: true }) : fc.double({ min: 0.001, max: 1, noNaN: true }), {
        minLength: classes * 60, maxLength: classes * 60,
      }),
      cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
      weights: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 60, maxLength: 60 }),
    }).map(({ classes, labels, seed, cuts, weights }) => {
      const rows = labels.map((_, i) => {
        const row = seed.slice(i * classes, (i + 1) * classes);
        if (fromLogits) return row;
        const total = row.reduce((a, b) => a + b, 0);
        return row.map((v) => v / total);
      });
      const points = [...new Set(cuts.map((c) => Math.floor(c * labels.length)))].sort((a, b) => a - b);
      return { classes, labels, rows, points, weights: weights.slice(0, labels.length) };
    }),
  );

function pieces<T>(items: T[], points: number[]): T[][] {
  const out: T[][] = [];
  let from = 0;
  for (const p of [...points, items.length]) {
    if (p > from) out.push(items.slice(from, p));
    from = Math.max(from, p);
  }
  return out;
}

/** Merges a list of accumulators (or states) in an order given by a random binary tree. */
function mergeTree(parts: Acc[], order: number[]): Acc {
  const pool = [...parts];
  for (const k of order) {
    if (pool.length < 2) break;
    const i = k % (pool.length - 1);
    const [a, b] = pool.splice(i, 2);
    pool.splice(i, 0, k % 2 ? a.merge(b.state()) : a.merge(b));
  }
  return pool.reduce((a, b) => a.merge(b));
}

describe('accumulators equal the one-shot call on the concatenation', () => {
  for (const backend of BACKENDS) {
    for (const fromLogits of [false, true]) {
      it(`${backend}, ${fromLogits ? 'logits' : 'probabilities'}: random splits, merge trees and JSON round trips`, () => {
        fc.assert(
          fc.property(batch(fromLogits), fc.array(fc.nat(), { maxLength: 10 }), fc.constantFrom(0, 1.5, 2, 0.7), ({ classes, labels, rows, points, weights }, order, gamma) => {
            const options = { gamma, alpha: Array.from({ length: classes }, (_, c) => 1 + c / 2), fromLogits, backend };
            const parts = pieces(labels.map((_, i) => i), points).map((idx) => {
              const acc = createFocalLossAccumulator(options) as Acc;
              acc.update(idx.map((i) => labels[i]), idx.map((i) => rows[i]), idx.map((i) => weights[i]));
              return createFocalLossAccumulator.fromState(JSON.parse(JSON.stringify(acc.state()))) as Acc;
            });
            const merged = mergeTree(parts, order);
            const oneShot = (reduction: 'mean' | 'sum' | 'weightedMean') =>
              focalLoss(labels, rows, { ...options, sampleWeight: weights, reduction });
            return relClose(merged.result(), oneShot('mean')) && relClose(merged.result('sum'), oneShot('sum')) &&
              relClose(merged.result('weightedMean'), oneShot('weightedMean'));
          }),
          { numRuns: 60 },
        );
      });
    }

    it(`${backend}: per-class sums and counts are those of each class's rows`, () => {
      const labels = [0, 2, 2, 1, 0, 2, -100, 1];
      const rows = labels.map((_, i) => [0.1 + i / 40, 0.3, 0.6 - i / 40]);
      const acc = createFocalLossAccumulator({ gamma: 2, ignoreIndex: -100, backend });
      acc.update(labels.slice(0, 3), rows.slice(0, 3)).update(labels.slice(3), rows.slice(3));
      const summary = acc.summary();
      expect(summary.count).toBe(7);
      for (let c = 0; c < 3; c++) {
        const mine = labels.flatMap((t, i) => (t === c ? [i] : []));
        const sum = focalLoss(mine.map((i) => labels[i]), mine.map((i) => rows[i]), { gamma: 2, reduction: 'sum', backend });
        expect(summary.perClass[c].count).toBe(mine.length);
        expect(relClose(summary.perClass[c].sum, sum)).toBe(true);
        expect(relClose(summary.perClass[c].mean, sum / mine.length)).toBe(true);
      }
      expect(relClose(summary.mean, focalLoss(labels, rows, { gamma: 2, ignoreIndex: -100, backend }))).toBe(true);
    });

    it(`${backend}: binary accumulators report per label column`, () => {
      const yTrue = [[0, 1, 1], [1, 0, 1], [0, 0, 1], [1, 1, 0]];
      const yPred = [[-2, 1, 3], [0.5, -1, 2], [-3, -0.5, 4], [1, 2, -1]];
      const options = { gamma: 2, alpha: 0.25, fromLogits: true, backend };
      const acc = createBinaryFocalLossAccumulator(options).update(yTrue.slice(0, 1), yPred.slice(0, 1)).update(yTrue.slice(1), yPred.slice(1));
      expect(relClose(acc.result(), binaryFocalLoss(yTrue, yPred, options))).toBe(true);
      const summary = acc.summary();
      for (let k = 0; k < 3; k++) {
        const column = binaryFocalLoss(yTrue.map((r) => r[k]), yPred.map((r) => r[k]), { ...options, reduction: 'sum' });
        expect(summary.perClass[k].count).toBe(4);
        expect(relClose(summary.perClass[k].sum, column)).toBe(true);
      }
    });

    it(`${backend}: a chunk that fails validation leaves the accumulator exactly as it was`, () => {
      const acc = createFocalLossAccumulator({ backend }).update([0, 1], [[0.4, 0.6], [0.3, 0.7]]);
      const before = JSON.stringify(acc.state());
      expect(() => acc.update([0, 1, 5], [[0.4, 0.6], [0.3, 0.7], [0.5, 0.5]])).toThrow(/yTrue\[2\] = 5/);
      expect(() => acc.update([0, 1], [[0.4, 0.6], [0.3, 1.7]])).toThrow(/yPred\[1\]\[1\] = 1.7/);
      expect(() => acc.update([0], [[0.4, 0.6, 0]])).toThrow(/yPred\[0\] has 3 values, but classes is 2/);
      expect(() => acc.update([0], [[0.4, 0.6]], [-1])).toThrow(/sampleWeight\[0\] = -1/);
      expect(JSON.stringify(acc.state())).toBe(before);
    });
  }
});

describe('accumulator state', () => {
  it('holds O(C) numbers whatever it has seen', () => {
    const acc = createFocalLossAccumulator({ classes: 4 });
    const chunk = Array.from({ length: 10_000 }, (_, i) => i % 4);
    const rows = new Float64Array(40_000).fill(0.25);
    for (let k = 0; k < 20; k++) acc.update(chunk, rows);
    const state = acc.state();
    expect(state.count).toBe(200_000);
    expect(state.perClass.length).toBe(4);
    expect(JSON.stringify(state).length).toBeLessThan(1000);
    expect(relClose(acc.result(), 0.75 ** 2 * Math.log(4))).toBe(true);
  });

  it('refuses to merge partials made with other options or other C', () => {
    const a = createFocalLossAccumulator({ gamma: 2 }).update([0], [[0.5, 0.5]]);
    expect(() => a.merge(createFocalLossAccumulator({ gamma: 1 }).update([0], [[0.5, 0.5]]))).toThrow(/gamma is 2 here and 1 there/);
    expect(() => a.merge(createFocalLossAccumulator({ alpha: [1, 2] }))).toThrow(/alpha is null here and \[1,2\] there/);
    expect(() => a.merge(createFocalLossAccumulator().update([0], [[0.2, 0.3, 0.5]]))).toThrow(/2 and 3 classes/);
    expect(() => a.merge(createBinaryFocalLossAccumulator().state())).toThrow(TypeError);
    expect(() => a.merge({ format: 'nope' } as unknown as AccumulatorState)).toThrow(/not an accumulator state/);
    // epsilon 'auto' follows the first chunk's dtype: f32 and f64 partials clip differently.
    const f32 = createFocalLossAccumulator({ epsilon: 'auto' }).update([0], new Float32Array([0.5, 0.5]));
    const f64 = createFocalLossAccumulator({ epsilon: 'auto' }).update([0], new Float64Array([0.5, 0.5]));
    expect(() => f32.merge(f64)).toThrow(/clip with epsilon/);
  });

  it('an accumulator that knows C but has seen nothing gives a state that merges as nothing', () => {
    const empty = createFocalLossAccumulator({ classes: 2 });
    const copy = createFocalLossAccumulator.fromState(JSON.parse(JSON.stringify(empty.state())));
    expect(copy.summary().perClass).toEqual([{ count: 0, sum: 0, mean: 0 }, { count: 0, sum: 0, mean: 0 }]);
    const full = createFocalLossAccumulator({ classes: 2 }).update([0, 1], [[0.4, 0.6], [0.3, 0.7]]);
    expect(full.merge(empty.state()).result()).toBe(focalLoss([0, 1], [[0.4, 0.6], [0.3, 0.7]]));
  });

  it('round-trips infinite sums through JSON', () => {
    const acc = createFocalLossAccumulator({ epsilon: 0 }).update([0], [[0, 1]]);
    const copy = createFocalLossAccumulator.fromState(JSON.parse(JSON.stringify(acc.state())));
    expect(copy.result('sum')).toBe(Infinity);
    expect(copy.result()).toBe(focalLoss([0], [[0, 1]], { epsilon: 0 }));
  });

  it('checks result() reductions and update() arguments', () => {
    const acc = createFocalLossAccumulator();
    expect(acc.result()).toBe(0);
    expect(() => acc.result('none' as never)).toThrow(/^focalLossAccumulator.result: reduction must be/);
    expect(() => acc.update('abc' as never, [[0.5, 0.5]])).toThrow(TypeError);
    expect(() => createFocalLossAccumulator({ reduction: 'sum' } as never)).toThrow(/option "reduction" is not supported here: an accumulator keeps sums; pass the reduction to result\(\)/);
  });
});
