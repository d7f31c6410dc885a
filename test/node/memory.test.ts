import { describe, expect, it } from 'vitest';
import { backendInfo, focalLoss, focalLossGrad } from '../../src/index.js';
import { expectClose, longBatch } from '../helpers.js';

// wasm memory never shrinks, so its size after a call is the peak the call needed.
const MIB = 1 << 20;

describe('large batches', () => {
  it('keep wasm linear memory at its bound for N = 5,000,000 (probabilities, logits, per-sample losses, gradients)', () => {
    // One small call of each kind reserves every chunk buffer; after that nothing grows.
    focalLoss([0], [[0.5, 0.5]], { fromLogits: true, reduction: 'none' });
    focalLossGrad([0], [[0.5, 0.5]], { fromLogits: true });
    const bound = backendInfo().memoryBytes;
    expect(backendInfo().backend).toBe('wasm');
    expect(bound).toBeLessThanOrEqual(3 * MIB);

    const n = 5_000_000;
    const classes = 4;
    const yTrue = new Uint8Array(n);
    for (let i = 0; i < n; i++) yTrue[i] = i % classes;
    const probabilities = new Float64Array(n * classes).fill(0.25);
    expectClose(focalLoss(yTrue, probabilities, { gamma: 0 }), Math.log(4));
    expect(backendInfo().memoryBytes).toBe(bound);

    const logits = new Float32Array(n * classes);
    expectClose(focalLoss(yTrue, logits, { gamma: 0, fromLogits: true }), Math.log(4));
    expect(backendInfo().memoryBytes).toBe(bound);

    const none = focalLoss(yTrue, logits, { gamma: 0, fromLogits: true, reduction: 'none' });
    expect(none.length).toBe(n);
    expect(backendInfo().memoryBytes).toBe(bound);

    const { grad } = focalLossGrad(yTrue, logits, { gamma: 0, fromLogits: true, gradOut: new Float32Array(n * classes) });
    expect(grad[0]).toBeCloseTo((0.25 - 1) / n, 12);
    expect(backendInfo().memoryBytes).toBe(bound);
  });

  it('grow by one row, once, for logit rows wider than the chunk buffer', () => {
    const classes = 300_000;
    const row = new Float64Array(classes);
    const before = backendInfo().memoryBytes;
    expectClose(focalLoss([7, 9], [row, row], { gamma: 0, fromLogits: true }), Math.log(classes));
    const after = backendInfo().memoryBytes;
    expect(after - before).toBeLessThanOrEqual(classes * 8 + MIB);
    focalLoss([7, 9], [row, row], { gamma: 0, fromLogits: true });
    expect(backendInfo().memoryBytes).toBe(after);
  });

  for (const { gamma, distinct, mean, sumPerRepeat } of longBatch) {
    it(`sum 10,000,000 samples within 1e-12 of the exact mean (gamma ${gamma})`, () => {
      const repeat = 10_000;
      const n = distinct * repeat;
      const yPred = new Float64Array(n);
      for (let i = 0; i < n; i++) yPred[i] = ((i % distinct) + 0.5) / 1000;
      const yTrue = new Uint8Array(n);
      for (const backend of ['wasm', 'js'] as const) {
        expectClose(focalLoss(yTrue, yPred, { gamma, backend }), mean, `${backend} mean`);
        const sum = focalLoss(yTrue, yPred, { gamma, backend, reduction: 'sum' });
        expect(Math.abs(sum - sumPerRepeat * repeat) / (sumPerRepeat * repeat)).toBeLessThanOrEqual(1e-12);
      }
    });
  }
});
