import type { BackendChoice } from '../backend/loader.js';
import type { DiagnosticsOptions } from '../options/diagnostics.js';

// The accumulators' documented options, one interface per loss (a type test holds their keys
// equal to the option schema's).

/** Options of {@link createFocalLossAccumulator}: fixed for every update. */
export interface FocalLossAccumulatorOptions {
  gamma?: number;
  alpha?: number | ArrayLike<number>;
  fromLogits?: boolean;
  epsilon?: number | 'auto';
  ignoreIndex?: number;
  labelSmoothing?: number;
  /** Poly-1's ε, as for focalLoss. */
  poly1?: number;
  /** C; otherwise taken from the first update. */
  classes?: number;
  /** The class axis of each update's yPred, where it has dimensions (a tensor, nested array or { data, shape }): as focalLoss's. */
  axis?: number;
  /** Check each row of every update, as focalLoss's checkRows does. */
  checkRows?: boolean | number;
  backend?: BackendChoice;
  /** A name for the data set (e.g. a file's path and size): the state then records which of its rows it covers. */
  source?: string;
  /** The data set's row of the first update's first row (a shard's start). Default 0. */
  firstRow?: number;
  /** The data set's rows, if known: a merge of shards then says which rows are missing. */
  totalRows?: number;
  /**
   * Diagnostics in summary() and state(): the cross-entropy and the easy samples' share,
   * calibration, recall and precision per class, recommended α, the hardest samples (see
   * {@link DiagnosticsSummary}). `true` takes the defaults. Default false.
   */
  diagnostics?: boolean | DiagnosticsOptions;
}

/** Options of {@link createBinaryFocalLossAccumulator}. */
export interface BinaryFocalLossAccumulatorOptions {
  gamma?: number;
  alpha?: number;
  fromLogits?: boolean;
  epsilon?: number | 'auto';
  labelSmoothing?: number;
  /** Poly-1's ε, as for binaryFocalLoss. */
  poly1?: number;
  /** K, the labels per sample; otherwise taken from the first update. */
  classes?: number;
  /** The label axis of each update's yPred, where it has dimensions: as binaryFocalLoss's. */
  axis?: number;
  backend?: BackendChoice;
  /** As for {@link FocalLossAccumulatorOptions.source}. */
  source?: string;
  firstRow?: number;
  totalRows?: number;
  /** As for {@link FocalLossAccumulatorOptions.diagnostics}, per label column. */
  diagnostics?: boolean | DiagnosticsOptions;
}

/** Options of {@link createAsymmetricLossAccumulator}. */
export interface AsymmetricLossAccumulatorOptions {
  /** As for asymmetricLoss. */
  gammaPos?: number;
  gammaNeg?: number;
  clip?: number;
  fromLogits?: boolean;
  epsilon?: number | 'auto';
  /** K, the labels per sample; otherwise taken from the first update. */
  classes?: number;
  /** The label axis of each update's yPred, where it has dimensions: as binaryFocalLoss's. */
  axis?: number;
  backend?: BackendChoice;
  /** As for {@link FocalLossAccumulatorOptions.source}. */
  source?: string;
  firstRow?: number;
  totalRows?: number;
  /** As for {@link FocalLossAccumulatorOptions.diagnostics}, per label column. */
  diagnostics?: boolean | DiagnosticsOptions;
}
