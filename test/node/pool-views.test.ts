// Issue 16, item 3, the pool: a workspace's views given to a pool call whose main-thread
// preparation grows wasm memory are read where they are after the growth. The expected
// values are written from the formula here. Uses the build (dist/), whose worker script it loads.
import { afterAll, describe, expect, it } from 'vitest';
import { backendInfo, createFocalLossPool, createWorkspace, init } from '../../dist/index.js';
import { SIMD_WASM_BASE64 } from '../../dist/generated/kernel-base64.js';

const kernelBytes = () => Uint8Array.from(atob(SIMD_WASM_BASE64), (ch) => ch.charCodeAt(0));
const K = 70_000;
const fl = (p: number) => -((1 - p) ** 2) * Math.log(p);
const dfl = (p: number) => 2 * (1 - p) * Math.log(p) - (1 - p) ** 2 / p;

describe('pool calls on workspace views that grow wasm memory (issue 16, item 3)', () => {
  const pool = createFocalLossPool({ workers: 2 });
  afterAll(async () => {
    await pool.close();
    init(kernelBytes());
  });

  it('pool.focalLossGrad: labels, predictions and gradOut of a workspace, rows twice as wide as it reserved', async () => {
    init(kernelBytes());
    const ws = createWorkspace({ rows: 2, classes: K, dtype: 'f32', gradients: true });
    const p = ws.predictions;
    p.fill(1 / (2 * K));
    p[0] = 0.5;
    const before = backendInfo().memoryBytes;
    const { loss, grad } = await pool.focalLossGrad(ws.labels.subarray(0, 1), ws.predictions, { classes: 2 * K, gradOut: ws.gradients });
    expect(backendInfo().memoryBytes, 'the call grew wasm memory').toBeGreaterThan(before);
    expect(Math.abs(loss - fl(0.5))).toBeLessThanOrEqual(1e-15 * fl(0.5));
    for (const g of [grad, ws.gradients]) {
      expect(Math.abs(g[0] - dfl(0.5))).toBeLessThanOrEqual(2 ** -23 * Math.abs(dfl(0.5)));
      expect(g.subarray(1).every((v) => v === 0)).toBe(true);
    }
    ws.dispose();
  });
});
