/**
 * The host's allocator over a kernel's linear memory. The kernel itself never allocates
 * (it is built with AssemblyScript's stub runtime): the host places the chunk buffers once
 * and workspaces as they come, so a workspace may use what wasm32 allows (4 GiB of linear
 * memory in all) rather than an in-module allocator's largest block. First fit over a free
 * list sorted by address; neighbours merge when freed.
 */
export class LinearMemory {
  private readonly holes: Array<{ start: number; bytes: number }> = [];
  private top: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = align(base);
  }

  /** Returns the address of `bytes` bytes aligned to a cache line; throws a RangeError if memory cannot grow. */
  alloc(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    for (let k = 0; k < this.holes.length; k++) {
      const hole = this.holes[k];
      if (hole.bytes < size) continue;
      const start = hole.start;
      if (hole.bytes === size) this.holes.splice(k, 1);
      else {
        hole.start += size;
        hole.bytes -= size;
      }
      return start;
    }
    const end = this.top + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch {
        throw new RangeError(
          `cannot allocate ${bytes} bytes of wasm memory: linear memory would grow past ${limit(have, pages)} ` +
            `(wasm32 allows 4 GiB in all; ${this.top} bytes are in use)`,
        );
      }
    }
    const start = this.top;
    this.top = end;
    return start;
  }

  free(start: number, bytes: number): void {
    const size = align(Math.max(bytes, 1));
    let k = 0;
    while (k < this.holes.length && this.holes[k].start < start) k++;
    this.holes.splice(k, 0, { start, bytes: size });
    // Merge with the following hole, then with the preceding one.
    if (k + 1 < this.holes.length && start + size === this.holes[k + 1].start) {
      this.holes[k].bytes += this.holes[k + 1].bytes;
      this.holes.splice(k + 1, 1);
    }
    if (k > 0 && this.holes[k - 1].start + this.holes[k - 1].bytes === start) {
      this.holes[k - 1].bytes += this.holes[k].bytes;
      this.holes.splice(k, 1);
      k--;
    }
    // A hole at the top gives its bytes back to the bump region (memory itself never shrinks).
    const last = this.holes[this.holes.length - 1];
    if (last !== undefined && last.start + last.bytes === this.top) {
      this.top = last.start;
      this.holes.pop();
    }
  }
}

const PAGE = 65536;
const LINE = 64;

const align = (bytes: number): number => Math.ceil(bytes / LINE) * LINE;

function limit(have: number, pages: number): string {
  const bytes = have + pages * PAGE;
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}
