// Issue 16, items 8 and 18: forged or damaged accumulator states are refused by fromState and
// merge with a TypeError or RangeError naming the field (never NaN, a negative loss, or data
// dropped without a word), and fromState's errors carry fromState's name. States of
// accumulators that mixed class indices and target rows are valid, and per-class statistics
// are those of the class-index samples. Expected values are written from the formula here.
import { describe, expect, it } from 'vitest';
import {
  createBinaryFocalLossAccumulator, createFocalLossAccumulator, type AccumulatorState,
} from '../src/index.js';
import { BACKENDS } from './helpers.js';

/** γ = 2: −(1 − p_t)² ln p_t. */
const fl = (p: number) => -((1 - p) ** 2) * Math.log(p);
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-15 * Math.abs(b);

/** Forgeries write whatever they like into a state. */
type Forge = (s: Record<string, any>) => void;

/** Each forgery, the error class it must raise, and what the message must name. */
const FORGERIES: Array<[string, Forge, typeof TypeError | typeof RangeError, RegExp]> = [
  ['a "NaN" sum', (s) => (s.sum = ['NaN', 0]), RangeError, /state\.sum = "NaN" must be a sum >= 0/],
  ['a negative sum', (s) => (s.sum[0] = -1), RangeError, /state\.sum = -1 must be a sum >= 0/],
  ['a sum that is not a pair of numbers', (s) => (s.sum = [0.1, null]), TypeError, /state\.sum = .* must be a \[sum, carry\] pair of numbers/],
  ['an infinite carry beside a finite sum', (s) => (s.sum[1] = 'Infinity'), RangeError, /state\.sum carry = "Infinity" must be finite/],
  ['a carry larger than its sum', (s) => (s.perClass[1][1] = -1), RangeError, /state\.perClass\[1\] carry = -1 must be finite and no larger than the sum/],
  ['a negative weightSum', (s) => (s.weightSum[0] = -2), RangeError, /state\.weightSum = -2 must be a sum >= 0/],
  ['a negative per-class count', (s) => (s.perClass[0][2] = -1), RangeError, /state\.perClass\[0\]\[2\] = -1 must be a count/],
  ['a fractional per-class count', (s) => (s.perClass[0][2] = 0.5), RangeError, /state\.perClass\[0\]\[2\] = 0\.5 must be a count/],
  ['a "NaN" per-class count', (s) => (s.perClass[1][2] = 'NaN'), RangeError, /state\.perClass\[1\]\[2\] = "NaN" must be a count/],
  ['a negative per-class sum', (s) => (s.perClass[1][0] = -0.1), RangeError, /state\.perClass\[1\] = -0\.1 must be a sum >= 0/],
  ['a "NaN" per-class weight sum', (s) => (s.perClass[1][3] = 'NaN'), RangeError, /state\.perClass\[1\]\[3\] = "NaN" must be a sum >= 0/],
  ['a per-class entry of 3 values', (s) => (s.perClass[0] = [0, 0, 1]), TypeError, /state\.perClass\[0\] = .* must be \[sum, carry, count, weightSum\]/],
  ['per-class counts over count', (s) => (s.perClass[0][2] = 2), RangeError, /state\.perClass counts add up to 3, but state\.count = 2/],
  ['epsilon null with data', (s) => (s.epsilon = null), RangeError, /state\.epsilon = null but the state holds data \(count 2, sum 0\.113\d*, weightSum 2\)/],
  ['classes null with data', (s) => (s.classes = null), RangeError, /state\.classes = null but the state holds data \(count 2, sum 0\.113\d*, weightSum 2\)/],
  ['a negative count', (s) => (s.count = -1), RangeError, /state\.count = -1 must be an integer >= 0/],
  ['a fractional exponent', (s) => (s.exponent = 0.5), RangeError, /state\.exponent = 0\.5 must be an integer/],
  ['an option out of range', (s) => (s.options.gamma = -1), RangeError, /state\.options: gamma must be finite and >= 0, got -1/],
  ['an option that is not one', (s) => (s.options.foo = 1), RangeError, /state\.options\.foo is not an option of focalLoss/],
];

