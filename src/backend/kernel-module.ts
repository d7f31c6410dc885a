import { fail } from '../errors/detail.js';
import { FRAME_LAYOUT } from '../kernels/frame.js';
import { WasmInstance, type Exports } from './wasm-instance.js';

// Turning a compiled module into a kernel instance, checked: the main thread's loader (the
// inlined kernel, init()) and every pool worker (the module the pool posts, or one passed to
// createFocalLossPool) use this one function. It does not import the inlined kernel, so the
// worker script does not carry it.

const EXPORTS = [
  'memory', 'heapBase', 'usesSimd', 'frameLayout', 'probabilityLoss', 'probabilityLossGrad', 'gatheredLoss', 'gatheredLossGrad',
  'logitLoss', 'logitLossGrad', 'targetRowLoss', 'targetRowLossGrad', 'binaryLoss', 'binaryLossGrad',
  'asymmetricLoss', 'asymmetricLossGrad', 'transposeF32', 'transposeF64',
  'rowStats', 'elementStats', 'foldRows',
] as const satisfies ReadonlyArray<keyof Exports>;

/** Instantiates a compiled kernel module as a fresh instance (its own memory); throws a TypeError if it is not the kernel. */
export function instantiate(module: WebAssembly.Module, fn = 'init'): WasmInstance {
  const notTheKernel = (why: string) => fail(TypeError, fn)`the module is not the focal-loss-wasm kernel (${why})`;
  let exports: Record<string, unknown>;
  try {
    exports = new WebAssembly.Instance(module, {}).exports as Record<string, unknown>;
  } catch (error) {
    throw notTheKernel(`it does not instantiate on its own: ${(error as Error).message}`);
  }
  const missing = EXPORTS.filter((name) => exports[name] === undefined);
  if (missing.length > 0) throw notTheKernel(`it lacks ${missing.join(', ')}`);
  const layout = (exports.frameLayout as () => number)();
  if (layout !== FRAME_LAYOUT) throw notTheKernel(`its frame layout is ${layout}, this version of the library uses ${FRAME_LAYOUT}`);
  return new WasmInstance(exports as unknown as Exports);
}
