// How a part of a batch travels to a worker: typed arrays on shared memory as views, anything
// else copied into typed arrays whose buffers are transferred, and recycled when the worker
// sends them back.

import { Layout, Slice } from '../layout/layout.js';

export const isShared = (view: ArrayBufferView): boolean => Object.prototype.toString.call(view.buffer) === '[object SharedArrayBuffer]';

export type Typed = Float64Array | Float32Array;
type TypedConstructor = new (buffer: ArrayBuffer, offset: number, length: number) => Typed;

/** Gives an ArrayBuffer of at least `bytes` bytes, for a copy that is transferred to a worker. */
export type Take = (bytes: number) => ArrayBuffer;

/**
 * The buffers copies travel in: workers send them back with their results, and the next
 * part (of this call or a later one) reuses them, so large batches do not keep touching fresh
 * memory (page faults can cost more than the copy) and memory stays bounded.
 */
export class Buffers {
  private readonly spare: ArrayBuffer[] = [];
  constructor(private readonly keep: number) {}

  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let k = 0; k < this.spare.length; k++) {
      const size = this.spare[k].byteLength;
      if (size >= bytes && (best < 0 || size < this.spare[best].byteLength)) best = k;
    }
    return best < 0 ? new ArrayBuffer(bytes) : this.spare.splice(best, 1)[0];
  }

  give(buffers: ArrayBuffer[]): void {
    for (const buffer of buffers) {
      if (this.spare.length < this.keep) this.spare.push(buffer);
      else {
        const smallest = this.spare.reduce((a, b, k) => (b.byteLength < this.spare[a].byteLength ? k : a), 0);
        if (this.spare[smallest].byteLength < buffer.byteLength) this.spare[smallest] = buffer;
      }
    }
  }
}

/** A typed array's values [a, b) for a worker: a view when it can share the memory, else a copy in a buffer it takes over. */
export function sliceTyped(typed: Typed, a: number, b: number, share: boolean, take: Take, transfer: Transferable[]): Typed {
  if (share && isShared(typed)) return typed.subarray(a, b);
  const copy = new (typed.constructor as TypedConstructor)(take((b - a) * typed.BYTES_PER_ELEMENT), 0, b - a);
  copy.set(typed.subarray(a, b));
  transfer.push(copy.buffer);
  return copy;
}

/**
 * Rows [from, to) of one argument as a worker gets them, and the width of the rows packed
 * into it, flat (0: as it is). A flat argument's part is the runs of `slice` (one range, or a
 * channels-first part's class planes). Typed arrays on shared memory are viewed, not copied,
 * where the part is one range. Everything else is copied into typed arrays that are
 * transferred, as the structured clone of plain arrays costs far more than the loss: numbers
 * into a Float64Array (exact, so the worker sees the same values), rows into one flat buffer.
 * What is not all numbers (an error, or entries the loss never reads) goes by structured clone.
 */
export function part(
  values: ArrayLike<unknown>, rows: boolean, width: number, from: number, to: number, slice: Slice, share: boolean, take: Take,
  transfer: Transferable[],
): [unknown, number] {
  if (rows) {
    const packed = packRows(values, width, from, to, share, take, transfer);
    return packed === null ? [Array.prototype.slice.call(values, from, to), 0] : [packed, width];
  }
  const [a, b] = slice.runs[0];
  if (ArrayBuffer.isView(values)) {
    const typed = values as unknown as Typed;
    if (slice.contiguous) return [sliceTyped(typed, a, b, share, take, transfer), 0];
    const copy = new (typed.constructor as TypedConstructor)(take(slice.length * typed.BYTES_PER_ELEMENT), 0, slice.length);
    slice.take(typed, copy);
    transfer.push(copy.buffer);
    return [copy, 0];
  }
  const all: unknown[] = new Array(slice.length);
  slice.take(values, all);
  return [numbers(all, take, transfer) ?? all, 0];
}

/** Sample weights of samples [from, to), one per sample (`repeat` samples share each of `values`). */
export function weightsOf(
  values: ArrayLike<unknown>, repeat: number, from: number, to: number, share: boolean, take: Take, transfer: Transferable[],
): ArrayLike<unknown> {
  if (repeat === 1) return part(values, false, 1, from, to, new Slice([[from, to]], new Layout(to - from, 1)), share, take, transfer)[0] as ArrayLike<unknown>;
  const all = Array.from({ length: to - from }, (_, j) => values[Math.floor((from + j) / repeat)]);
  return numbers(all, take, transfer) ?? all;
}

/** Values that are all numbers as a transferred Float64Array, else null. */
function numbers(values: unknown[], take: Take, transfer: Transferable[]): Float64Array | null {
  if (!values.every((v) => typeof v === 'number')) return null;
  const copy = new Float64Array(take(values.length * 8), 0, values.length);
  copy.set(values as number[]);
  transfer.push(copy.buffer);
  return copy;
}

/** Rows [from, to), each `width` numbers, in one typed array (Float32Array if every row is one), or null. */
function packRows(
  values: ArrayLike<unknown>, width: number, from: number, to: number, share: boolean, take: Take, transfer: Transferable[],
): Typed | null {
  const m = to - from;
  const first = values[from] as Typed;
  const f32 = first instanceof Float32Array;
  if (f32 || first instanceof Float64Array) {
    // Consecutive views of one buffer (the rows of a flat array): one view of them all, or one copy.
    const step = width * first.BYTES_PER_ELEMENT;
    let i = 0;
    for (; i < m; i++) {
      const row = values[from + i] as Typed;
      if (!(row instanceof first.constructor) || row.buffer !== first.buffer || row.length !== width || row.byteOffset !== first.byteOffset + i * step) break;
    }
    if (i === m) {
      const all = new (first.constructor as TypedConstructor)(first.buffer as ArrayBuffer, first.byteOffset, m * width);
      return sliceTyped(all, 0, m * width, share, take, transfer);
    }
  }
  return pack(values, width, from, m, f32, take, transfer) ?? (f32 ? pack(values, width, from, m, false, take, transfer) : null);
}

function pack(values: ArrayLike<unknown>, width: number, from: number, m: number, f32: boolean, take: Take, transfer: Transferable[]): Typed | null {
  const all = f32 ? new Float32Array(take(m * width * 4), 0, m * width) : new Float64Array(take(m * width * 8), 0, m * width);
  for (let i = 0; i < m; i++) {
    const row = values[from + i] as ArrayLike<unknown>;
    if (typeof row !== 'object' || row === null || row.length !== width) return null;
    if (ArrayBuffer.isView(row)) {
      if (f32 ? !(row instanceof Float32Array) : row instanceof BigInt64Array || row instanceof BigUint64Array) return null;
      all.set(row as Typed, i * width);
      continue;
    }
    if (f32) return null;
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (typeof v !== 'number') return null;
      all[i * width + c] = v;
    }
  }
  transfer.push(all.buffer);
  return all;
}