describe('forged accumulator states (issue 16, items 8 and 18)', () => {
  for (const backend of BACKENDS) {
    const valid = (): AccumulatorState =>
      JSON.parse(JSON.stringify(createFocalLossAccumulator({ backend }).update([0, 1], [[0.6, 0.4], [0.3, 0.7]]).state()));

    it(`${backend}: the valid state the forgeries start from is accepted, with the formula's values`, () => {
      const acc = createFocalLossAccumulator.fromState(valid());
      expect(near(acc.result('sum'), fl(0.6) + fl(0.7))).toBe(true);
      expect(acc.summary().perClass.map((c) => c.count)).toEqual([1, 1]);
    });

    for (const [what, forge, Kind, names] of FORGERIES) {
      it(`${backend}: ${what} is a ${Kind.name} naming the field, from fromState and from merge`, () => {
        const state = valid();
        forge(state as never);
        const calls: Array<[string, () => unknown]> = [
          ['createFocalLossAccumulator.fromState', () => createFocalLossAccumulator.fromState(state)],
          ['focalLossAccumulator.merge', () => createFocalLossAccumulator({ backend }).merge(state)],
        ];
        for (const [fn, call] of calls) {
          expect(call, fn).toThrow(Kind);
          expect(call, fn).toThrow(new RegExp(`^${fn.replace('.', '\\.')}: ${names.source}`));
        }
      });
    }

    it(`${backend}: a merge that is refused leaves the accumulator as it was`, () => {
      const acc = createFocalLossAccumulator({ backend }).update([1], [[0.5, 0.5]]);
      const before = JSON.stringify(acc.state());
      const state = valid();
      state.perClass[0][2] = 5;
      expect(() => acc.merge(state)).toThrow(RangeError);
      expect(JSON.stringify(acc.state())).toBe(before);
    });

    it(`${backend}: binary states: the per-column counts must equal count (every element counts in its column)`, () => {
      const acc = createBinaryFocalLossAccumulator({ backend }).update([[1, 0]], [[0.6, 0.3]]);
      const state: AccumulatorState = JSON.parse(JSON.stringify(acc.state()));
      expect(state.count).toBe(2);
      state.perClass[1][2] = 0;
      const call = () => createBinaryFocalLossAccumulator.fromState(state);
      expect(call).toThrow(RangeError);
      expect(call).toThrow(/^createBinaryFocalLossAccumulator\.fromState: state\.perClass counts add up to 1, but state\.count = 2: they must equal it$/);
    });

    it(`${backend}: fromState's bad options are errors of fromState, not of update (item 18)`, () => {
      const state = valid();
      (state.options as Record<string, unknown>).gamma = 'two';
      expect(() => createFocalLossAccumulator.fromState(state)).toThrow(/^createFocalLossAccumulator\.fromState: state\.options: gamma must be a number/);
      const binary: AccumulatorState = JSON.parse(JSON.stringify(createBinaryFocalLossAccumulator({ backend }).state()));
      (binary.options as Record<string, unknown>).alpha = 2;
      expect(() => createBinaryFocalLossAccumulator.fromState(binary)).toThrow(/^createBinaryFocalLossAccumulator\.fromState: state\.options: alpha/);
    });

    it(`${backend}: class indices and target rows in one accumulator: its state round-trips and merges; perClass holds the class-index samples`, () => {
      const acc = createFocalLossAccumulator({ backend });
      acc.update([0, 1], [[0.6, 0.4], [0.3, 0.7]]);
      // Target rows: Σ_c y_c · (−(1 − p_c)² ln p_c).
      acc.update([[1, 0], [0.5, 0.5]], [[0.8, 0.2], [0.4, 0.6]]);
      const rowsLoss = fl(0.8) + 0.5 * fl(0.4) + 0.5 * fl(0.6);
      const copy = createFocalLossAccumulator.fromState(JSON.parse(JSON.stringify(acc.state())));
      const merged = createFocalLossAccumulator({ backend }).merge(acc.state()).merge(copy);
      for (const [what, a, times] of [['copy', copy, 1], ['merged twice', merged, 2]] as const) {
        const summary = a.summary();
        expect(summary.count, what).toBe(4 * times);
        expect(near(summary.sum, times * (fl(0.6) + fl(0.7) + rowsLoss)), what).toBe(true);
        expect(summary.perClass.map((c) => c.count), what).toEqual([times, times]);
        expect(near(summary.perClass[0].sum, times * fl(0.6)) && near(summary.perClass[1].sum, times * fl(0.7)), what).toBe(true);
      }
    });
  }
});
