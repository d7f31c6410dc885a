import type { KernelExports } from '../generated/kernel-exports.js';
import {
  CLASS_WEIGHTS, GRAD_F32, LOSSES, PER_CLASS, PRED_F32, ROW_SCRATCH, SAMPLE_WEIGHTS, STATS, type Frame, type KernelName, type Targets,
  type Values,
} from '../kernels/frame.js';
import { KernelInstance, type Region } from './instance.js';
import { LinearMemory } from './linear-memory.js';

/** The kernel module's exports, as its build declares them (asc --bindings raw). */
export type Exports = typeof KernelExports;

class WasmRegion implements Region {
  constructor(
    readonly ptr: number,
    readonly bytes: number,
  ) {}
}

const at = (view: ArrayBufferView | null): number => (view === null ? 0 : view.byteOffset);

/** The wasm kernel, instantiated: its linear memory, the host's allocator over it and the chunk buffers. */
export class WasmInstance extends KernelInstance {
  readonly backend = 'wasm';
  readonly simd: boolean;
  private readonly heap: LinearMemory;

  constructor(private readonly exports: Exports) {
    super();
    this.heap = new LinearMemory(exports.memory, exports.heapBase() >>> 0);
    this.simd = exports.usesSimd() === 1;
  }

  alloc(bytes: number): Region {
    return new WasmRegion(this.heap.alloc(bytes), bytes);
  }

  free(region: Region): void {
    this.heap.free((region as WasmRegion).ptr, region.bytes);
  }

  f64(region: Region, length = region.bytes >>> 3): Float64Array {
    return new Float64Array(this.exports.memory.buffer, (region as WasmRegion).ptr, length);
  }

  f32(region: Region, length = region.bytes >>> 2): Float32Array {
    return new Float32Array(this.exports.memory.buffer, (region as WasmRegion).ptr, length);
  }

  i32(region: Region, length = region.bytes >>> 2): Int32Array {
    return new Int32Array(this.exports.memory.buffer, (region as WasmRegion).ptr, length);
  }

  memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  growingMemory(): ArrayBuffer {
    return this.exports.memory.buffer;
  }

  reads(view: ArrayBufferView): boolean {
    return view.buffer === this.exports.memory.buffer;
  }

  transpose(from: Values, to: Values, rows: number, cols: number): void {
    if (!this.reads(from) || !this.reads(to)) throw new Error('focal-loss-wasm: internal error: a transpose outside wasm memory');
    const run = from instanceof Float32Array ? this.exports.transposeF32 : this.exports.transposeF64;
    run(from.byteOffset, to.byteOffset, rows, cols);
  }

  call(
    kernel: KernelName, frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number,
    grad: Values | null,
  ): number {
    const params = frame.params;
    // Views taken before memory grew would point into a detached buffer: never compute on them.
    if (params.buffer !== this.exports.memory.buffer) {
      throw new Error('focal-loss-wasm: internal error: a view of wasm memory outlived a memory growth');
    }
    params[PRED_F32] = pred instanceof Float32Array ? 1 : 0;
    params[GRAD_F32] = grad instanceof Float32Array ? 1 : 0;
    params[CLASS_WEIGHTS] = at(frame.classWeights);
    params[SAMPLE_WEIGHTS] = at(frame.sampleWeights);
    params[LOSSES] = at(frame.losses);
    params[PER_CLASS] = at(frame.perClass);
    params[ROW_SCRATCH] = at(frame.rowScratch);
    params[STATS] = at(frame.stats);
    const run = this.exports[kernel];
    return run(params.byteOffset, at(pred as unknown as ArrayBufferView), at(target as unknown as ArrayBufferView), n, classes, at(grad));
  }
}
