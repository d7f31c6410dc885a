import { describe, expect, it } from 'vitest';
import { backendInfo, focalLoss, wasmBuild } from '../../src/index.js';

describe('in the browser', () => {
  it('runs in a real page', () => {
    expect(typeof window).toBe('object');
    expect(navigator.userAgent).toMatch(/Chrome/);
  });

  it('uses the wasm kernel, SIMD build, instantiated synchronously on first use', () => {
    const loss = focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], 0);
    expect(loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.6)) / 2, 14);
    const info = backendInfo();
    expect(info.backend).toBe('wasm');
    expect(info.reason).toBeUndefined();
    expect(wasmBuild()).toBe('simd');
  });
});
