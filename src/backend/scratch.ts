import { FRAME_BYTES, FRAME_SLOTS, PER_CLASS_SLOTS } from '../kernels/frame.js';
import { fail } from '../errors/detail.js';

/** At most this many rows go through the kernel per call: their rows stay in L2 meanwhile. */
export const CHUNK_ROWS = 4096;
/** Bytes of each row-sized buffer: a chunk of f64 rows, targets, gradients or element losses. */
export const ROW_BYTES = 1 << 19;

/** Rows per chunk for rows of `classes` values: whatever fits ROW_BYTES as f64, at least one. */
export function chunkRows(classes: number): number {
  return Math.max(1, Math.min(CHUNK_ROWS, Math.floor(ROW_BYTES / (8 * classes))));
}

/** 'planes': a channels-first chunk as it lies (C planes), before and after its transpose into rows. */
type ChunkBuffer = 'pred' | 'target' | 'losses' | 'grad' | 'row' | 'planes' | 'stats' | 'fold';

/** A block of an instance's memory. Views over wasm memory must be re-taken after anything that allocates. */
export interface Region {
  readonly bytes: number;
}

/** What the buffers are allocated from: a kernel instance's memory. */
export interface Memory {
  /** Throws a RangeError when memory cannot hold `bytes` more. */
  alloc(bytes: number): Region;
  free(region: Region): void;
  f64(region: Region, length?: number): Float64Array;
  f32(region: Region, length?: number): Float32Array;
  i32(region: Region, length?: number): Int32Array;
}

/**
 * The fixed buffers every call on an instance streams its batch through. Each is allocated
 * the first time a call needs it and kept, so linear memory does not grow with the batch:
 * only a row wider than ROW_BYTES (as f64), a longer class table or a first gradient call
 * makes it grow, once.
 */
export class Scratch {
  private readonly regions = new Map<ChunkBuffer, Region>();
  private frameRegion: Region | null = null;
  private classRegion: Region | null = null;
  private perClassRegion: Region | null = null;
  private weightsRegion: Region | null = null;

  constructor(private readonly instance: Memory) {}

  /**
   * Allocates what a call will use, before any view is taken (`argument` names what sets the
   * sizes, for the error when they do not fit): the row buffers it names, each
   * with the bytes one row of it takes, a class-weight table of `weights` entries and, with
   * `perClass`, per-class sums for `classes` classes. Nothing allocates after this until the
   * call ends, so views taken next stay valid.
   */
  reserve(
    fn: string, argument: string, classes: number, rowBytes: Partial<Record<ChunkBuffer, number>>, weights: number, perClass: boolean,
  ): void {
    try {
      for (const [name, bytes] of Object.entries(rowBytes) as Array<[ChunkBuffer, number]>) {
        // Chunk buffers hold a chunk's rows; 'row' holds one.
        const size = name === 'row' ? bytes : Math.max(ROW_BYTES, bytes * chunkRows(classes));
        this.regions.set(name, this.grown(this.regions.get(name) ?? null, size));
      }
      this.frameRegion ??= this.instance.alloc(FRAME_BYTES);
      this.weightsRegion ??= this.instance.alloc(CHUNK_ROWS * 8);
      this.classRegion = this.grown(this.classRegion, 8 * Math.max(weights, 64));
      if (perClass) this.perClassRegion = this.grown(this.perClassRegion, 8 * PER_CLASS_SLOTS * classes);
    } catch (error) {
      throw fail(RangeError, fn)`${argument} of ${classes} need chunk buffers that do not fit: ${(error as Error).message}`;
    }
  }

  /** A region of at least `bytes`: the old one, or a new one (the old is freed only once the new exists). */
  private grown(region: Region | null, bytes: number): Region {
    if (region !== null && region.bytes >= bytes) return region;
    const larger = this.instance.alloc(bytes);
    if (region !== null) this.instance.free(region);
    return larger;
  }

  /** A view of a row buffer reserved for this call. */
  f64(name: ChunkBuffer): Float64Array {
    return this.instance.f64(this.region(name));
  }

  f32(name: ChunkBuffer): Float32Array {
    return this.instance.f32(this.region(name));
  }

  i32(name: ChunkBuffer): Int32Array {
    return this.instance.i32(this.region(name));
  }

  frame(): Float64Array {
    return this.instance.f64(this.frameRegion!, FRAME_SLOTS);
  }

  classWeights(): Float64Array {
    return this.instance.f64(this.classRegion!);
  }

  sampleWeights(): Float64Array {
    return this.instance.f64(this.weightsRegion!, CHUNK_ROWS);
  }

  perClass(classes: number): Float64Array {
    return this.instance.f64(this.perClassRegion!, PER_CLASS_SLOTS * classes);
  }

  private region(name: ChunkBuffer): Region {
    const region = this.regions.get(name);
    if (region === undefined) throw new Error(`focal-loss-wasm: internal error: the ${name} buffer was not reserved`);
    return region;
  }
}
