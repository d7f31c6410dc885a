import type { Backend } from './backend.js';
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from './generated/kernel-base64.js';
import { jsBackend } from './js-path.js';
import { wasmBackend } from './wasm-path.js';

/** Which path `backend: 'auto'` uses, and why wasm is not used if it is not. */
export interface BackendInfo {
  backend: 'wasm' | 'js';
  /** Why the wasm kernel is unavailable; absent when it is in use. */
  reason?: string;
  /** Current size of wasm linear memory in bytes (0 on the JS path). */
  memoryBytes: number;
}

let wasm: Backend | null = null;
let simd = false;
let reason: string | undefined;
let attempted = false;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function adopt(module: WebAssembly.Module): void {
  const instance = new WebAssembly.Instance(module, {});
  const usesSimd = (instance.exports as { usesSimd?: () => number }).usesSimd;
  if (typeof usesSimd !== 'function' || typeof instance.exports.probabilityLoss !== 'function') {
    throw new TypeError('init: the module is not the focal-loss-wasm kernel');
  }
  wasm = wasmBackend(instance);
  simd = usesSimd() === 1;
  reason = undefined;
}

// Instantiated on first use rather than at import, so importing stays free of side effects
// and of top-level await; modules this small may compile synchronously on a browser's main thread.
function loadInlined(): void {
  attempted = true;
  try {
    if (typeof WebAssembly !== 'object' || WebAssembly === null) {
      throw new Error('WebAssembly is not available in this environment');
    }
    const simdBytes = decode(SIMD_WASM_BASE64);
    const bytes = WebAssembly.validate(simdBytes) ? simdBytes : decode(SCALAR_WASM_BASE64);
    adopt(new WebAssembly.Module(bytes));
  } catch (error) {
    wasm = null;
    reason = `wasm kernel failed to load: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The wasm backend, or null (with the reason kept for backendInfo) where it cannot load. */
export function wasmOrNull(): Backend | null {
  if (!attempted) loadInlined();
  return wasm;
}

export function selectBackend(choice: 'auto' | 'wasm' | 'js'): Backend {
  if (choice === 'js') return jsBackend;
  const backend = wasmOrNull();
  if (backend !== null) return backend;
  if (choice === 'wasm') throw new Error(`focalLoss: backend "wasm" requested but ${reason}`);
  return jsBackend;
}

/**
 * Uses the given kernel instead of the inlined one, for environments that forbid compiling
 * wasm from bytes (a strict CSP, some edge runtimes) but can hand over a compiled
 * `WebAssembly.Module`, e.g. one imported from `focal-loss-wasm/wasm`. Bytes are accepted too.
 * Call it before creating workspaces: those made earlier belong to the previous kernel.
 */
export function init(source: WebAssembly.Module | BufferSource): BackendInfo {
  attempted = true;
  adopt(source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source));
  return backendInfo();
}

/** Which path `backend: 'auto'` uses, why wasm is unavailable if it is, and its memory size. */
export function backendInfo(): BackendInfo {
  const backend = wasmOrNull();
  if (backend === null) return { backend: 'js', reason, memoryBytes: 0 };
  return { backend: 'wasm', memoryBytes: backend.memoryBytes() };
}

/** Which build of the wasm kernel is in use: 'simd' (f64x2), 'scalar', or null without wasm. */
export function wasmBuild(): 'simd' | 'scalar' | null {
  if (wasmOrNull() === null) return null;
  return simd ? 'simd' : 'scalar';
}
