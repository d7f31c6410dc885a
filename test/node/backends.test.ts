import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const wasmFile = (subpath: string) => readFileSync(require.resolve(`focal-loss-wasm/${subpath}`));

const rows = [[0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.1, 0.3, 0.6]];
const byHand = -[0.8, 0.6, 0.6].reduce((s, p, i) => s + [1, 1.5, 2][i] * (1 - p) ** 1.5 * Math.log(p), 0) / 3;

/** A fresh copy of the library, as a page that has just imported it sees it. */
async function freshLibrary() {
  vi.resetModules();
  return import('../../src/index.js');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('backend selection', () => {
  it('auto uses the inlined wasm kernel (SIMD where the runtime validates it)', async () => {
    const lib = await freshLibrary();
    const info = lib.backendInfo();
    expect(info.backend).toBe('wasm');
    expect(info.reason).toBeUndefined();
    expect(info.memoryBytes).toBeGreaterThan(0);
    expect(Object.keys(info).sort()).toEqual(['backend', 'memoryBytes']);
    expect(lib.wasmBuild()).toBe(WebAssembly.validate(wasmFile('wasm')) ? 'simd' : 'scalar');
  });

  it('falls back to the JS path when WebAssembly is missing', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    const lib = await freshLibrary();
    expect(lib.backendInfo()).toEqual({
      backend: 'js',
      reason: expect.stringMatching(/WebAssembly is not available/),
      memoryBytes: 0,
    });
    expect(lib.wasmBuild()).toBeNull();
    expect(Math.abs(lib.focalLoss([0, 1, 2], rows, 1.5, [1, 1.5, 2]) - byHand)).toBeLessThanOrEqual(1e-15);
    expect(() => lib.focalLoss([0], [[1]], { backend: 'wasm' })).toThrow(/backend "wasm" requested but .*not available/);
    expect(lib.focalLoss([0], [[0.5, 0.5]], { backend: 'js', gamma: 0 })).toBeCloseTo(Math.LN2, 15);
  });

  it('falls back when compiling wasm is forbidden (as under a strict CSP)', async () => {
    const real = WebAssembly;
    vi.stubGlobal(
      'WebAssembly',
      Object.create(real, {
        Module: {
          value: function Module() {
            throw new real.CompileError('Wasm code generation disallowed by embedder');
          },
        },
      }),
    );
    const lib = await freshLibrary();
    expect(lib.backendInfo().backend).toBe('js');
    expect(lib.backendInfo().reason).toMatch(/disallowed by embedder/);
    expect(Math.abs(lib.focalLoss([0, 1, 2], rows, 1.5, [1, 1.5, 2]) - byHand)).toBeLessThanOrEqual(1e-15);
  });

  it('init() takes a compiled WebAssembly.Module or bytes of the shipped .wasm files', async () => {
    const lib = await freshLibrary();
    const scalar = lib.init(new WebAssembly.Module(wasmFile('wasm-scalar')));
    expect(scalar).toMatchObject({ backend: 'wasm' });
    expect(lib.wasmBuild()).toBe('scalar');
    const scalarLoss = lib.focalLoss([0, 1, 2], rows, { gamma: 1.5, alpha: [1, 1.5, 2], backend: 'wasm' });
    expect(Math.abs(scalarLoss - byHand)).toBeLessThanOrEqual(1e-15);

    expect(lib.init(wasmFile('wasm'))).toMatchObject({ backend: 'wasm' });
    expect(lib.wasmBuild()).toBe('simd');
    expect(lib.focalLoss([0, 1, 2], rows, { gamma: 1.5, alpha: [1, 1.5, 2], backend: 'wasm' })).toBeCloseTo(scalarLoss, 15);
  });

  it('init() rejects a module that is not the kernel, and keeps the working one', async () => {
    const lib = await freshLibrary();
    lib.focalLoss([0], [[0.5, 0.5]]);
    const empty = new WebAssembly.Module(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    expect(() => lib.init(empty)).toThrow(TypeError);
    expect(lib.backendInfo().backend).toBe('wasm');
    expect(lib.focalLoss([0], [[0.5, 0.5]], { gamma: 0 })).toBeCloseTo(Math.LN2, 15);
  });
});
