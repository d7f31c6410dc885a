import { sumError } from './math/sum';

// A kernel call's frame: the parameters the host writes before each call and the running
// totals the kernels add to, as f64 slots at one address. Keeping them in memory rather
// than in arguments gives every kernel one signature, (frame, pred, target, n, classes
// [, grad]), and lets totals run on across the chunks of a batch. This file owns the slot
// table: the build (scripts/frame-table.mjs) copies every integer constant declared here as
// `@inline export const NAME = N` into src/generated/frame.ts for the host, and derives the
// layout's version from them.

// @ts-ignore: decorator
@inline export const GAMMA = 0;
// @ts-ignore: decorator
@inline export const EPSILON = 1;
/** ln(eps) and ln(1 - eps) = log1p(-eps): the clipped logs, exact at both bounds. */
// @ts-ignore: decorator
@inline export const LOG_EPSILON = 2;
// @ts-ignore: decorator
@inline export const LOG_ONE_MINUS_EPSILON = 3;
/** Binary focal loss: alpha for positives, or -1 for no class balancing. */
// @ts-ignore: decorator
@inline export const BINARY_ALPHA = 4;
/** Label smoothing s of class-index targets: target c is s / C + (1 - s) [c = label]. */
// @ts-ignore: decorator
@inline export const SMOOTHING = 5;
/** Factor of every gradient entry (1 / N for 'mean', 1 for 'sum', ...). */
// @ts-ignore: decorator
@inline export const GRAD_SCALE = 6;
/** Labels equal to IGNORE_INDEX (when HAS_IGNORE is 1) contribute nothing and do not count. */
// @ts-ignore: decorator
@inline export const IGNORE_INDEX = 7;
// @ts-ignore: decorator
@inline export const HAS_IGNORE = 8;
/** 1 when pred holds f32 values, else f64. */
// @ts-ignore: decorator
@inline export const PRED_F32 = 9;
/** 1 when the gradient is written as f32, else f64. */
// @ts-ignore: decorator
@inline export const GRAD_F32 = 10;
/** Target rows and binary: 1 when pred holds logits. */
// @ts-ignore: decorator
@inline export const FROM_LOGITS = 11;
/** Class weight of class c at CLASS_WEIGHTS + 8 c CLASS_WEIGHT_STRIDE (stride 0: one for all). */
// @ts-ignore: decorator
@inline export const CLASS_WEIGHTS = 12;
// @ts-ignore: decorator
@inline export const CLASS_WEIGHT_STRIDE = 13;
/** One f64 weight per sample of the chunk, or 0 for none. */
// @ts-ignore: decorator
@inline export const SAMPLE_WEIGHTS = 14;
/** Where each sample's (element's, for binary) weighted loss is stored, or 0. */
// @ts-ignore: decorator
@inline export const LOSSES = 15;
/** Per class (binary: per column) 4 f64 slots: loss sum, its carry, count, weight sum; or 0. */
// @ts-ignore: decorator
@inline export const PER_CLASS = 16;
/** Running totals: the weighted loss sum with its Neumaier carry, counted samples, weight sum. */
// @ts-ignore: decorator
@inline export const SUM = 17;
// @ts-ignore: decorator
@inline export const SUM_CARRY = 18;
// @ts-ignore: decorator
@inline export const COUNT = 19;
// @ts-ignore: decorator
@inline export const WEIGHT_SUM = 20;
// @ts-ignore: decorator
@inline export const WEIGHT_CARRY = 21;
/** Room for one row of f64 values, for kernels that keep a row's intermediate values; or 0. */
// @ts-ignore: decorator
@inline export const ROW_SCRATCH = 22;
/**
 * Where the logits kernels write each row's STATS_SLOTS diagnostics (they compute them for the
 * loss anyway), or 0; the other kinds' come from row-stats.ts.
 */
// @ts-ignore: decorator
@inline export const STATS = 23;
// @ts-ignore: decorator
@inline export const FRAME_SLOTS = 24;
/** Per class (binary: per column) at PER_CLASS: loss sum, its carry, count, weight sum. */
// @ts-ignore: decorator
@inline export const PER_CLASS_SLOTS = 4;
/**
 * What the diagnostics' kernels (row-stats.ts) write per sample (binary: per element): the
 * predicted class (binary: 1 or 0; -1 for an ignored sample), its probability (binary: p),
 * p_t, and the cross-entropy -ln p_t, STATS_SLOTS f64 each.
 */
// @ts-ignore: decorator
@inline export const STATS_SLOTS = 4;
// @ts-ignore: decorator
@inline export const STAT_PREDICTED = 0;
// @ts-ignore: decorator
@inline export const STAT_CONFIDENCE = 1;
// @ts-ignore: decorator
@inline export const STAT_PT = 2;
// @ts-ignore: decorator
@inline export const STAT_CROSS_ENTROPY = 3;
/**
 * What foldRows (row-stats.ts) adds up from a chunk's stats: the samples, Σ loss, Σ -ln p_t, the easy
 * samples (p_t >= 0.5) with their Σ -ln p_t and Σ loss; FOLD_FLOOR (written by the host) is the
 * loss from which a row is a candidate for the hardest, FOLD_CANDIDATES how many were found,
 * FOLD_BINS M. From FOLD_HEADER on: the M + 1 bin bounds b/M (written by the host), 3 per bin
 * (count, confidence sum, hits), 3 per class (correct, predicted, true samples), then the
 * candidates' rows in the chunk.
 */
