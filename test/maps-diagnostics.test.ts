import { describe, expect, it } from 'vitest';
import { createBinaryFocalLossAccumulator, createFocalLossAccumulator } from '../src/index.js';
import { binarySamples, focalSamples, reference, type Settings } from './diagnostics-reference.js';
import { expectDiagnostics } from './expect-diagnostics.js';
import { BACKENDS } from './helpers.js';

// Diagnostics of maps: every pixel is a sample (binary: every pixel's K labels are its
// elements), numbered in yTrue's order (n, h, w) from the accumulator's firstRow. The
// reference (test/diagnostics-reference.ts) reads each pixel's classes by its coordinates here,
// so nothing in it knows how the library lays a channels-first map out.

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const SETTINGS: Settings = { hardest: 9, bins: 8, beta: 0.999 };

/** A channels-first [N, C, H, W] map: its values, and pixel i's C values read at (n, c, h, w). */
function nchw(N: number, C: number, H: number, W: number, value: (c: number) => number) {
  const values = Float32Array.from({ length: N * C * H * W }, (_, k) => value(Math.floor(k / (H * W)) % C));
  const pixel = (i: number) => {
    const [n, hw] = [Math.floor(i / (H * W)), i % (H * W)];
    return Array.from({ length: C }, (_, c) => values[(n * C + c) * H * W + hw]);
  };
  const rows = Array.from({ length: N * H * W }, (_, i) => pixel(i));
  // The same values channels-last: [N, H, W, C].
  const last = Float32Array.from(rows.flat());
  return { values, rows, last };
}

describe('diagnostics of maps equal their definitions, per pixel', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: channels-first and channels-last logits, void pixels, a weight per image, chunks that cut images`, () => {
      // 2 images of 40 × 60 pixels: 4800 samples, so the 4096-sample chunks cut the second image.
      const [N, C, H, W] = [2, 4, 40, 60];
      const rand = random(18);
      const labels = Uint8Array.from({ length: N * H * W }, () => (rand() < 0.03 ? 255 : Math.min(C - 1, Math.floor(-Math.log(rand()) / 0.8))));
      const { values, rows, last } = nchw(N, C, H, W, () => (rand() - 0.5) * 6);
      const imageWeights = [0.75, 1.5];
      const alpha = [0.5, 1, 2, 4];
      const options = { fromLogits: true, gamma: 2, alpha, ignoreIndex: 255, backend, diagnostics: SETTINGS, firstRow: 100 };
      const samples = focalSamples({
        labels: Array.from(labels), rows, gamma: 2, alpha, fromLogits: true, epsilon: 1e-7, ignoreIndex: 255, firstRow: 100,
        weights: rows.map((_, i) => imageWeights[Math.floor(i / (H * W))]),
      });
      const want = reference(samples, C, SETTINGS, false);
      const first = createFocalLossAccumulator({ ...options, axis: 1 })
        .update({ data: labels, shape: [N, H, W] }, { data: values, shape: [N, C, H, W] }, imageWeights);
      expectDiagnostics(first.summary(), want, false);
      const lastAcc = createFocalLossAccumulator(options).update({ data: labels, shape: [N, H, W] }, { data: last, shape: [N, H, W, C] }, imageWeights);
      expectDiagnostics(lastAcc.summary(), want, false);
      // One image per update: the rows go on from the first image's.
      const perImage = createFocalLossAccumulator({ ...options, axis: 1 });
      for (let n = 0; n < N; n++) {
        perImage.update({ data: labels.subarray(n * H * W, (n + 1) * H * W), shape: [1, H, W] },
          { data: values.subarray(n * C * H * W, (n + 1) * C * H * W), shape: [1, C, H, W] }, [imageWeights[n]]);
      }
      expectDiagnostics(perImage.summary(), want, false);
      expect(perImage.summary().diagnosed!.count).toBe(perImage.summary().count);
    });

    it(`${backend}: binary maps with the labels on axis 1: a pixel's K labels are its elements`, () => {
      const [N, K, H, W] = [2, 3, 20, 30];
      const rand = random(19);
      const { values: preds, rows: predRows } = nchw(N, K, H, W, () => (rand() - 0.5) * 6);
      const { values: targets, rows: targetRows } = nchw(N, K, H, W, (k) => (rand() < 0.2 + 0.3 * k ? 1 : 0));
      const samples = binarySamples({ targets: targetRows, preds: predRows, gamma: 2, alpha: 0.25, fromLogits: true, epsilon: 1e-7, firstRow: 0 });
      const acc = createBinaryFocalLossAccumulator({ fromLogits: true, alpha: 0.25, axis: 1, backend, diagnostics: SETTINGS })
        .update({ data: targets, shape: [N, K, H, W] }, { data: preds, shape: [N, K, H, W] });
      expectDiagnostics(acc.summary(), reference(samples, K, SETTINGS, true), true);
    });
  }
});
