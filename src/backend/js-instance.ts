import type { Frame, JsKernel, KernelName, Targets, Values } from '../kernels/frame.js';
import { jsKernels } from '../kernels/index.js';
import { transpose } from '../kernels/transpose.js';
import { KernelInstance, type Region } from './instance.js';

const MAX_BYTES = 2 ** 32;

class JsRegion implements Region {
  constructor(readonly buffer: ArrayBuffer) {}
  get bytes(): number {
    return this.buffer.byteLength;
  }
}

/** The pure-JS kernels: plain typed arrays for memory, and any typed array readable in place. */
export class JsInstance extends KernelInstance {
  readonly backend = 'js';

  alloc(bytes: number): Region {
    // The same bound as wasm32's address space, so that what fits on one backend fits on the other.
    if (bytes > MAX_BYTES) throw new RangeError(`cannot allocate ${bytes} bytes: a buffer holds at most 4 GiB, as in wasm`);
    try {
      return new JsRegion(new ArrayBuffer(bytes));
    } catch {
      throw new RangeError(`cannot allocate ${bytes} bytes: the engine has no room for them`);
    }
  }

  free(): void {}

  f64(region: Region, length?: number): Float64Array {
    return new Float64Array((region as JsRegion).buffer, 0, length);
  }

  f32(region: Region, length?: number): Float32Array {
    return new Float32Array((region as JsRegion).buffer, 0, length);
  }

  i32(region: Region, length?: number): Int32Array {
    return new Int32Array((region as JsRegion).buffer, 0, length);
  }

  memoryBytes(): number {
    return 0;
  }

  growingMemory(): null {
    return null;
  }

  reads(): boolean {
    return true;
  }

  transpose(from: Values, to: Values, rows: number, cols: number): void {
    transpose(from, to, rows, cols);
  }

  call(
    kernel: KernelName, frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number,
    grad: Values | null,
  ): number {
    return (jsKernels[kernel] as JsKernel)(frame, pred, target, n, classes, grad);
  }
}
