// Channels-first chunks reach the kernels as rows: the host copies a chunk's class planes as
// they lie (C runs of m pixels), and these transpose them into m rows of C, in linear memory,
// four by four (f32) or two by two (f64) with SIMD shuffles; gradients and element losses go
// back the same way. A transpose of `rows` × `cols` values at `from` writes cols × rows at `to`.

export function transposeF32(from: usize, to: usize, rows: i32, cols: i32): void {
  if (!ASC_FEATURE_SIMD) return scalarF32(from, to, rows, cols, 0, 0);
  const fromRow = <usize>cols << 2;
  const toRow = <usize>rows << 2;
  // Blocks of 4 × 4 along the long side (a chunk's m samples), the short side (its C classes)
  // inner: each pass reads (planes in) or writes (rows out) four whole rows of C, and the
  // remainder of the short side stays beside its block.
  if (rows >= cols) {
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      let c = 0;
      for (; c + 4 <= cols; c += 4) block4(from + <usize>r * fromRow + (<usize>c << 2), fromRow, to + <usize>c * toRow + (<usize>r << 2), toRow);
      for (; c < cols; c++) {
        for (let k = 0; k < 4; k++) store<f32>(to + <usize>c * toRow + (<usize>(r + k) << 2), load<f32>(from + <usize>(r + k) * fromRow + (<usize>c << 2)));
      }
    }
    return scalarF32(from, to, rows, cols, r, 0);
  }
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    let r = 0;
    for (; r + 4 <= rows; r += 4) block4(from + <usize>r * fromRow + (<usize>c << 2), fromRow, to + <usize>c * toRow + (<usize>r << 2), toRow);
    for (; r < rows; r++) {
      const x = v128.load(from + <usize>r * fromRow + (<usize>c << 2));
      const o = to + <usize>c * toRow + (<usize>r << 2);
      v128.store32_lane(o, x, 0);
      v128.store32_lane(o + toRow, x, 1);
      v128.store32_lane(o + 2 * toRow, x, 2);
      v128.store32_lane(o + 3 * toRow, x, 3);
    }
  }
  scalarF32(from, to, rows, cols, 0, c);
}

/** The 4 × 4 block at `at` (rows `fromRow` bytes apart) transposed to `out` (rows `toRow` apart). */
// @ts-ignore: decorator
@inline
function block4(at: usize, fromRow: usize, out: usize, toRow: usize): void {
  const x0 = v128.load(at);
  const x1 = v128.load(at + fromRow);
  const x2 = v128.load(at + 2 * fromRow);
  const x3 = v128.load(at + 3 * fromRow);
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(out, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(out + toRow, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(out + 2 * toRow, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(out + 3 * toRow, i64x2.shuffle(t1, t3, 1, 3));
}

/** Rows from `r0` (all columns) and columns from `c0` (all rows) one value at a time: the scalar build, and the SIMD loops' edges. */
function scalarF32(from: usize, to: usize, rows: i32, cols: i32, r0: i32, c0: i32): void {
  for (let r = r0; r < rows; r++) {
    for (let c = c0; c < cols; c++) store<f32>(to + ((<usize>c * rows + r) << 2), load<f32>(from + ((<usize>r * cols + c) << 2)));
  }
}

export function transposeF64(from: usize, to: usize, rows: i32, cols: i32): void {
  if (!ASC_FEATURE_SIMD) return scalarF64(from, to, rows, cols, 0, 0);
  const fromRow = <usize>cols << 3;
  const toRow = <usize>rows << 3;
  // As transposeF32, in blocks of 2 × 2.
  if (rows >= cols) {
    let r = 0;
    for (; r + 2 <= rows; r += 2) {
      let c = 0;
      for (; c + 2 <= cols; c += 2) block2(from + <usize>r * fromRow + (<usize>c << 3), fromRow, to + <usize>c * toRow + (<usize>r << 3), toRow);
      if (c < cols) {
        const o = to + <usize>c * toRow + (<usize>r << 3);
        store<f64>(o, load<f64>(from + <usize>r * fromRow + (<usize>c << 3)));
        store<f64>(o, load<f64>(from + <usize>(r + 1) * fromRow + (<usize>c << 3)), 8);
      }
    }
    return scalarF64(from, to, rows, cols, r, 0);
  }
  let c = 0;
  for (; c + 2 <= cols; c += 2) {
    let r = 0;
    for (; r + 2 <= rows; r += 2) block2(from + <usize>r * fromRow + (<usize>c << 3), fromRow, to + <usize>c * toRow + (<usize>r << 3), toRow);
    if (r < rows) {
      const x = v128.load(from + <usize>r * fromRow + (<usize>c << 3));
      const o = to + <usize>c * toRow + (<usize>r << 3);
      v128.store64_lane(o, x, 0);
      v128.store64_lane(o + toRow, x, 1);
    }
  }
  scalarF64(from, to, rows, cols, 0, c);
}

/** The 2 × 2 block at `at` (rows `fromRow` bytes apart) transposed to `out` (rows `toRow` apart). */
// @ts-ignore: decorator
@inline
function block2(at: usize, fromRow: usize, out: usize, toRow: usize): void {
  const x0 = v128.load(at);
  const x1 = v128.load(at + fromRow);
  v128.store(out, i64x2.shuffle(x0, x1, 0, 2));
  v128.store(out + toRow, i64x2.shuffle(x0, x1, 1, 3));
}

function scalarF64(from: usize, to: usize, rows: i32, cols: i32, r0: i32, c0: i32): void {
  for (let r = r0; r < rows; r++) {
    for (let c = c0; c < cols; c++) store<f64>(to + ((<usize>c * rows + r) << 3), load<f64>(from + ((<usize>r * cols + c) << 3)));
  }
}
