// Shared by the Node tests of focal-loss-wasm/tfjs (tfjs-losses, tfjs-training, tfjs-inputs):
// their tests run on tfjs' cpu and wasm backends, and tensors are compared within float32's
// precision.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tf.grad of the op-composed reference needs the ops' gradients, which tfjs-core's entry does not
// register (tfjs-layers' does, as a side effect, in the files that import it).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect } from 'vitest';

/** Relative tolerance of float32 results (the reference computes in float32). */
const RTOL = 2e-5;

export function expectTensorClose(got: tf.Tensor, want: tf.Tensor, where: string, rtol = RTOL): void {
  expect(got.shape, where).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  let scale = 0;
  for (const v of w) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i])) throw new Error(`${where}: the reference is not finite at ${i}; choose another case`);
    const allowed = rtol * (scale + Math.abs(w[i])) + 1e-12;
    if (!(Math.abs(g[i] - w[i]) <= allowed)) bad.push(`[${i}] ${g[i]} vs ${w[i]} (± ${allowed.toPrecision(2)})`);
    if (bad.length >= 6) break;
  }
  expect(bad, where).toEqual([]);
}

/** Declares `body`'s tests once per tfjs backend, in a describe block that sets that backend first. */
export function forEachBackend(body: () => void): void {
  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`focal-loss-wasm/tfjs on tfjs' ${backend} backend`, () => {
      beforeAll(async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        await tf.ready();
      });
      body();
    });
  }
}
