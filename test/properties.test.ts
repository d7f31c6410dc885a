import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, focalLoss } from '../src/index.js';

// Batches of N rows of C probabilities (normalised) or logits, with labels in range.
const batch = (fromLogits: boolean) =>
  fc.integer({ min: 1, max: 12 }).chain((classes) =>
    fc.record({
      classes: fc.constant(classes),
      labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: 1, maxLength: 40 }),
      seed: fc.array(
        fromLogits
          ? fc.double({ min: -1000, max: 1000, noNaN: true })
          : fc.double({ min: 0, max: 1, noNaN: true }),
        { minLength: classes * 40, maxLength: classes * 40 },
      ),
    }).map(({ classes, labels, seed }) => {
      const rows = labels.map((_, i) => {
        const row = seed.slice(i * classes, (i + 1) * classes);
        if (fromLogits) return row;
        const total = row.reduce((a, b) => a + b, 0);
        return total > 0 ? row.map((v) => Math.min(1, v / total)) : row.map(() => 1 / classes);
      });
      return { classes, labels, rows };
    }),
  );

const gamma = fc.oneof(
  fc.constantFrom(0, 0.5, 1, 1.5, 2, 3, 5),
  fc.double({ min: 0, max: 8, noNaN: true }),
);

const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));

describe('laws', () => {
  for (const fromLogits of [false, true]) {
    const mode = fromLogits ? 'logits' : 'probabilities';

    it(`${mode}: the wasm path equals the JS path within 1e-12, per sample`, () => {
      fc.assert(
        fc.property(batch(fromLogits), gamma, ({ labels, rows }, g) => {
          const wasm = focalLoss(labels, rows, { gamma: g, fromLogits, reduction: 'none', backend: 'wasm' });
          const js = focalLoss(labels, rows, { gamma: g, fromLogits, reduction: 'none', backend: 'js' });
          for (let i = 0; i < labels.length; i++) {
            if (!relClose(wasm[i], js[i], 1e-12) && wasm[i] !== js[i]) return false;
          }
          return true;
        }),
        { numRuns: 300 },
      );
    });

    it(`${mode}: gamma = 0 is cross-entropy, -ln p_t`, () => {
      fc.assert(
        fc.property(batch(fromLogits), ({ labels, rows }) => {
          const loss = focalLoss(labels, rows, { gamma: 0, fromLogits, epsilon: 0, reduction: 'none' });
          return labels.every((t, i) => {
            const row = rows[i];
            let ce: number;
            if (fromLogits) {
              // log-sum-exp written independently of the library: shift by the max.
              const m = Math.max(...row);
              ce = m - row[t] + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
            } else {
              ce = -Math.log(row[t]);
            }
            return Math.abs(loss[i] - ce) <= 1e-12 * Math.max(1, Math.abs(ce)) || loss[i] === ce;
          });
        }),
        { numRuns: 200 },
      );
    });

    it(`${mode}: the mean is invariant under permuting samples`, () => {
      const permuted = batch(fromLogits).chain((b) =>
        fc.tuple(
          fc.constant(b),
          fc.shuffledSubarray(b.labels.map((_, i) => i), { minLength: b.labels.length, maxLength: b.labels.length }),
        ),
      );
      fc.assert(
        fc.property(permuted, gamma, ([{ labels, rows }, order], g) => {
          const a = focalLoss(labels, rows, { gamma: g, fromLogits });
          const b = focalLoss(order.map((i) => labels[i]), order.map((i) => rows[i]), { gamma: g, fromLogits });
          return relClose(a, b, 1e-13) || a === b;
        }),
        { numRuns: 200 },
      );
    });

    it(`${mode}: a scalar alpha scales the loss linearly`, () => {
      fc.assert(
        fc.property(batch(fromLogits), gamma, fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 100, noNaN: true })), ({ labels, rows }, g, a) => {
          const base = focalLoss(labels, rows, { gamma: g, fromLogits, reduction: 'sum' });
          const scaled = focalLoss(labels, rows, { gamma: g, fromLogits, reduction: 'sum', alpha: a });
          return relClose(scaled, a * base, 1e-13) || scaled === a * base;
        }),
        { numRuns: 200 },
      );
    });
  }

  it('larger gamma never increases a sample loss (0 <= 1 - p_t <= 1)', () => {
    fc.assert(
      fc.property(batch(false), gamma, gamma, ({ labels, rows }, g1, g2) => {
        const [lo, hi] = g1 <= g2 ? [g1, g2] : [g2, g1];
        const a = focalLoss(labels, rows, { gamma: lo, reduction: 'none' });
        const b = focalLoss(labels, rows, { gamma: hi, reduction: 'none' });
        return a.every((v, i) => b[i] <= v * (1 + 1e-15));
      }),
      { numRuns: 200 },
    );
  });
});


describe('binaryFocalLoss laws', () => {
  const elements = (fromLogits: boolean) =>
    fc.array(
      fc.tuple(
        fromLogits ? fc.double({ min: -1000, max: 1000, noNaN: true }) : fc.double({ min: 0, max: 1, noNaN: true }),
        fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })),
      ),
      { minLength: 1, maxLength: 60 },
    );

  for (const fromLogits of [false, true]) {
    it(`${fromLogits ? 'logits' : 'probabilities'}: wasm equals JS within 1e-12, per element`, () => {
      fc.assert(
        fc.property(elements(fromLogits), gamma, fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }), (pairs, g, a) => {
          const yPred = pairs.map(([x]) => x);
          const yTrue = pairs.map(([, t]) => t);
          const options = { gamma: g, alpha: a, fromLogits, reduction: 'none' as const };
          const wasm = binaryFocalLoss(yTrue, yPred, { ...options, backend: 'wasm' });
          const js = binaryFocalLoss(yTrue, yPred, { ...options, backend: 'js' });
          return wasm.every((v, i) => v === js[i] || relClose(v, js[i], 1e-12) || Math.abs(v - js[i]) < 1e-300);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('gamma = 0 without alpha is binary cross-entropy', () => {
    fc.assert(
      fc.property(elements(false), (pairs) => {
        const yPred = pairs.map(([x]) => x);
        const yTrue = pairs.map(([, t]) => t);
        const loss = binaryFocalLoss(yTrue, yPred, { gamma: 0, reduction: 'none' });
        return pairs.every(([x, t], i) => {
          const p = Math.min(Math.max(x, 1e-7), 1 - 1e-7);
          const bce = -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
          return Math.abs(loss[i] - bce) <= 1e-9 * Math.max(1, bce);
        });
      }),
      { numRuns: 200 },
    );
  });
});
