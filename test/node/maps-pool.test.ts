// Maps on the worker pool: channels-first batches are cut into parts of whole chunks, which
// cut images (a part then carries its pixels' class planes); results equal the one-shot
// call's (losses per pixel and gradients exactly, the reduced loss within 1e-12), errors name
// the same entry. Uses the build (dist/), whose worker script it loads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binaryFocalLossGrad, createFocalLossAccumulator, createFocalLossPool, focalLoss, focalLossGrad, type FocalLossPool,
} from '../../dist/index.js';
import { expectSame } from '../same-summary.js';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

function shared<T extends Float64Array | Float32Array | Int32Array | Uint8Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

/** Where two arrays first differ (-1: equal, bit for bit): vitest's toEqual takes minutes over a million entries. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

let pool: FocalLossPool;
beforeAll(async () => {
  pool = createFocalLossPool({ workers: 2 });
  expect((await pool.ready()).threads).toBe('worker_threads');
});
afterAll(() => pool.close());

// One image larger than a part (parts cut it), and several images that parts cut anywhere.
for (const dims of [[1, 19, 240, 250], [5, 6, 70, 71]]) {
  describe(`channels-first ${JSON.stringify(dims)}`, () => {
    const rand = random(dims[1]);
    const C = dims[1];
    const size = dims.reduce((a, b) => a * b, 1);
    const logits = Float32Array.from({ length: size }, () => (rand() - 0.5) * 8);
    const masks = Uint8Array.from({ length: size / C }, () => (rand() < 0.03 ? 255 : Math.floor(rand() * C)));
    const perImage = Float64Array.from({ length: dims[0] }, () => 0.5 + rand());
    const perPixel = Float64Array.from({ length: size / C }, () => rand() * 2);
    const base = { fromLogits: true, shape: dims, axis: 1, ignoreIndex: 255 };

    for (const [name, options] of [
      ['mean', {}], ['sum', { reduction: 'sum' }], ['none', { reduction: 'none' }],
      ['weightedMean, a weight per image', { reduction: 'weightedMean', sampleWeight: perImage }],
      ['mean, a weight per pixel', { sampleWeight: perPixel }],
    ] as const) {
      it(`loss and gradient equal the one-shot call's: ${name}`, async () => {
        const o = { ...base, ...options };
        const one = focalLossGrad(masks, logits, o as never);
        for (const [y, p] of [[masks, logits], [shared(masks), shared(logits)]] as const) {
          const got = await pool.focalLossGrad(y, p, o as never);
          if (typeof one.loss === 'number') expect(close(got.loss as number, one.loss), `${got.loss} vs ${one.loss}`).toBe(true);
          else expect(firstDifference(got.loss as Float64Array, one.loss)).toBe(-1);
          expect(firstDifference(got.grad, one.grad)).toBe(-1);
          const loss = await pool.focalLoss(y, p, o as never);
          if (typeof loss === 'number') expect(loss).toBe(got.loss);
          else expect(firstDifference(loss, got.loss as Float64Array)).toBe(-1);
        }
      });
    }

    it('an accumulator\'s updateOn: the sums, per-class sums and per-pixel diagnostics of update()', async () => {
      const options = { fromLogits: true, axis: 1, ignoreIndex: 255, diagnostics: { hardest: 10, bins: 10 }, firstRow: 7 };
      const [yTrue, yPred] = [{ data: masks, shape: [dims[0], ...dims.slice(2)] }, { data: logits, shape: dims }];
      const here = createFocalLossAccumulator(options).update(yTrue, yPred, perImage);
      const there = await createFocalLossAccumulator(options).updateOn(pool, yTrue, yPred, perImage);
      expectSame(there.summary(), here.summary());
    });

    it('binary maps (labels on axis 1), element losses in yPred\'s layout', async () => {
      const targets = Float32Array.from(logits, (x) => (x > 1 ? 1 : 0));
      const o = { fromLogits: true, shape: dims, axis: 1, reduction: 'none' } as const;
      const one = binaryFocalLossGrad(targets, logits, o);
      const got = await pool.binaryFocalLossGrad(targets, logits, o);
      expect(firstDifference(got.loss, one.loss)).toBe(-1);
      expect(firstDifference(got.grad, one.grad)).toBe(-1);
    });

    it('a bad value deep in the batch is named as the one-shot call names it', async () => {
      const bad = Float32Array.from(logits);
      bad[size - 7] = NaN;
      const message = (() => {
        try {
          focalLoss(masks, bad, base);
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error('no error');
      })();
      expect(message).toMatch(/^focalLoss: yPred\[\d+, \d+, \d+, \d+\] = NaN is not a valid logit/);
      await expect(pool.focalLoss(masks, bad, base)).rejects.toThrow(message);
    });
  });
}
