import { describe, expect, it } from 'vitest';
import { asymmetricLossGrad, binaryFocalLossGrad, focalLossGrad } from '../src/index.js';
import { BACKENDS, expectClose } from './helpers.js';

// Issue 16, items 1 and 7, for every loss and Poly-1: the gradient where p equals a hard target
// with epsilon 0 (a finite limit, not NaN), and under a normalizer of 2^-1022 (a scale of 2^1022,
// applied so that an entry whose true value is finite stays finite). Expected values from the
// derivatives written out here, d/dp of each loss's term at the point.

const ln = Math.log;
/** d/dp of -(1 - p)^g ln p + eps (1 - p)^(g + 1): a focal term of p_t = p, with Poly-1. */
const focalSlope = (p: number, g: number, eps = 0) => g * (1 - p) ** (g - 1) * ln(p) - (1 - p) ** g / p - eps * (g + 1) * (1 - p) ** g;
/** d/dp of -p^g ln(1 - p): the asymmetric loss's negative term with margin 0. */
const negativeSlope = (p: number, g: number) => g * p ** (g - 1) * -ln(1 - p) + p ** g / (1 - p);

describe('the gradient where p is exactly a hard target, with epsilon 0 (issue 16.1): the finite limit', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: binaryFocalLossGrad and asymmetricLossGrad, gamma 0 and above, Poly-1`, () => {
      for (const gamma of [0, 0.5, 1, 2, 1000]) {
        // gamma 0: the cross-entropy's -1/p and 1/(1 - p) at 1, over the mean's 2; gamma > 0: (1 - p_t)^gamma makes it 0.
        const limit = gamma === 0 ? 0.5 : 0;
        for (const poly1 of [0, 0.5, -1]) {
          const r = binaryFocalLossGrad([1, 0], [1, 0], { epsilon: 0, gamma, poly1, backend });
          expect(r.loss).toBe(0);
          // Poly-1 adds eps (gamma + 1) (1 - p_t)^gamma (1 - 2y): eps at gamma 0.
          const poly = gamma === 0 ? poly1 / 2 : 0;
          expect(Array.from(r.grad).map((g) => g + 0)).toEqual([-(limit + poly) + 0, limit + poly + 0]);
        }
        const a = asymmetricLossGrad([1, 0], [1, 0], { epsilon: 0, gammaPos: gamma, gammaNeg: gamma, clip: 0, backend });
        expect(a.loss).toBe(0);
        expect(Array.from(a.grad).map((g) => g + 0)).toEqual([-limit + 0, limit + 0]);
        // With a margin, p = 0 is below it: the negative term's gradient is 0.
        const m = asymmetricLossGrad([1, 0], [1, 0], { epsilon: 0, gammaPos: gamma, gammaNeg: gamma, clip: 0.05, backend });
        expect(Array.from(m.grad).map((g) => g + 0)).toEqual([-limit + 0, 0]);
        const f = focalLossGrad([0, 1], [[1, 0], [0, 1]], { epsilon: 0, gamma, poly1: 0.5, backend });
        expect(f.loss).toBe(0);
        expect(Array.from(f.grad).every(Number.isFinite)).toBe(true);
      }
    });
  }
});

describe('a normalizer of 2^-1022 (issue 16.7): finite entries stay finite and exact', () => {
  const normalizer = 2 ** -1022;
  const scale = 2 ** 1022;
  for (const backend of BACKENDS) {
    it(`${backend}: focalLossGrad (with Poly-1), binaryFocalLossGrad and asymmetricLossGrad`, () => {
      for (const poly1 of [0, 1]) {
        const f = focalLossGrad([0, 1], [[0.5, 0.5], [0.4, 0.6]], { gamma: 2, poly1, normalizer, backend });
        expectClose(f.grad[0], focalSlope(0.5, 2, poly1) * scale, 'focal grad[0]');
        expectClose(f.grad[3], focalSlope(0.6, 2, poly1) * scale, 'focal grad[3]');
        expect([f.grad[1], f.grad[2]]).toEqual([0, 0]);
        expect(Number.isFinite(f.loss)).toBe(true);
      }
      const b = binaryFocalLossGrad([1, 0], [0.5, 0.5], { gamma: 2, normalizer, backend });
      expectClose(b.grad[0], focalSlope(0.5, 2) * scale, 'binary grad[0]');
      expectClose(b.grad[1], -focalSlope(0.5, 2) * scale, 'binary grad[1]');
      const a = asymmetricLossGrad([1, 0], [0.5, 0.5], { gammaPos: 0, gammaNeg: 4, clip: 0, normalizer, backend });
      expectClose(a.grad[0], focalSlope(0.5, 0) * scale, 'asymmetric grad[0]');
      expectClose(a.grad[1], negativeSlope(0.5, 4) * scale, 'asymmetric grad[1]');
      // Logits: d/dx = d/dp p (1 - p).
      const l = asymmetricLossGrad([1, 0], [0, 0], { gammaPos: 0, gammaNeg: 4, clip: 0, fromLogits: true, normalizer, backend });
      expectClose(l.grad[0], focalSlope(0.5, 0) * 0.25 * scale, 'asymmetric logit grad[0]');
      expectClose(l.grad[1], negativeSlope(0.5, 4) * 0.25 * scale, 'asymmetric logit grad[1]');
    });

    it(`${backend}: a Float32Array gradOut with a normalizer below 1 is rounded once from the exact entry`, () => {
      const gradOut = new Float32Array(4);
      focalLossGrad([0, 1], [[0.5, 0.5], [0.4, 0.6]], { gamma: 2, normalizer: 2 ** -100 / 3, gradOut, backend });
      expect(gradOut[0]).toBe(Math.fround(focalSlope(0.5, 2) * 3 * 2 ** 100));
      expect(gradOut[3]).toBe(Math.fround(focalSlope(0.6, 2) * 3 * 2 ** 100));
    });
  }
});
