// Channels-first chunks reach the kernels as rows: the host copies a chunk's class planes as
// they lie (C runs of m pixels), and these transpose them into m rows of C, in linear memory,
// four by four (f32) or two by two (f64) with SIMD shuffles; gradients and element losses go
// back the same way. A transpose of `rows` × `cols` values at `from` writes cols × rows at `to`.

export function transposeF32(from: usize, to: usize, rows: i32, cols: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const fromRow = <usize>cols << 2;
    const toRow = <usize>rows << 2;
    // Four columns at a time: their rows' values are read from every row (plane) in turn and
    // written as four whole output rows, so each output row is written by one pass.
    for (; c + 4 <= cols; c += 4) {
      const out = to + <usize>c * toRow;
      let r = 0;
      for (; r + 4 <= rows; r += 4) {
        const at = from + <usize>r * fromRow + (<usize>c << 2);
        const x0 = v128.load(at);
        const x1 = v128.load(at + fromRow);
        const x2 = v128.load(at + 2 * fromRow);
        const x3 = v128.load(at + 3 * fromRow);
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        const o = out + (<usize>r << 2);
        v128.store(o, i64x2.shuffle(t0, t2, 0, 2));
        v128.store(o + toRow, i64x2.shuffle(t0, t2, 1, 3));
        v128.store(o + 2 * toRow, i64x2.shuffle(t1, t3, 0, 2));
        v128.store(o + 3 * toRow, i64x2.shuffle(t1, t3, 1, 3));
      }
      for (; r < rows; r++) {
        const x = v128.load(from + <usize>r * fromRow + (<usize>c << 2));
        const o = out + (<usize>r << 2);
        v128.store32_lane(o, x, 0);
        v128.store32_lane(o + toRow, x, 1);
        v128.store32_lane(o + 2 * toRow, x, 2);
        v128.store32_lane(o + 3 * toRow, x, 3);
      }
    }
  }
  for (; c < cols; c++) {
    for (let r = 0; r < rows; r++) store<f32>(to + ((<usize>c * rows + r) << 2), load<f32>(from + ((<usize>r * cols + c) << 2)));
  }
}

export function transposeF64(from: usize, to: usize, rows: i32, cols: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const fromRow = <usize>cols << 3;
    const toRow = <usize>rows << 3;
    for (; c + 2 <= cols; c += 2) {
      const out = to + <usize>c * toRow;
      let r = 0;
      for (; r + 2 <= rows; r += 2) {
        const at = from + <usize>r * fromRow + (<usize>c << 3);
        const x0 = v128.load(at);
        const x1 = v128.load(at + fromRow);
        const o = out + (<usize>r << 3);
        v128.store(o, i64x2.shuffle(x0, x1, 0, 2));
        v128.store(o + toRow, i64x2.shuffle(x0, x1, 1, 3));
      }
      if (r < rows) {
        const x = v128.load(from + <usize>r * fromRow + (<usize>c << 3));
        v128.store64_lane(out + (<usize>r << 3), x, 0);
        v128.store64_lane(out + toRow + (<usize>r << 3), x, 1);
      }
    }
  }
  for (; c < cols; c++) {
    for (let r = 0; r < rows; r++) store<f64>(to + ((<usize>c * rows + r) << 3), load<f64>(from + ((<usize>r * cols + c) << 3)));
  }
}
