// v128 constants, loaded from a table where they are used. V8 11.3 rebuilds a v128 literal
// from immediates at every use (three or four instructions) and binaryen turns splats of
// constants into literals, while a load is one instruction and keeps no register busy.

// @ts-ignore: decorator
@inline export const ZERO = 0;
// @ts-ignore: decorator
@inline export const ONE = 1;
// @ts-ignore: decorator
@inline export const SMALLEST_NORMAL = 2;
// @ts-ignore: decorator
@inline export const INFINITY = 3;
// @ts-ignore: decorator
@inline export const MINUS_INFINITY = 4;
// @ts-ignore: decorator
@inline export const MINUS_ONE = 5;
/** The integer -1 on both i64 lanes (all bits set). */
// @ts-ignore: decorator
@inline export const MINUS_ONE_I64 = 6;
/** Poly-1's cancellation test (math/poly.ts, CANCELLATION). */
// @ts-ignore: decorator
@inline export const SIXTY_FOUR = 7;

// Each value twice, one per lane. @lazy: only builds that use it get the data.
// @ts-ignore: decorator
@lazy const LANE_CONSTANTS = memory.data<u64>([
  0x0000000000000000, 0x0000000000000000,
  0x3FF0000000000000, 0x3FF0000000000000,
  0x0010000000000000, 0x0010000000000000,
  0x7FF0000000000000, 0x7FF0000000000000,
  0xFFF0000000000000, 0xFFF0000000000000,
  0xBFF0000000000000, 0xBFF0000000000000,
  0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF,
  0x4050000000000000, 0x4050000000000000,
], 16);

/** The constant `index` on both lanes. */
// @ts-ignore: decorator
@inline
export function lanes(index: i32): v128 {
  return v128.load(LANE_CONSTANTS + (<usize>index << 4));
}
