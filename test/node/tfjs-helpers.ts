// Shared by the Node tests of focal-loss-wasm/tfjs (tfjs-losses, tfjs-training, tfjs-inputs):
// their tests run on tfjs' cpu and wasm backends (tensors are compared by tfjs-reference.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tf.grad of the op-composed reference needs the ops' gradients, which tfjs-core's entry does not
// register (tfjs-layers' does, as a side effect, in the files that import it).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect } from 'vitest';

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
