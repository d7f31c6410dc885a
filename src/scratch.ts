import type { Backend, Region } from './backend.js';

/** Samples per chunk: the chunk's buffers (160 KiB) stay in L2 between gather and math. */
export const CHUNK = 8192;
/** Logit rows are copied through this much memory at a time, or one row if that is wider. */
export const ROW_BYTES = 1 << 20;

/**
 * The fixed buffers every call streams its batch through. Allocated once per backend, so
 * linear memory does not grow with the batch size; only a row wider than ROW_BYTES or a
 * longer class-weight table makes a buffer grow, once.
 */
export class Scratch {
  readonly p: Region;
  readonly labels: Region;
  readonly out: Region;
  readonly sampleWeights: Region;
  rows: Region;
  targets: Region | null = null;
  weights: Region;

  constructor(readonly backend: Backend) {
    this.p = backend.alloc(CHUNK * 8);
    this.labels = backend.alloc(CHUNK * 4);
    this.out = backend.alloc(CHUNK * 8);
    this.sampleWeights = backend.alloc(CHUNK * 8);
    this.rows = backend.alloc(ROW_BYTES);
    this.weights = backend.alloc(8 * 64);
  }

  ensureRows(bytes: number): void {
    if (this.rows.bytes >= bytes) return;
    this.backend.free(this.rows);
    this.rows = this.backend.alloc(bytes);
  }

  /** Target rows (dense targets, label smoothing, binary targets), sized like the rows buffer. */
  ensureTargets(): Region {
    if (this.targets === null || this.targets.bytes < this.rows.bytes) {
      if (this.targets !== null) this.backend.free(this.targets);
      this.targets = this.backend.alloc(this.rows.bytes);
    }
    return this.targets;
  }

  ensureWeights(classes: number): void {
    if (this.weights.bytes >= classes * 8) return;
    this.backend.free(this.weights);
    this.weights = this.backend.alloc(classes * 8);
  }
}

const scratches = new WeakMap<Backend, Scratch>();

export function scratchFor(backend: Backend): Scratch {
  let scratch = scratches.get(backend);
  if (scratch === undefined) {
    scratch = new Scratch(backend);
    scratches.set(backend, scratch);
  }
  return scratch;
}
