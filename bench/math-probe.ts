// Probe module for bench/accuracy.mjs: applies each f64x2 function of assembly/math/ to an
// array in memory. Built on the fly into build/ (never shipped) with math-probe.asconfig.json.
import * as exp from '../assembly/math/exp';
import * as log from '../assembly/math/log';

/** A 16-byte-aligned region of `bytes` bytes past the static data, growing memory as needed. */
export function reserve(bytes: usize): usize {
  const base = (__heap_base + 15) & ~(<usize>15);
  const pages = <i32>((base + bytes + 0xFFFF) >> 16);
  if (pages > memory.size()) memory.grow(pages - memory.size());
  return base;
}

// n is even: the harness pads its arrays.
export function vlog(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) v128.store(y + (<usize>i << 3), log.vlog(v128.load(x + (<usize>i << 3))));
}
export function vlogNormal(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) v128.store(y + (<usize>i << 3), log.vlogNormal(v128.load(x + (<usize>i << 3))));
}
export function vexp(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) v128.store(y + (<usize>i << 3), exp.vexp(v128.load(x + (<usize>i << 3))));
}
export function vexpNonPositive(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) v128.store(y + (<usize>i << 3), exp.vexpNonPositive(v128.load(x + (<usize>i << 3))));
}
