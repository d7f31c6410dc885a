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

/** |actual - expected| <= 1e-12 |expected|, with infinities and zeros matched exactly. */
export function expectClose(actual: number, expected: Expected, label = ''): void {
  const want = value(expected);
  if (!Number.isFinite(want) || want === 0) {
    expect(actual, label).toBe(want);
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
