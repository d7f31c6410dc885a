import { describe, expect, it } from 'vitest';
import { backendInfo, createWorkspace } from '../../src/index.js';

const GIB = 2 ** 30;

describe('workspaces up to the wasm32 limit', () => {
  it('hold a 1.6 GB batch (more than one allocator block could) and compute on it', () => {
    const rows = 200_000;
    const classes = 1000;
    const ws = createWorkspace({ rows, classes });
    expect(ws.predictions.length).toBe(rows * classes);
    ws.predictions.fill(1 / classes);
    ws.labels.fill(7);
    expect(Math.abs(ws.loss({ gamma: 0 }) - Math.log(classes)) / Math.log(classes)).toBeLessThan(1e-13);
    ws.dispose();
  });

  it('free the predictions when the labels do not fit, so the space can be used again', () => {
    // 3 GiB of f32 predictions fit; their 1 GiB of labels do not fit beside them.
    const request = { rows: 2 ** 28, classes: 3, dtype: 'f32' as const };
    expect(() => createWorkspace(request)).toThrow(/^createWorkspace: 268435456 labels \(1073741824 bytes\): .*4 GiB/);
    const grown = backendInfo().memoryBytes;
    const ws = createWorkspace({ rows: 2 ** 28, classes: 2, dtype: 'f32' });
    expect(ws.predictions.length).toBe(2 ** 29);
    expect(backendInfo().memoryBytes).toBeLessThanOrEqual(Math.max(grown, 4 * GIB));
    ws.dispose();
  });
});
