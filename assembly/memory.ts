// The host owns every buffer the kernels read or write: it allocates them here once
// (or when a batch needs a wider row) and reuses them, so linear memory stays bounded.

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function release(ptr: usize): void {
  heap.free(ptr);
}
