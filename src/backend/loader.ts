import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from '../generated/kernel-base64.js';
import { JsInstance } from './js-instance.js';
import type { KernelInstance } from './instance.js';
import { instantiate } from './kernel-module.js';
import type { WasmInstance } from './wasm-instance.js';
import { fail } from '../errors/detail.js';

/** Which path `backend: 'auto'` uses, and why wasm is not used if it is not. */
export interface BackendInfo {
  backend: 'wasm' | 'js';
  /** Why the wasm kernel is unavailable; absent when it is in use. */
  reason?: string;
  /** Current size of wasm linear memory in bytes (0 on the JS path). */
  memoryBytes: number;
}

/** Which implementation computes the loss; 'auto' is wasm when it instantiated, else JS. */
export type BackendChoice = 'auto' | 'wasm' | 'js';

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The inlined kernel's module: the SIMD build where the engine validates it, else the scalar one. */
export function inlinedModule(): WebAssembly.Module {
  const bytes = inlinedBytes();
  return new WebAssembly.Module(bytes);
}

let compiled: Promise<WebAssembly.Module | string> | null = null;

/** The inlined kernel compiled once, asynchronously (for pools: off the main thread's critical path); a string says why it did not compile. */
export function compileInlinedModule(): Promise<WebAssembly.Module | string> {
  return (compiled ??= (async () => {
    try {
      return await WebAssembly.compile(inlinedBytes());
    } catch (error) {
      return `wasm kernel failed to compile: ${error instanceof Error ? error.message : String(error)}`;
    }
  })());
}

function inlinedBytes(): Uint8Array<ArrayBuffer> {
  if (typeof WebAssembly !== 'object' || WebAssembly === null) {
    throw new Error('WebAssembly is not available in this environment');
  }
  const simd = decode(SIMD_WASM_BASE64);
  return WebAssembly.validate(simd) ? simd : decode(SCALAR_WASM_BASE64);
}

/**
 * The main thread's kernels: the wasm instance, made on first use (so importing has no side
 * effects and no top-level await; a module this small may compile synchronously on a
 * browser's main thread), and the JS one.
 */
class Runtime {
  private wasm: WasmInstance | null = null;
  private reason: string | undefined;
  private attempted = false;
  readonly js = new JsInstance();

  wasmOrNull(): WasmInstance | null {
    if (!this.attempted) {
      this.attempted = true;
      try {
        this.wasm = instantiate(inlinedModule(), 'focal-loss-wasm');
      } catch (error) {
        this.reason = `wasm kernel failed to load: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return this.wasm;
  }

  select(choice: BackendChoice, fn: string): KernelInstance {
    if (choice === 'js') return this.js;
    const wasm = this.wasmOrNull();
    if (wasm !== null) return wasm;
    if (choice === 'wasm') throw fail(Error, fn)`backend "wasm" requested but ${this.reason}`;
    return this.js;
  }

  /** Replaces the wasm kernel only once the new one has instantiated and proved to be the kernel. */
  adopt(instance: WasmInstance): void {
    this.wasm = instance;
    this.reason = undefined;
    this.attempted = true;
  }

  info(): BackendInfo {
    const wasm = this.wasmOrNull();
    if (wasm === null) return { backend: 'js', reason: this.reason, memoryBytes: 0 };
    return { backend: 'wasm', memoryBytes: wasm.memoryBytes() };
  }
}

const runtime = new Runtime();

/** The kernel instance a call on this thread runs on. */
export function selectInstance(choice: BackendChoice, fn: string): KernelInstance {
  return runtime.select(choice, fn);
}

/**
 * Uses the given kernel instead of the inlined one, for environments that forbid compiling
 * wasm from bytes (a strict CSP, some edge runtimes) but can hand over a compiled
 * `WebAssembly.Module`, e.g. one imported from `focal-loss-wasm/wasm`; bytes are accepted
 * too. If it fails, the kernel in use stays in use. Workspaces made earlier keep the kernel
 * they were made with.
 */
export function init(source: WebAssembly.Module | BufferSource): BackendInfo {
  let module: WebAssembly.Module;
  if (typeof WebAssembly === 'object' && WebAssembly !== null && source instanceof WebAssembly.Module) module = source;
  else if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) {
    try {
      module = new WebAssembly.Module(source as BufferSource);
    } catch (error) {
      throw new RangeError(`init: the bytes do not compile as WebAssembly (${(error as Error).message})`);
    }
  } else {
    throw new TypeError('init: expected a WebAssembly.Module or the kernel\'s bytes (an ArrayBuffer or typed array)');
  }
  runtime.adopt(instantiate(module));
  return runtime.info();
}

/** Which path `backend: 'auto'` uses, why wasm is unavailable if it is, and its memory size. */
export function backendInfo(): BackendInfo {
  return runtime.info();
}

/** Which build of the wasm kernel is in use: 'simd' (f64x2), 'scalar', or null without wasm. */
export function wasmBuild(): 'simd' | 'scalar' | null {
  const wasm = runtime.wasmOrNull();
  return wasm === null ? null : wasm.simd ? 'simd' : 'scalar';
}
