// Issue 8 (robustness), item 5: init() given something that is not the kernel (garbage, a
// truncated kernel, a module needing imports, a lookalike exporting the kernel's names) throws,
// and the kernel in use stays in use. The lookalike test puts the real kernel back if it was
// adopted, so a failure there does not cascade into the tests after it. Shared suite: runs in
// Node and in Chromium, so no node: imports.
import { describe, expect, it } from 'vitest';
import { backendInfo, createWorkspace, focalLoss, init, wasmBuild } from '../src/index.js';
import { close, expectWorking, good, kernelBytes, labels, rows, thrown } from './robustness-helpers.js';

/** A small wasm module exporting `memory` and functions under the kernel's export names (a lookalike). */
function lookalikeModule(): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n !== 0) byte |= 0x80;
      out.push(byte);
    } while (n !== 0);
    return out;
  };
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const I32 = 0x7f;
  const kernels = ['probabilityLoss', 'gatheredLoss', 'logitLoss', 'targetRowLoss', 'binaryLoss'];
  const functions: Array<[string, number, number]> = [['heapBase', 0, 1024], ['usesSimd', 0, 0]]; // name, type, i32 result
  for (const k of kernels) functions.push([k, 1, -1], [`${k}Grad`, 2, -1]);
  const types = [
    [0x60, 0, 1, I32],
    [0x60, 5, I32, I32, I32, I32, I32, 1, I32],
    [0x60, 6, I32, I32, I32, I32, I32, I32, 1, I32],
  ];
  const sleb = (n: number): number[] => (n === -1 ? [0x7f] : n === 0 ? [0] : [0x80, 0x08]); // -1, 0, 1024
  const bodies = functions.map(([, , result]) => {
    const body = [0, 0x41, ...sleb(result), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(3, [...uleb(functions.length), ...functions.map(([, type]) => type)]),
    ...section(5, [1, 0, 1]),
    ...section(7, [
      ...uleb(functions.length + 1),
      ...name('memory'), 2, 0,
      ...functions.flatMap(([n], i) => [...name(n), 0, ...uleb(i)]),
    ]),
    ...section(10, [...uleb(bodies.length), ...bodies.flat()]),
  ]);
}


describe('5. init() with something that is not the kernel throws, and the kernel in use stays in use', () => {
  // A module that imports a function (valid wasm, cannot be instantiated without imports).
  const needsImports = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x6d, 1, 0x66, 0, 0);
  const empty = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
  const sources: Array<[string, () => unknown, typeof TypeError | typeof RangeError | null]> = [
    ['garbage bytes', () => Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), null],
    ['no bytes', () => new Uint8Array(0), null],
    ['an ArrayBuffer of garbage', () => new ArrayBuffer(16), null],
    ['the kernel truncated', () => kernelBytes().subarray(0, 1000), null],
    ["the string 'x'", () => 'x', TypeError],
    ['null', () => null, TypeError],
    ['undefined', () => undefined, TypeError],
    ['a number', () => 42, TypeError],
    ['a plain object', () => ({}), TypeError],
    ['an empty wasm module (bytes)', () => empty, null],
    ['an empty wasm module (compiled)', () => new WebAssembly.Module(empty), null],
    ['a module that needs imports (bytes)', () => needsImports, null],
    ['a module that needs imports (compiled)', () => new WebAssembly.Module(needsImports), null],
  ];

  for (const [what, source, kind] of sources) {
    it(`init(${what})`, () => {
      const build = wasmBuild();
      const ws = createWorkspace({ rows: 2, classes: 3 });
      ws.predictions.set(rows.flat());
      ws.labels.set(labels);
      const error = thrown(() => init(source() as never));
      if (kind !== null) expect(error).toBeInstanceOf(kind);
      expect([TypeError, RangeError]).toContain(error.constructor);
      expect(error.message).toMatch(/^init: /);
      expect(backendInfo()).toEqual({ backend: 'wasm', memoryBytes: expect.any(Number) });
      expect(wasmBuild()).toBe(build);
      close(focalLoss(labels, rows, { backend: 'wasm' }), good, 1e-15, 'wasm after');
      close(ws.loss(), good, 1e-15, 'workspace made before');
      ws.dispose();
      expectWorking();
    });
  }

  it('init(a lookalike module exporting the kernel\'s names) is refused too (it would compute 0 for everything)', () => {
    const module = new WebAssembly.Module(lookalikeModule() as BufferSource);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('probabilityLoss');
    try {
      const error = thrown(() => init(module));
      expect(error.message).toMatch(/^init: /);
      close(focalLoss(labels, rows, { backend: 'wasm' }), good, 1e-15, 'wasm after');
    } finally {
      // If it was adopted, put the real kernel back so the rest of the file is not affected.
      if (focalLoss(labels, rows, { backend: 'wasm' }) !== focalLoss(labels, rows, { backend: 'js' })) init(kernelBytes());
    }
    expectWorking();
  });
});
