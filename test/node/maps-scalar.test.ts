// The scalar wasm build (for engines without SIMD) transposes channels-first chunks with its
// own loops: there too, a map with its classes on axis 1 gives what the same values with the
// classes last give, loss and gradient, f32 and f64, at sizes that leave every remainder.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);

/** Moves axis 1 of a flat row-major [N, C, ...rest] array to the end. */
function channelsLast(flat: ArrayLike<number>, dims: number[]): number[] {
  const [n, c] = dims;
  const pixels = flat.length / (n * c);
  const out = new Array<number>(flat.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) for (let j = 0; j < pixels; j++) out[(i * pixels + j) * c + k] = flat[(i * c + k) * pixels + j];
  return out;
}

describe('the scalar build', () => {
  it('channels-first equals channels-last, loss and gradient', async () => {
    vi.resetModules();
    const lib = await import('../../src/index.js');
    lib.init(new WebAssembly.Module(readFileSync(require.resolve('focal-loss-wasm/wasm-scalar'))));
    expect(lib.wasmBuild()).toBe('scalar');
    let s = 3;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    for (const dims of [[2, 5, 7, 3], [3, 19, 41], [1, 2, 4097], [2, 1, 3, 3]]) {
      const C = dims[1];
      const size = dims.reduce((a, b) => a * b, 1);
      const labels = Int32Array.from({ length: size / C }, () => Math.floor(rand() * C));
      for (const Typed of [Float32Array, Float64Array]) {
        const logits = Typed.from({ length: size }, () => (rand() - 0.5) * 6);
        const options = { fromLogits: true, backend: 'wasm' } as const;
        const first = lib.focalLossGrad(labels, logits, { ...options, shape: dims, axis: 1 });
        const last = lib.focalLossGrad(labels, Typed.from(channelsLast(logits, dims)), { ...options, classes: C });
        expect(first.loss).toBe(last.loss);
        expect(channelsLast(first.grad, dims)).toEqual(Array.from(last.grad));
      }
    }
  });
});
