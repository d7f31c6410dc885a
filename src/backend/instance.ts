import type { Frame, KernelName, Targets, Values } from '../kernels/frame.js';
import { Scratch, type Memory, type Region } from './scratch.js';

export type { Region };

/**
 * One kernel with its own memory and chunk buffers: the wasm module instantiated once (per
 * thread), or the JS kernels. Both run the same kernels, by name, over views of their memory.
 */
export abstract class KernelInstance implements Memory {
  abstract readonly backend: 'wasm' | 'js';
  /** The chunk buffers every call streams its batch through. */
  readonly scratch: Scratch;
  private busy = false;

  constructor() {
    this.scratch = new Scratch(this);
  }

  abstract alloc(bytes: number): Region;
  abstract free(region: Region): void;
  abstract f64(region: Region, length?: number): Float64Array;
  abstract f32(region: Region, length?: number): Float32Array;
  abstract i32(region: Region, length?: number): Int32Array;
  /** Bytes of wasm linear memory (0 for the JS kernels). */
  abstract memoryBytes(): number;
  /** The memory that can grow, detaching every view of it (wasm linear memory); null for the JS kernels. */
  abstract growingMemory(): ArrayBuffer | null;
  /** Whether a kernel can read this array where it is, without a copy into the chunk buffers. */
  abstract reads(view: ArrayBufferView): boolean;
  /** Runs one kernel over a chunk; returns -1 or the index of the first invalid row. */
  abstract call(
    kernel: KernelName, frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number,
    grad: Values | null,
  ): number;

  /** Writes `rows` × `cols` values of `from` into `to` as cols × rows (both views of this instance's memory, one type). */
  abstract transpose(from: Values, to: Values, rows: number, cols: number): void;

  /**
   * Runs `body` as this instance's one call in progress. The chunk buffers are shared by every
   * call on the instance, so a call made from inside another (a getter or Proxy on an input)
   * would overwrite them; it is refused instead, and the outer call goes on unharmed.
   */
  exclusive<T>(fn: string, body: () => T): T {
    if (this.busy) {
      throw new Error(
        `${fn}: called while another focal-loss-wasm call is in progress on the same kernel ` +
          '(from a getter, Proxy or callback inside its input); nested calls are not supported',
      );
    }
    this.busy = true;
    try {
      return body();
    } finally {
      this.busy = false;
    }
  }
}
