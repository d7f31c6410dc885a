import { expect } from 'vitest';

// Two accumulators' summaries (or states) compared number by number: integers (counts, rows)
// and nulls equal, other numbers within 1e-12 relative: what exact merges promise.

const relClose = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

export function expectSame(a: unknown, b: unknown, path = 'summary'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b)) expect(a, path).toBe(b);
    else expect(relClose(a, b), `${path}: ${a} vs ${b}`).toBe(true);
    return;
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    expect(a, path).toEqual(b);
    return;
  }
  expect(Object.keys(a).sort(), path).toEqual(Object.keys(b).sort());
  for (const key of Object.keys(a)) expectSame((a as never)[key], (b as never)[key], `${path}.${key}`);
}
