import type { Backend, Region } from './backend.js';

/** The kernel's exports (assembly/index.ts): plain functions over byte offsets and counts. */
interface KernelExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  release(ptr: number): void;
  probabilityLoss(
    p: number, labels: number, n: number, weights: number, weightStride: number, gamma: number, eps: number, out: number,
  ): number;
  logitLossF64(
    rows: number, labels: number, n: number, classes: number, weights: number, weightStride: number, gamma: number,
    out: number,
  ): number;
  logitLossF32: KernelExports['logitLossF64'];
  invalidRow(): number;
  gatherF64(
    rows: number, labels: number, n: number, classes: number, ignore: number, hasIgnore: number, pOut: number,
    labelsOut: number,
  ): number;
  gatherF32: KernelExports['gatherF64'];
  checkLabels(labels: number, n: number, classes: number, ignore: number, hasIgnore: number, labelsOut: number): number;
  denseProbabilityLoss(
    rows: number, targets: number, n: number, classes: number, weights: number, weightStride: number, gamma: number,
    eps: number, out: number,
  ): number;
  denseLogitLoss(
    rows: number, targets: number, n: number, classes: number, weights: number, weightStride: number, gamma: number,
    out: number,
  ): number;
  invalidDenseRow(): number;
  binaryLoss(x: number, y: number, n: number, alpha: number, gamma: number, eps: number, fromLogits: number, out: number): number;
  applyWeights(out: number, weights: number, n: number): number;
}

class WasmRegion implements Region {
  constructor(
    readonly ptr: number,
    readonly bytes: number,
  ) {}
}

const at = (view: ArrayBufferView): number => view.byteOffset;

/** Wraps an instantiated kernel as a Backend; views are rebuilt whenever memory has grown. */
export function wasmBackend(instance: WebAssembly.Instance): Backend {
  const k = instance.exports as unknown as KernelExports;
  return {
    name: 'wasm',
    alloc(bytes) {
      let ptr = 0;
      try {
        ptr = k.alloc(bytes);
      } catch {
        // The allocator traps when linear memory cannot grow (the 4 GiB limit, or the host's).
      }
      if (ptr === 0) throw new RangeError(`cannot allocate ${bytes} bytes of wasm memory (at most 1 GiB per buffer)`);
      return new WasmRegion(ptr, bytes);
    },
    free: (region) => k.release((region as WasmRegion).ptr),
    f64: (r) => new Float64Array(k.memory.buffer, (r as WasmRegion).ptr, r.bytes >>> 3),
    f32: (r) => new Float32Array(k.memory.buffer, (r as WasmRegion).ptr, r.bytes >>> 2),
    i32: (r) => new Int32Array(k.memory.buffer, (r as WasmRegion).ptr, r.bytes >>> 2),
    memoryBytes: () => k.memory.buffer.byteLength,

    probabilityLoss: (p, labels, n, weights, weightStride, gamma, epsilon, out) =>
      k.probabilityLoss(at(p), at(labels), n, at(weights), weightStride * 8, gamma, epsilon, at(out)),
    logitLoss: (rows, labels, n, classes, weights, weightStride, gamma, out) =>
      (rows instanceof Float32Array ? k.logitLossF32 : k.logitLossF64)(
        at(rows), at(labels), n, classes, at(weights), weightStride * 8, gamma, at(out),
      ),
    invalidRow: () => k.invalidRow(),
    gather: (rows, labels, n, classes, ignore, hasIgnore, pOut, labelsOut) =>
      (rows instanceof Float32Array ? k.gatherF32 : k.gatherF64)(
        at(rows), at(labels), n, classes, ignore, hasIgnore ? 1 : 0, at(pOut), at(labelsOut),
      ),
    checkLabels: (labels, n, classes, ignore, hasIgnore, labelsOut) =>
      k.checkLabels(at(labels), n, classes, ignore, hasIgnore ? 1 : 0, at(labelsOut)),
    denseProbabilityLoss: (rows, targets, n, classes, weights, weightStride, gamma, epsilon, out) =>
      k.denseProbabilityLoss(at(rows), at(targets), n, classes, at(weights), weightStride * 8, gamma, epsilon, at(out)),
    denseLogitLoss: (rows, targets, n, classes, weights, weightStride, gamma, out) =>
      k.denseLogitLoss(at(rows), at(targets), n, classes, at(weights), weightStride * 8, gamma, at(out)),
    invalidDenseRow: () => k.invalidDenseRow(),
    binaryLoss: (x, y, n, alpha, gamma, epsilon, fromLogits, out) =>
      k.binaryLoss(at(x), at(y), n, alpha, gamma, epsilon, fromLogits ? 1 : 0, at(out)),
    applyWeights: (out, weights, n) => k.applyWeights(at(out), at(weights), n),
  };
}
