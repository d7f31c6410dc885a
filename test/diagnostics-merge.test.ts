import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createBinaryFocalLossAccumulator, createFocalLossAccumulator, type AccumulatorState, type AccumulatorSummary, type FocalLossAccumulator,
} from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { expectSame } from './same-summary.js';

// Diagnostics merge exactly: shards (each created with its first row) merged in any tree, and
// through JSON, give one pass's summary: counts equal, sums within 1e-12, the same hardest.

type Acc = FocalLossAccumulator;

/** Merges parts in the order of a random binary tree, half of them through their JSON state. */
function mergeTree(parts: Acc[], order: number[]): Acc {
  const pool = [...parts];
  for (const k of order) {
    if (pool.length < 2) break;
    const i = k % (pool.length - 1);
    const [a, b] = pool.splice(i, 2);
    pool.splice(i, 0, k % 2 ? a.merge(JSON.parse(JSON.stringify(b.state()))) : a.merge(b));
  }
  return pool.reduce((a, b) => a.merge(b));
}

const cutsOf = (n: number, cuts: number[]) => [...new Set(cuts.map((c) => Math.floor(c * n)))].sort((a, b) => a - b);

function pieces(n: number, points: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  for (const p of [...points, n]) {
    if (p > from) out.push([from, p]);
    from = Math.max(from, p);
  }
  return out;
}

const batch = fc.integer({ min: 2, max: 5 }).chain((classes) => fc.record({
  classes: fc.constant(classes),
  // Class 0 common, the others rare; some samples ignored.
  labels: fc.array(fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: classes - 1 }) }, { weight: 1, arbitrary: fc.constant(-1) }), { minLength: 1, maxLength: 80 }),
  logits: fc.array(fc.double({ min: -12, max: 12, noNaN: true }), { minLength: classes * 80, maxLength: classes * 80 }),
  weights: fc.array(fc.double({ min: 0, max: 4, noNaN: true }), { minLength: 80, maxLength: 80 }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
  order: fc.array(fc.nat(), { maxLength: 10 }),
}));

describe('diagnostics merge exactly', () => {
  for (const backend of BACKENDS) {
    for (const fromLogits of [false, true]) {
      it(`${backend}, ${fromLogits ? 'logits' : 'probabilities'}: random shards and merge trees equal one pass`, () => {
        fc.assert(fc.property(batch, ({ classes, labels, logits, weights, cuts, order }) => {
          const n = labels.length;
          const rows = labels.map((_, i) => {
            const z = logits.slice(i * classes, (i + 1) * classes);
            if (fromLogits) return z;
            const e = z.map(Math.exp);
            const s = e.reduce((a, b) => a + b, 0);
            return e.map((v) => v / s);
          });
          const options = { fromLogits, backend, ignoreIndex: -1, classes, gamma: 2, diagnostics: { hardest: 5, bins: 6, beta: 0.99 } };
          const whole = createFocalLossAccumulator(options).update(labels, rows, weights.slice(0, n));
          const parts = pieces(n, cutsOf(n, cuts)).map(([a, b]) =>
            createFocalLossAccumulator({ ...options, firstRow: a }).update(labels.slice(a, b), rows.slice(a, b), weights.slice(a, b)));
          const merged = mergeTree(parts, order);
          expectSame(merged.summary(), whole.summary());
          // The same pieces as consecutive updates of one accumulator.
          const streamed = createFocalLossAccumulator(options);
          for (const [a, b] of pieces(n, cutsOf(n, cuts))) streamed.update(labels.slice(a, b), rows.slice(a, b), weights.slice(a, b));
          expectSame(streamed.summary(), whole.summary());
        }), { numRuns: 40 });
      });
    }

    it(`${backend}, binary: random shards and merge trees equal one pass`, () => {
      fc.assert(fc.property(
        fc.array(fc.tuple(fc.constantFrom(0, 1, 0.3), fc.double({ min: -8, max: 8, noNaN: true }), fc.constantFrom(0, 1, 1), fc.double({ min: -8, max: 8, noNaN: true })), { minLength: 1, maxLength: 60 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }),
        (elements, cuts, order) => {
          const targets = elements.map(([y0, , y1]) => [y0, y1]);
          const preds = elements.map(([, x0, , x1]) => [x0, x1]);
          const options = { fromLogits: true, backend, alpha: 0.25, diagnostics: { hardest: 4, bins: 5 } };
          const whole = createBinaryFocalLossAccumulator(options).update(targets, preds);
          const parts = pieces(targets.length, cutsOf(targets.length, cuts)).map(([a, b]) =>
            createBinaryFocalLossAccumulator({ ...options, firstRow: a }).update(targets.slice(a, b), preds.slice(a, b)));
          expectSame(mergeTree(parts, order).summary(), whole.summary());
        },
      ), { numRuns: 40 });
    });
  }

  it('a state round-trips through JSON to the same summary and state', () => {
    const acc = createFocalLossAccumulator({ diagnostics: true, epsilon: 0 }).update([0, 1, 1], [[0, 1], [0.3, 0.7], [1, 0]]);
    const copy = createFocalLossAccumulator.fromState(JSON.parse(JSON.stringify(acc.state())));
    expect(copy.summary()).toEqual(acc.summary());
    expect(copy.state()).toEqual(acc.state());
    // An infinite loss (p_t = 0 unclipped) is the hardest, and survives JSON.
    expect(copy.summary().hardest![0]).toMatchObject({ row: 0, loss: Infinity, pt: 0 });
  });
});

