import type { Values } from './source.js';

/**
 * Class indices as the loss reads them fastest: Int32Array, Int16Array, Int8Array, Uint8Array
 * and Uint16Array go to the kernel as they are (it checks them), so other chunks (uint32,
 * int64 and uint64 widened to float64, CSV numbers) are copied into one reused Int32Array.
 * A chunk with a value that is not an int32 is passed on as it is, for the loss to report the
 * value and its index.
 */
export class LabelConverter {
  private out: Int32Array | null = null;

  convert(values: Values): Values {
    if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array ||
      values instanceof Uint8Array || values instanceof Uint16Array) {
      return values;
    }
    const n = values.length;
    if (this.out === null || this.out.length < n) this.out = new Int32Array(n);
    const out = this.out;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if ((v | 0) !== v) return values;
      out[i] = v;
    }
    return out.subarray(0, n);
  }
}
