// Probabilities need only p_t: copying it (and the label) into a dense chunk first lets the
// math loop run over contiguous memory, which on wide rows is several times faster than
// reading p_t from inside it. Used when the rows already live in wasm memory (a workspace).

/**
 * Copies p[i] = rows[i * classes + labels[i]] and the label into pOut/labelsOut for n
 * samples, writing label -1 for samples whose label is the ignore index. Returns how many
 * samples are counted, or -(i + 1) for the first sample i with an invalid label or
 * probability.
 */
export function gatherF64(
  rows: usize, labels: usize, n: i32, classes: i32, ignore: i32, hasIgnore: bool, pOut: usize, labelsOut: usize,
): i32 {
  return gather<f64>(rows, labels, n, classes, ignore, hasIgnore, pOut, labelsOut);
}

export function gatherF32(
  rows: usize, labels: usize, n: i32, classes: i32, ignore: i32, hasIgnore: bool, pOut: usize, labelsOut: usize,
): i32 {
  return gather<f32>(rows, labels, n, classes, ignore, hasIgnore, pOut, labelsOut);
}

/** Checks and copies labels for logit rows (which the kernel reads whole), as gather does. */
export function checkLabels(
  labels: usize, n: i32, classes: i32, ignore: i32, hasIgnore: bool, labelsOut: usize,
): i32 {
  let counted = 0;
  for (let i = 0; i < n; i++) {
    let label = load<i32>(labels + (<usize>i << 2));
    if (hasIgnore && label == ignore) label = -1;
    else if (<u32>label >= <u32>classes) return -(i + 1);
    else counted++;
    store<i32>(labelsOut + (<usize>i << 2), label);
  }
  return counted;
}

// @ts-ignore: decorator
@inline
function gather<T>(
  rows: usize, labels: usize, n: i32, classes: i32, ignore: i32, hasIgnore: bool, pOut: usize, labelsOut: usize,
): i32 {
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const label = load<i32>(labels + (<usize>i << 2));
    let x: f64 = 1;
    if (hasIgnore && label == ignore) {
      store<i32>(labelsOut + (<usize>i << 2), -1);
    } else {
      if (<u32>label >= <u32>classes) return -(i + 1);
      x = <f64>load<T>(rows + ((<usize>i * <usize>classes + <usize>label) << alignof<T>()));
      if (!(x >= 0 && x <= 1)) return -(i + 1);
      store<i32>(labelsOut + (<usize>i << 2), label);
      counted++;
    }
    store<f64>(pOut + (<usize>i << 3), x);
  }
  return counted;
}
