// Shared by the pool tests (pool-loss, pool-errors, pool-lifecycle): seeded batches, the
// comparison of a pool's result or error with the one-shot call's, and the pools they share.
import { afterAll, beforeAll, expect } from 'vitest';
import { createFocalLossPool, type FocalLossPool } from '../../dist/index.js';
import { random } from '../random.js';

export function shared<T extends Float64Array | Float32Array | Int32Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

interface Data {
  n: number;
  classes: number;
  labels: number[];
  probabilities: Float64Array;
  logits: Float32Array;
  targets: number[][];
  weights: number[];
}

export function data(n: number, classes: number, seed = 7): Data {
  const rand = random(seed);
  const labels = Array.from({ length: n }, () => Math.floor(rand() * classes));
  const probabilities = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += probabilities[i * classes + c] = rand() ** 2 + 1e-3;
    for (let c = 0; c < classes; c++) probabilities[i * classes + c] /= total;
  }
  const logits = Float32Array.from({ length: n * classes }, () => (rand() - 0.5) * 16);
  const targets = Array.from({ length: n }, (_, i) => {
    const row = Array.from({ length: classes }, () => rand());
    const sum = row.reduce((a, b) => a + b, 0);
    return i % 3 === 0 ? row.map((_, c) => (c === labels[i] ? 1 : 0)) : row.map((v) => v / sum);
  });
  const weights = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : rand() * 3));
  return { n, classes, labels, probabilities, logits, targets, weights };
}

export const rowsOf = (flat: ArrayLike<number>, n: number, c: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(Array.prototype.slice.call(flat, i * c, (i + 1) * c) as number[]));

export function expectSame(actual: unknown, expected: number | Float64Array, label: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, label).toBe('number');
    const a = actual as number;
    if (expected === 0 || !Number.isFinite(expected)) expect(a, label).toBe(expected);
    else expect(Math.abs(a - expected) / Math.abs(expected), `${label}: ${a} vs ${expected}`).toBeLessThanOrEqual(1e-12);
    return;
  }
  expect(actual, label).toBeInstanceOf(Float64Array);
  const a = actual as Float64Array;
  expect(a.length, label).toBe(expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== expected[i] && Math.abs(a[i] - expected[i]) > 1e-12 * Math.abs(expected[i])) {
      expect(a[i], `${label}[${i}]`).toBe(expected[i]);
    }
  }
}

/** The one-shot call's error, or null. */
function thrown(call: () => unknown): Error | null {
  try {
    call();
    return null;
  } catch (error) {
    return error as Error;
  }
}

export async function expectSameError(pooled: Promise<unknown>, oneShot: () => unknown, label = ''): Promise<void> {
  const expected = thrown(oneShot);
  expect(expected, `${label}: the one-shot call must throw`).not.toBeNull();
  const error = await pooled.then(() => null, (e: Error) => e);
  expect(error, `${label}: the pool must reject`).not.toBeNull();
  expect(error!.constructor, label).toBe(expected!.constructor);
  expect(error!.message, label).toBe(expected!.message);
}

export const REDUCTIONS = ['mean', 'sum', 'none', 'weightedMean'] as const;

/** One pool of each size from 1 to 4 workers, started before a file's tests and closed after them. */
export function usePools(): FocalLossPool[] {
  const pools: FocalLossPool[] = [];
  beforeAll(async () => {
    for (let workers = 1; workers <= 4; workers++) pools.push(createFocalLossPool({ workers }));
    await Promise.all(pools.map((p) => p.ready()));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });
  return pools;
}

// 20,011 rows of 10 classes: 5 chunks of 4096 rows, so 1-4 workers get uneven slices.
export const N = 20_011;
export const C = 10;
export const d = data(N, C);