// @ts-ignore: decorator
@inline export const FOLD_COUNT = 0;
// @ts-ignore: decorator
@inline export const FOLD_LOSS = 1;
// @ts-ignore: decorator
@inline export const FOLD_CROSS_ENTROPY = 2;
// @ts-ignore: decorator
@inline export const FOLD_EASY = 3;
// @ts-ignore: decorator
@inline export const FOLD_EASY_CROSS_ENTROPY = 4;
// @ts-ignore: decorator
@inline export const FOLD_EASY_LOSS = 5;
// @ts-ignore: decorator
@inline export const FOLD_FLOOR = 6;
// @ts-ignore: decorator
@inline export const FOLD_CANDIDATES = 7;
// @ts-ignore: decorator
@inline export const FOLD_BINS = 8;
// @ts-ignore: decorator
@inline export const FOLD_HEADER = 9;

/**
 * Byte offset of the frame's vector area: splats of a call's parameters that loops load where
 * they use them, instead of holding them in registers V8 would spill (see math/lanes.ts).
 * The host makes the frame FRAME_BYTES long.
 */
// @ts-ignore: decorator
@inline export const VECTORS: usize = 192;
// @ts-ignore: decorator
@inline export const EPSILON_LANES = 0;
// @ts-ignore: decorator
@inline export const LOG_EPSILON_LANES = 2;
// @ts-ignore: decorator
@inline export const LOG_ONE_MINUS_EPSILON_LANES = 3;
// @ts-ignore: decorator
@inline export const GAMMA_LANES = 4;
/** i32 lanes: the ignore index, all ones when there is one, the class count. */
// @ts-ignore: decorator
@inline export const IGNORE_LANES = 5;
// @ts-ignore: decorator
@inline export const HAS_IGNORE_LANES = 6;
// @ts-ignore: decorator
@inline export const CLASS_LANES = 7;
/** Two u32 words after the lanes: the class-weight table's address and its stride in bytes. */
// @ts-ignore: decorator
@inline export const WEIGHTS_WORD = 8;
// @ts-ignore: decorator
@inline export const WEIGHT_STRIDE_WORD = 9;
/** Bytes of a frame: the slots, then the vector area's lanes up to the words. */
// @ts-ignore: decorator
@inline export const FRAME_BYTES = 336;

/**
 * Writes the vector area. V8 11.3 sinks pure loop invariants (splats, even a checked double
 * to integer conversion) back into loop bodies; loads from here it cannot move.
 */
export function storeVectors(frame: usize, classes: i32): void {
  const at = frame + VECTORS;
  v128.store(at, f64x2.splat(param(frame, EPSILON)), EPSILON_LANES << 4);
  v128.store(at, f64x2.splat(param(frame, LOG_EPSILON)), LOG_EPSILON_LANES << 4);
  v128.store(at, f64x2.splat(param(frame, LOG_ONE_MINUS_EPSILON)), LOG_ONE_MINUS_EPSILON_LANES << 4);
  v128.store(at, f64x2.splat(param(frame, GAMMA)), GAMMA_LANES << 4);
  const hasIgnore = flag(frame, HAS_IGNORE);
  v128.store(at, i32x4.splat(hasIgnore ? <i32>param(frame, IGNORE_INDEX) : 0), IGNORE_LANES << 4);
  v128.store(at, i32x4.splat(hasIgnore ? -1 : 0), HAS_IGNORE_LANES << 4);
  v128.store(at, i32x4.splat(classes), CLASS_LANES << 4);
  store<u32>(at + (<usize>WEIGHTS_WORD << 4), <u32>pointer(frame, CLASS_WEIGHTS));
  store<u32>(at + (<usize>WEIGHTS_WORD << 4), flag(frame, CLASS_WEIGHT_STRIDE) ? 8 : 0, 4);
}

/** A u32 word of the vector area. */
// @ts-ignore: decorator
@inline
export function word(frame: usize, index: i32): usize {
  return load<u32>(frame + VECTORS + (<usize>WEIGHTS_WORD << 4) + (<usize>(index - WEIGHTS_WORD) << 2));
}

/** A parameter's splat from the vector area. */
// @ts-ignore: decorator
@inline
export function vector(frame: usize, index: i32): v128 {
  return v128.load(frame + VECTORS + (<usize>index << 4));
}

/** Rows summed plainly before their block is added to the totals with compensation. */
// @ts-ignore: decorator
@inline export const BLOCK = 1024;

// @ts-ignore: decorator
@inline
export function param(frame: usize, slot: i32): f64 {
  return load<f64>(frame + (<usize>slot << 3));
}

// @ts-ignore: decorator
@inline
export function flag(frame: usize, slot: i32): bool {
  return param(frame, slot) != 0;
}

// @ts-ignore: decorator
@inline
export function pointer(frame: usize, slot: i32): usize {
  return <usize>param(frame, slot);
}

/** Neumaier's compensated addition of x to the pair (sum, carry) at slots sum, sum + 1. */
export function addCompensated(at: usize, x: f64): void {
  const sum = load<f64>(at);
  const t = sum + x;
  store<f64>(at, t);
  store<f64>(at, load<f64>(at, 8) + sumError(sum, x, t), 8);
}

/** Adds a chunk's results to the running totals. */
export function addTotals(frame: usize, sum: f64, count: f64, weightSum: f64): void {
  addCompensated(frame + (<usize>SUM << 3), sum);
  store<f64>(frame + (<usize>COUNT << 3), param(frame, COUNT) + count);
  addCompensated(frame + (<usize>WEIGHT_SUM << 3), weightSum);
}

/** Adds one counted sample's weighted loss and weight to its class's slots. */
export function addToClass(perClass: usize, c: i32, loss: f64, weight: f64): void {
  const at = perClass + ((<usize>c * PER_CLASS_SLOTS) << 3);
  addCompensated(at, loss);
  store<f64>(at, load<f64>(at, 16) + 1, 16);
  store<f64>(at, load<f64>(at, 24) + weight, 24);
}
