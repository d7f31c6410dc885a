import { expect } from 'vitest';
import type { AccumulatorSummary } from '../src/index.js';
import type { Reference } from './diagnostics-reference.js';

// A summary's diagnostics against test/diagnostics-reference.ts (the definitions, sample by
// sample): what test/diagnostics.test.ts and test/maps-diagnostics.test.ts check.

export const close = (a: number | null | undefined, b: number | null, what: string, tol = 1e-12) => {
  if (b === null || a === null || a === undefined) {
    expect(a, what).toBe(b);
    return;
  }
  expect(Math.abs(a - b), `${what}: got ${a}, want ${b}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-300));
};

/** Compares a summary's diagnostics with a reference; `count` and `sum` of the summary too when every sample was diagnosed. */
export function expectDiagnostics(s: AccumulatorSummary, ref: Reference, binary: boolean): void {
  expect(s.diagnosed!.count).toBe(ref.count);
  close(s.diagnosed!.lossSum, ref.lossSum, 'diagnosed.lossSum');
  close(s.crossEntropySum, ref.crossEntropySum, 'crossEntropySum');
  expect(s.easy!.threshold).toBe(0.5);
  expect(s.easy!.count).toBe(ref.easy.count);
  close(s.easy!.crossEntropySum, ref.easy.crossEntropySum, 'easy.crossEntropySum');
  close(s.easy!.lossSum, ref.easy.lossSum, 'easy.lossSum');
  expect(s.calibration!.bins.map((b) => b.count)).toEqual(ref.bins.map((b) => b.count));
  s.calibration!.bins.forEach((b, k) => {
    close(b.confidence, ref.bins[k].confidence, `bins[${k}].confidence`);
    close(b.accuracy, ref.bins[k].accuracy, `bins[${k}].accuracy`);
  });
  // The ECE is a sum of differences: compared absolutely (it lies in [0, 1]).
  if (ref.ece === null) expect(s.calibration!.ece).toBeNull();
  else expect(Math.abs(s.calibration!.ece! - ref.ece)).toBeLessThanOrEqual(1e-12);
  ref.perClass.forEach((c, k) => {
    const got = s.perClass[k];
    expect([got.correct, got.predicted], `perClass[${k}]`).toEqual([c.correct, c.predicted]);
    if (binary) expect(got.positives).toBe(c.truths);
    else expect(got.count).toBe(c.truths);
    close(got.recall, c.recall, `perClass[${k}].recall`);
    close(got.precision, c.precision, `perClass[${k}].precision`);
  });
  expect(s.hardest!.map((h) => [h.row, h.column, h.label])).toEqual(ref.hardest.map((h) => [h.row, h.column, h.label]));
  s.hardest!.forEach((h, k) => {
    close(h.loss, ref.hardest[k].loss, `hardest[${k}].loss`);
    close(h.pt, ref.hardest[k].pt, `hardest[${k}].pt`);
  });
}
