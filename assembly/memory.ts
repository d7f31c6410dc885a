// The host owns every buffer the kernels read or write: it allocates them here once
// (or when a batch needs a wider row) and reuses them, so linear memory stays bounded.

// The allocator's largest block is just under 1 GiB; asking for more returns 0 here
// instead of trapping, so the host can report it.
const MAX_BYTES: usize = (1 << 30) - 64;

export function alloc(bytes: usize): usize {
  return bytes > MAX_BYTES ? 0 : heap.alloc(bytes);
}

export function release(ptr: usize): void {
  heap.free(ptr);
}
