import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classBalancedAlpha, focalLoss, inverseFrequencyAlpha } from '../src/index.js';
import family from './fixtures/family.json' with { type: 'json' };

// inverseFrequencyAlpha / classBalancedAlpha against mpmath (test/fixtures/generate-family.py:
// the published formulas at 60 digits), and their laws.

interface WeightCase {
  name: string;
  kind: 'inverseFrequency' | 'classBalanced';
  counts: number[];
  beta?: number;
  weights: number[];
}

const cases = (family as unknown as { classWeights: WeightCase[] }).classWeights;

function relativeErrors(got: Float64Array, want: ArrayLike<number>, tol: number): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length}, want ${want.length}`];
  for (let c = 0; c < want.length; c++) {
    if (!(Math.abs(got[c] - want[c]) <= tol * Math.abs(want[c]))) bad.push(`w[${c}] = ${got[c]}, want ${want[c]}`);
    if (bad.length >= 5) break;
  }
  return bad;
}

const compute = (c: WeightCase) =>
  c.kind === 'inverseFrequency' ? inverseFrequencyAlpha(c.counts) : classBalancedAlpha(c.counts, { beta: c.beta });

describe('class weights against mpmath', () => {
  it('has the cases the generator writes', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, () => {
      const got = compute(c);
      expect(got).toBeInstanceOf(Float64Array);
      expect(relativeErrors(got, c.weights, 1e-13)).toEqual([]);
    });
  }

  it('reads counts from number[], typed arrays, BigInt64Array and arrays of BigInts alike', () => {
    const c = cases.find((k) => k.kind === 'classBalanced' && k.name.startsWith('ten classes'))!;
    const inputs = [
      c.counts, Int32Array.from(c.counts), Uint32Array.from(c.counts), Float64Array.from(c.counts),
      BigInt64Array.from(c.counts.map(BigInt)), BigUint64Array.from(c.counts.map(BigInt)), c.counts.map(BigInt),
    ];
    for (const counts of inputs) {
      expect(relativeErrors(classBalancedAlpha(counts, { beta: c.beta }), c.weights, 1e-13), counts.constructor.name).toEqual([]);
    }
  });

  it('the weights are what alpha takes', () => {
    const alpha = inverseFrequencyAlpha([3, 1]);
    const loss = focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], { gamma: 0, alpha, reduction: 'sum' });
    // -w_0 ln 0.7 - w_1 ln 0.6 with w = 4 / (2 * [3, 1]).
    expect(loss).toBeCloseTo((-2 / 3) * Math.log(0.7) - 2 * Math.log(0.6), 14);
  });
});

const countsArb = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 20 });

describe('class weight laws (fast-check)', () => {
  it('equal counts give all ones, for both', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 0.99999, noNaN: true }), (n, c, beta) => {
        const counts = new Array<number>(c).fill(n);
        expect(Array.from(inverseFrequencyAlpha(counts))).toEqual(new Array<number>(c).fill(1));
        for (const w of classBalancedAlpha(counts, { beta })) expect(Math.abs(w - 1)).toBeLessThanOrEqual(1e-15);
      }),
    );
  });

  it('inverse frequency is scale invariant: k times every count gives the same weights', () => {
    fc.assert(
      fc.property(countsArb, fc.integer({ min: 2, max: 1000 }), (counts, k) => {
        const base = inverseFrequencyAlpha(counts);
        const scaled = inverseFrequencyAlpha(counts.map((n) => n * k));
        // Both are the correctly rounded N / (C n_c): N and C n_c are exact at these sizes.
        expect(Array.from(scaled)).toEqual(Array.from(base));
      }),
    );
  });

  it('class-balanced weights sum to C', () => {
    fc.assert(
      fc.property(countsArb, fc.double({ min: 0, max: 0.999999, noNaN: true }), (counts, beta) => {
        const sum = classBalancedAlpha(counts, { beta }).reduce((s, w) => s + w, 0);
        expect(Math.abs(sum - counts.length)).toBeLessThanOrEqual(1e-13 * counts.length);
      }),
    );
  });

  it('beta = 0 gives all ones, and beta -> 0 tends to them', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        expect(Array.from(classBalancedAlpha(counts, { beta: 0 }))).toEqual(counts.map(() => 1));
        // w_c / (1 - beta) = 1 / (1 - beta^n_c) is 1 + beta + ... for n_c > 1: within beta of 1 after scaling.
        for (const w of classBalancedAlpha(counts, { beta: 1e-9 })) expect(Math.abs(w - 1)).toBeLessThanOrEqual(2e-9);
        for (const w of classBalancedAlpha(counts, { beta: 1e-300 })) expect(w).toBe(1);
      }),
    );
  });

  it('as beta -> 1 they tend to inverse frequency scaled to sum to C', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 }), (counts) => {
        const inverse = inverseFrequencyAlpha(counts);
        const sum = inverse.reduce((s, w) => s + w, 0);
        const limit = inverse.map((w) => (counts.length * w) / sum);
        // 1 - beta^n = n (1 - beta) (1 - (n - 1)(1 - beta) / 2 + ...): relative distance about n (1 - beta).
        const got = classBalancedAlpha(counts, { beta: 1 - 1e-12 });
        expect(relativeErrors(got, limit, 2e-9)).toEqual([]);
      }),
    );
  });
});

describe('class weights: bad input', () => {
  for (const [name, fn] of [
    ['inverseFrequencyAlpha', (counts: unknown) => inverseFrequencyAlpha(counts as number[])],
    ['classBalancedAlpha', (counts: unknown) => classBalancedAlpha(counts as number[])],
  ] as const) {
    it(`${name}: a zero count is a RangeError naming the class`, () => {
      expect(() => fn([5, 0, 3])).toThrow(RangeError);
      expect(() => fn([5, 0, 3])).toThrow(/counts\[1\] = 0: class 1 has no samples/);
      expect(() => fn(new BigInt64Array([5n, 2n, 0n]))).toThrow(/class 2 has no samples/);
    });

    it(`${name}: counts that are not non-negative safe integers are RangeErrors naming the entry`, () => {
      for (const [counts, shown] of [
        [[1, -2], 'counts\\[1\\] = -2'], [[1.5, 2], 'counts\\[0\\] = 1.5'], [[1, NaN], 'counts\\[1\\] = NaN'],
        [[1, Infinity], 'counts\\[1\\] = Infinity'], [[2 ** 53, 1], 'counts\\[0\\] = 9007199254740992'],
        [[1n, 2n ** 60n], 'counts\\[1\\] = 1152921504606846976n'], [[], 'counts is empty'],
      ] as Array<[unknown, string]>) {
        expect(() => fn(counts), shown).toThrow(RangeError);
        expect(() => fn(counts), shown).toThrow(new RegExp(`${name}: ${shown}`));
      }
    });

    it(`${name}: counts that are not an array of numbers are TypeErrors`, () => {
      for (const counts of [undefined, null, 3, 'abc', { a: 1 }, [1, '2'], [1, null]]) {
        expect(() => fn(counts), String(counts)).toThrow(TypeError);
        expect(() => fn(counts), String(counts)).toThrow(new RegExp(`${name}: counts`));
      }
      // It works normally afterwards.
      expect(Array.from(fn([2, 2]))).toEqual([1, 1]);
    });
  }

  it('classBalancedAlpha: beta outside [0, 1) is a RangeError, a wrong type a TypeError', () => {
    for (const beta of [1, -0.1, 1.5, NaN, Infinity]) {
      expect(() => classBalancedAlpha([1, 2], { beta }), String(beta)).toThrow(RangeError);
      expect(() => classBalancedAlpha([1, 2], { beta }), String(beta)).toThrow(/classBalancedAlpha: beta must be in \[0, 1\)/);
    }
    expect(() => classBalancedAlpha([1, 2], { beta: '0.9' as unknown as number })).toThrow(TypeError);
    expect(() => classBalancedAlpha([1, 2], { betta: 0.9 } as unknown as { beta: number })).toThrow(/did you mean "beta"/);
    expect(() => classBalancedAlpha([1, 2], 0.9 as unknown as { beta: number })).toThrow(TypeError);
  });
});
