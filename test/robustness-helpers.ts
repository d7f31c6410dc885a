// What the robustness tests of issue 8 (test/robustness-*.test.ts) share: a tolerance check
// that handles subnormals and infinities, checks of the errors thrown, a small batch whose loss
// is written out from the formula, a check that the library works normally after an error, and
// the kernel's own bytes (to put it back with init()). Shared suite: no node: imports.
import { expect } from 'vitest';
import { backendInfo, binaryFocalLoss, createWorkspace, focalLoss } from '../src/index.js';
import { SIMD_WASM_BASE64 } from '../src/generated/kernel-base64.js';
import { BACKENDS } from './helpers.js';

export type Backend = (typeof BACKENDS)[number];
export type Expected = number | 'inf';
export type Rows = ArrayLike<ArrayLike<number>>;

export const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** |actual - want| <= tol |want| for normal values; subnormals to 1e-320; zeros and infinities exactly. */
export function close(actual: number, expected: Expected, tol = 1e-12, label = ''): void {
  const want = expected === 'inf' ? Infinity : expected;
  if (!Number.isFinite(want)) {
    expect(actual, label).toBe(want);
  } else if (Math.abs(want) < SMALLEST_NORMAL) {
    expect(Math.abs(actual - want), `${label}: got ${actual}, want ${want}`).toBeLessThanOrEqual(1e-320);
  } else {
    const rel = Math.abs(actual - want) / Math.abs(want);
    expect(rel, `${label}: got ${actual}, want ${want} (relative error ${rel})`).toBeLessThanOrEqual(tol);
  }
}

export function allClose(actual: unknown, expected: Expected[], tol = 1e-12, label = ''): void {
  expect(actual).toBeInstanceOf(Float64Array);
  const a = actual as Float64Array;
  expect(a.length).toBe(expected.length);
  expected.forEach((e, i) => close(a[i], e, tol, `${label}[${i}]`));
}

/** What a call threw (fails the test if it did not throw). */
export function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw, but it returned');
}

export const RAW_ENGINE = /Cannot mix BigInt|Cannot convert a Symbol|Cannot convert a BigInt|Cannot use 'in' operator|Invalid typed array length|Array buffer allocation failed|is not a function|Cannot read properties/;

/** A TypeError or RangeError of the kind asked for, whose message starts with `fn:` and has every fragment. */
export function expectError(call: () => unknown, kind: typeof TypeError | typeof RangeError, fn: string, ...fragments: RegExp[]): Error {
  const error = thrown(call);
  expect(error, `${error?.constructor?.name}: ${error?.message}`).toBeInstanceOf(kind);
  expect(error.message.startsWith(`${fn}: `), error.message).toBe(true);
  expect(error.message).not.toMatch(RAW_ENGINE);
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
  return error;
}

// A known batch and its loss, from the formula: -(1 - p_t)^2 ln p_t, mean over 2 samples.
export const rows = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]];
export const labels = [0, 1];
export const good = (-(0.3 ** 2) * Math.log(0.7) - 0.2 ** 2 * Math.log(0.8)) / 2;
export const goodLogits = (() => {
  // softmax by hand, gamma 2: loss_i = -(1 - p_t)^2 ln p_t.
  let total = 0;
  rows.forEach((r, i) => {
    const m = Math.max(...r);
    const sum = r.reduce((s, x) => s + Math.exp(x - m), 0);
    const logP = r[labels[i]] - m - Math.log(sum);
    total += -((1 - Math.exp(logP)) ** 2) * logP;
  });
  return total / 2;
})();
export const goodBinary = (-(0.7 ** 2) * Math.log(0.3) - 0.2 ** 2 * Math.log(0.8)) / 2; // yTrue [1, 1], yPred [0.3, 0.8]

/** The library works on every backend: focalLoss (probabilities, logits), binaryFocalLoss, a workspace. */
export function expectWorking(): void {
  for (const backend of BACKENDS) {
    close(focalLoss(labels, rows, { backend }), good, 1e-15, `${backend} focalLoss`);
    close(focalLoss(labels, Float64Array.from(rows.flat()), { backend }), good, 1e-15, `${backend} flat`);
    close(focalLoss(labels, rows, { backend, fromLogits: true }), goodLogits, 1e-14, `${backend} logits`);
    close(binaryFocalLoss([1, 1], [0.3, 0.8], { backend }), goodBinary, 1e-15, `${backend} binary`);
    const ws = createWorkspace({ rows: 2, classes: 3, backend });
    ws.predictions.set(rows.flat());
    ws.labels.set(labels);
    close(ws.loss(), good, 1e-15, `${backend} workspace`);
    ws.dispose();
  }
  const info = backendInfo();
  expect(info.backend).toBe('wasm');
  expect('reason' in info).toBe(false);
}

export function kernelBytes(): Uint8Array {
  const text = atob(SIMD_WASM_BASE64);
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
