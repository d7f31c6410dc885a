import type { Values } from './frame.js';

// The JS twin of assembly/transpose.ts: `rows` × `cols` values of `from` written as cols × rows
// into `to` (channels-first chunks into rows, and gradients back).

export function transpose(from: Values, to: Values, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const a = r * cols;
    for (let c = 0; c < cols; c++) to[c * rows + r] = from[a + c];
  }
}
