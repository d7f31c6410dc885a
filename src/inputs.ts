// What yTrue and yPred may be, as types: arrays and typed arrays, nested arrays of any depth,
// and tensors of any rank read structurally (nothing here imports TensorFlow.js or ONNX Runtime).

/** A TensorFlow.js tensor (any rank), read by its `shape` and `dataSync()`. */
export interface TfTensorLike {
  readonly shape: readonly number[];
  dataSync(): ArrayBufferView | readonly string[];
}

/** An ONNX Runtime tensor (any rank), read by its `dims` (numbers or BigInts) and `data`. */
export interface OrtTensorLike {
  readonly dims: readonly (number | bigint)[];
  readonly data: ArrayBufferView | readonly string[];
}

/** A flat typed array with its dimensions, row-major, as `readNpy` returns a `.npy` file. */
export interface ShapedArray {
  readonly data: ArrayBufferView;
  readonly shape: readonly (number | bigint)[];
}

/** Any tensor the losses read: its values and its dimensions. */
export type TensorLike = TfTensorLike | OrtTensorLike | ShapedArray;

/** Numbers nested to any depth: rows ([N][C]), maps ([N][H][W][C], [N][C][H][W]), ... */
export type NestedArray = ArrayLike<number> | ArrayLike<NestedArray>;

/** Class indices as int64 (ONNX Runtime's and NumPy's labels): each one must be a class index or the ignore index. */
export type Int64Labels = BigInt64Array | BigUint64Array;

/**
 * Class indices (N, or one per pixel of a map; int64 too), or targets of yPred's shape
 * (N target rows of C values in [0, 1], one-hot or soft; or a map); arrays, nested arrays or
 * tensors.
 */
export type Targets = NestedArray | Int64Labels | TensorLike;
/**
 * N rows of C values, one flat row-major buffer of N·C values, a nested array of any rank,
 * or a tensor (its classes on `axis`; a flat buffer's dimensions in `shape`).
 */
export type Predictions = NestedArray | TensorLike;

/** Targets or predictions of binaryFocalLoss: N values, N rows of K, a nested array or a tensor (its labels on `axis`). */
export type BinaryValues = NestedArray | TensorLike;