describe('partials with diagnostics', () => {
  const made = (diagnostics: unknown) => createFocalLossAccumulator({ diagnostics } as never).update([0, 1], [[0.6, 0.4], [0.2, 0.8]]);

  it('merge only with the same diagnostics settings, or none on both sides', () => {
    expect(() => made(true).merge(made({ bins: 10 }))).toThrow(/diagnostics is \{"hardest":10,"bins":15,"beta":0.9999\} here and \{"hardest":10,"bins":10,"beta":0.9999\} there/);
    expect(() => made(true).merge(made(false).state())).toThrow(/diagnostics is .* here and false there/);
    expect(() => made(false).merge(made(true))).toThrow(/diagnostics is false here/);
    expect(made({ hardest: 3 }).merge(made({ hardest: 3 })).summary().diagnosed!.count).toBe(4);
  });

  it('fromState restores the settings with the tally', () => {
    const restored = createFocalLossAccumulator.fromState(made({ hardest: 1, bins: 2, beta: 0.5 }).state());
    const s = restored.summary();
    expect(s.hardest!.length).toBe(1);
    expect(s.calibration!.bins.length).toBe(2);
    expect(s.recommendedAlpha!.beta).toBe(0.5);
    expect(restored.update([0], [[0.9, 0.1]]).summary().diagnosed!.count).toBe(3);
  });
});

describe('forged diagnostics in a state are refused, naming the field', () => {
  const good = (): AccumulatorState => createFocalLossAccumulator({ diagnostics: { hardest: 2, bins: 3 } })
    .update([0, 1, 1, 0], [[0.6, 0.4], [0.2, 0.8], [0.7, 0.3], [0.1, 0.9]]).state();
  const forged: Array<[string, (d: Record<string, any>) => void, ErrorConstructor, RegExp]> = [
    ['not an object', (d) => { d.settings = 7; }, TypeError, /state\.diagnostics\.settings = 7 must be an object/],
    ['settings missing a key', (d) => { delete d.settings.beta; }, RangeError, /state\.diagnostics\.settings\.beta = undefined must be recorded/],
    ['settings out of range', (d) => { d.settings.bins = 0; }, RangeError, /diagnostics\.bins must be an integer from 1 to 1000/],
    ['count beyond the state\'s', (d) => { d.count = 5; }, RangeError, /state\.diagnostics\.count = 5 must be an integer from 0 to 4/],
    ['a negative sum', (d) => { d.crossEntropySum = [-1, 0]; }, RangeError, /state\.diagnostics\.crossEntropySum = -1 must be a sum >= 0/],
    ['a sum of strings', (d) => { d.lossSum = ['a', 0]; }, TypeError, /state\.diagnostics\.lossSum = .* must be a \[sum, carry\] pair/],
    ['easy beyond count', (d) => { d.easy.count = 9; }, RangeError, /state\.diagnostics\.easy\.count = 9/],
    ['a bin too few', (d) => { d.bins.pop(); }, RangeError, /state\.diagnostics\.bins = .* must have 3 entries/],
    ['bin counts that do not add up', (d) => { d.bins[0][0] += 1; }, RangeError, /state\.diagnostics\.bins = "counts summing to 5" must add up to 4/],
    ['a confidence sum above the count', (d) => { d.bins[2][1] = 100; }, RangeError, /state\.diagnostics\.bins\[2\]\[1\] = 100 must be at most the bin's count/],
    ['hits above the predictions', (d) => { d.perClass[0][0] = 3; }, RangeError, /state\.diagnostics\.perClass\[0\]\[0\] = 3 must be at most the predictions/],
    ['class counts that disagree with perClass', (d) => { d.perClass[0][2] += 1; d.perClass[1][2] -= 1; }, RangeError, /state\.diagnostics\.perClass\[0\]\[2\] = 3 must equal the class's count, 2/],
    ['too many hardest', (d) => { d.hardest.push({ ...d.hardest[0], row: 3 }); }, RangeError, /state\.diagnostics\.hardest = .* must hold at most 2 samples/],
    ['hardest out of order', (d) => { d.hardest.reverse(); }, RangeError, /state\.diagnostics\.hardest\[1\] = .* must rank after the previous one/],
    ['a hardest label out of range', (d) => { d.hardest[0].label = 2; }, RangeError, /state\.diagnostics\.hardest\[0\]\.label = 2 must be an integer from 0 to 1/],
    ['a p_t above 1', (d) => { d.hardest[0].pt = 1.5; }, RangeError, /state\.diagnostics\.hardest\[0\]\.pt = 1.5 must be a probability/],
  ];
  for (const [what, forge, Class, message] of forged) {
    it(what, () => {
      const state = good();
      forge(state.diagnostics as unknown as Record<string, any>);
      expect(() => createFocalLossAccumulator.fromState(state)).toThrow(Class);
      expect(() => createFocalLossAccumulator.fromState(state)).toThrow(message);
      expect(() => createFocalLossAccumulator({ diagnostics: { hardest: 2, bins: 3 } }).merge(state)).toThrow(message);
    });
  }
});

export type { AccumulatorSummary };
