import { expect } from 'vitest';
import reference from './fixtures/reference.json' with { type: 'json' };

export const BACKENDS = ['wasm', 'js'] as const;

export type Expected = number | 'inf';

export interface Case {
  name: string;
  dtype?: 'f64' | 'f32';
  positional?: [number, number[] | null];
  yTrue: number[];
  yPred: number[][];
  options: Record<string, unknown>;
  expected: { sum: Expected; mean: Expected; none: Expected[] };
}

export const cases = reference.cases as Case[];

const value = (e: Expected): number => (e === 'inf' ? Infinity : e);

const SMALLEST_NORMAL = 2.2250738585072014e-308;

/**
 * |actual - expected| <= 1e-12 |expected|, with infinities and zeros matched exactly.
 * Subnormal results carry fewer than 53 bits, so those need only agree to 1e-320.
 */
export function expectClose(actual: number, expected: Expected, label = ''): void {
  const want = value(expected);
  if (!Number.isFinite(want) || want === 0) {
    expect(actual, label).toBe(want);
    return;
  }
  if (Math.abs(want) < SMALLEST_NORMAL) {
    expect(Math.abs(actual - want), `${label}: got ${actual}, want ${want}`).toBeLessThanOrEqual(1e-320);
    return;
  }
  const rel = Math.abs(actual - want) / Math.abs(want);
  expect(rel, `${label}: got ${actual}, want ${want}`).toBeLessThanOrEqual(1e-12);
}

export function expectAllClose(actual: Float64Array, expected: Expected[], label = ''): void {
  expect(actual).toBeInstanceOf(Float64Array);
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expectClose(actual[i], e, `${label}[${i}]`));
}

/** The same batch in every input layout the API accepts, for a case's dtype. */
export function layouts(c: Case): Array<[string, ArrayLike<number> | ArrayLike<ArrayLike<number>>]> {
  const flat = c.yPred.flat();
  const f32: Array<[string, ArrayLike<number> | ArrayLike<ArrayLike<number>>]> = [
    ['Float32Array', Float32Array.from(flat)],
    ['Float32Array rows', c.yPred.map((r) => Float32Array.from(r))],
  ];
  if (c.dtype === 'f32') return f32;
  const f64: Array<[string, ArrayLike<number> | ArrayLike<ArrayLike<number>>]> = [
    ['number[][]', c.yPred],
    ['Float64Array', Float64Array.from(flat)],
    ['flat number[]', flat],
    ['Float64Array rows', c.yPred.map((r) => Float64Array.from(r))],
  ];
  return c.dtype === 'f64' ? f64 : [...f64, ...f32];
}

export const longBatch = reference.longBatch as Array<{ gamma: number; distinct: number; mean: number; sumPerRepeat: number }>;

export interface WeightedCase {
  name: string;
  yTrue: number[] | number[][];
  yPred: number[] | number[][];
  options: Record<string, unknown>;
  sampleWeight: number[];
  normalizer: number;
  expected: { sum: Expected; mean: Expected; weightedMean: Expected; normalized: Expected; none: Expected[] };
}

export const denseCases = reference.dense as WeightedCase[];
export const binaryCases = reference.binary as WeightedCase[];
export const keras = reference.keras;

/** Every reduction of a weighted case, checked against its mpmath values. */
export function expectWeightedReductions(
  loss: (options: Record<string, unknown>) => number | Float64Array, c: WeightedCase, backend: string,
): void {
  const options = { ...c.options, backend, sampleWeight: c.sampleWeight };
  expectClose(loss({ ...options, reduction: 'sum' }) as number, c.expected.sum, 'sum');
  expectClose(loss({ ...options, reduction: 'mean' }) as number, c.expected.mean, 'mean');
  expectClose(loss({ ...options, reduction: 'weightedMean' }) as number, c.expected.weightedMean, 'weightedMean');
  expectClose(loss({ ...options, normalizer: c.normalizer }) as number, c.expected.normalized, 'normalizer');
  expectAllClose(loss({ ...options, reduction: 'none' }) as Float64Array, c.expected.none, 'none');
}
