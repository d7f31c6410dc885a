import { fail } from '../errors/detail.js';
import { describe, show } from '../errors/show.js';
import { isLossName, type LossName } from '../options/loss-names.js';
import type { DiagnosticsSettings } from '../options/diagnostics.js';
import type { Tally } from '../pipeline/diagnostics.js';
import { LOSSES } from '../losses/registry.js';
import { OPTIONS, type OptionSpec } from '../options/schema.js';
import type { Coverage } from './coverage.js';
import { checkDiagnostics, tallyFromJson, type DiagnosticsState, type StateFacts } from './diagnostics-state.js';
import { checkSum, number, type JsonNumber } from './json-number.js';

/**
 * An accumulator's whole state as plain JSON: the options that decide the numbers, and every
 * sum with its compensation term.
 */
export interface AccumulatorState {
  format: 'focal-loss-wasm/accumulator@1';
  loss: LossName;
  /** The options that decide the numbers (the schema's identity options); partials merge only when these agree. */
  options: Record<string, number | string | boolean | number[] | null>;
  /** C (binary: K), or null before the first update. */
  classes: number | null;
  /** The clipping epsilon in use ('auto' is settled by the first chunk's dtype), or null before. */
  epsilon: number | null;
  /** [sum, carry]. */
  sum: [JsonNumber, JsonNumber];
  count: number;
  weightSum: [JsonNumber, JsonNumber];
  /** Per class (binary: per label column): [sum, carry, count, weight sum]. */
  perClass: Array<[JsonNumber, JsonNumber, number, JsonNumber]>;
  /**
   * The sums (sum, weightSum and the per-class ones) are held times 2^exponent, so that
   * extreme sample weights neither overflow Σw nor vanish; absent when 0.
   */
  exponent?: number;
  /** Per data set (an accumulator's `source`): the rows seen, as sorted disjoint [from, to) ranges. */
  coverage?: Coverage[];
  /** With coverage: the data set's row of the next update's first row. */
  nextRow?: number;
  /** With the `diagnostics` option: the diagnostics' tally (checked by the accumulator, accumulator/diagnostics-state.ts). */
  diagnostics?: DiagnosticsState;
}

export const FORMAT = 'focal-loss-wasm/accumulator@1';

/** Weights from 2^-1074 to 2^1024 are scaled into [1, 2) by at most this power of two. */
const MAX_EXPONENT = 1074;

/** The schema's options that decide a loss's value: what a state records and what must agree to merge. */
export function identityOptions(loss: LossName): OptionSpec[] {
  return (OPTIONS as readonly OptionSpec[]).filter((o) => o.identity && o.losses.includes(loss));
}

/** An option's checked value as a state records it (absent: null; per-class weights: an array). */
export function identityValue(value: unknown): number | string | boolean | number[] | null {
  if (value === undefined) return null;
  if (ArrayBuffer.isView(value)) return Array.from(value as Float64Array);
  return value as number | string | boolean;
}

/**
 * A state as state() writes it, every field checked: a forged or damaged state is a TypeError
 * (wrong type) or RangeError (wrong value) naming the field, never NaN or a negative loss later.
 */
export function checkState(fn: string, value: unknown): AccumulatorState {
  const bad = (Class: new (m: string) => Error, field: string, v: unknown, what: string) =>
    fail(Class, fn)`state.${field} = ${show(v)} ${what}`;
  if (typeof value !== 'object' || value === null || (value as AccumulatorState).format !== FORMAT) {
    throw fail(TypeError, fn)`not an accumulator state (expected what state() returns, format "${FORMAT}"), got ${describe(value)}`;
  }
  const s = value as AccumulatorState;
  if (!isLossName(s.loss)) throw bad(RangeError, 'loss', s.loss, 'is not a loss of this library');
  checkOptions(fn, s.loss, s.options);
  if (!(s.classes === null || (Number.isSafeInteger(s.classes) && s.classes > 0))) {
    throw bad(RangeError, 'classes', s.classes, 'must be null or a positive integer');
  }
  if (!(s.epsilon === null || (typeof s.epsilon === 'number' && s.epsilon >= 0 && s.epsilon < 0.5))) {
    throw bad(RangeError, 'epsilon', s.epsilon, 'must be null or a number in [0, 0.5)');
  }
  if (typeof s.options.epsilon === 'number' && s.epsilon !== null && s.epsilon !== s.options.epsilon) {
    throw bad(RangeError, 'epsilon', s.epsilon, `differs from options.epsilon = ${s.options.epsilon}`);
  }
  if (!Number.isSafeInteger(s.count) || s.count < 0) throw bad(RangeError, 'count', s.count, 'must be an integer >= 0');
  if (s.exponent !== undefined && !(Number.isSafeInteger(s.exponent) && Math.abs(s.exponent) <= MAX_EXPONENT)) {
    throw bad(RangeError, 'exponent', s.exponent, `must be an integer in [-${MAX_EXPONENT}, ${MAX_EXPONENT}]`);
  }
  checkSum(fn, 'sum', s.sum);
  checkSum(fn, 'weightSum', s.weightSum);
  const seen = s.count > 0 || number(s.sum[0]) !== 0 || number(s.weightSum[0]) !== 0;
  // A state without C or epsilon has seen nothing: one that says otherwise would be merged by dropping its data.
  const data = `but the state holds data (count ${s.count}, sum ${show(s.sum[0])}, weightSum ${show(s.weightSum[0])})`;
  if (seen && s.classes === null) throw bad(RangeError, 'classes', null, data);
  if (seen && s.epsilon === null) throw bad(RangeError, 'epsilon', null, data);
  if (!Array.isArray(s.perClass)) throw bad(TypeError, 'perClass', s.perClass, 'must be an array');
  const classes = s.classes ?? 0;
  if (s.perClass.length !== classes) throw bad(RangeError, 'perClass', s.perClass, `must have ${classes} entries (classes)`);
  let counted = 0;
  // Indexed loops, not forEach: a hole in a forged array is an entry to refuse, not one to skip.
  for (let c = 0; c < s.perClass.length; c++) {
    const entry = s.perClass[c];
    const field = `perClass[${c}]`;
    if (!Array.isArray(entry) || entry.length !== 4) throw bad(TypeError, field, entry, 'must be [sum, carry, count, weightSum]');
    checkSum(fn, field, [entry[0], entry[1]]);
    if (!Number.isSafeInteger(entry[2]) || entry[2] < 0) throw bad(RangeError, `${field}[2]`, entry[2], 'must be a count: an integer >= 0');
    checkSum(fn, `${field}[3]`, [entry[3], 0]);
    counted += entry[2];
  }
  if (s.coverage !== undefined) checkCoverage(fn, s.coverage);
  if (s.nextRow !== undefined && !(Number.isSafeInteger(s.nextRow) && s.nextRow >= 0)) {
    throw bad(RangeError, 'nextRow', s.nextRow, 'must be an integer >= 0');
  }
  // Every element of a binary batch counts in its column; a focal sample counts in its true
  // class, except those of target-row updates, which count in none.
  const exact = LOSSES[s.loss].reduces === 'elements';
  if (exact ? counted !== s.count : counted > s.count) {
    const rule = exact ? 'they must equal it' : 'they must not exceed it (samples of target rows count in no class)';
    throw fail(RangeError, fn)`state.perClass counts add up to ${counted}, but state.count = ${s.count}: ${rule}`;
  }
  return s;
}

/** Coverage: per source, sorted disjoint ranges of rows within totalRows. */
function checkCoverage(fn: string, coverage: unknown): void {
  if (!Array.isArray(coverage)) throw fail(TypeError, fn)`state.coverage = ${show(coverage)} must be an array`;
  const sources = new Set<string>();
  for (let k = 0; k < coverage.length; k++) {
    const c = coverage[k] as Coverage;
    const field = `coverage[${k}]`;
    if (typeof c !== 'object' || c === null || typeof c.source !== 'string' || !Array.isArray(c.ranges)) {
      throw fail(TypeError, fn)`state.${field} = ${show(c)} must be { source, ranges, totalRows? }`;
    }
    if (sources.has(c.source)) throw fail(RangeError, fn)`state.${field}.source = ${show(c.source)} appears twice`;
    sources.add(c.source);
    if (c.totalRows !== undefined && !(Number.isSafeInteger(c.totalRows) && c.totalRows >= 0)) {
      throw fail(RangeError, fn)`state.${field}.totalRows = ${show(c.totalRows)} must be an integer >= 0`;
    }
    let end = -1;
    for (let i = 0; i < c.ranges.length; i++) {
      const r = c.ranges[i];
      const ok = Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]) &&
        r[0] > end && r[0] < r[1] && (c.totalRows === undefined || r[1] <= c.totalRows);
      if (!ok) throw fail(RangeError, fn)`state.${field}.ranges[${i}] = ${show(r)} must be [from, to) after the previous range and within totalRows`;
      end = r[1];
    }
  }
}

/** The recorded options: exactly the loss's identity options, each a value its schema entry accepts. */
function checkOptions(fn: string, loss: LossName, options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw fail(TypeError, fn)`state.options = ${show(options)} must be an object`;
  }
  const expected = identityOptions(loss);
  const given = options as Record<string, unknown>;
  // null is an absent option: version 0.2 wrote ignoreIndex: null for binaryFocalLoss too.
  for (const key of Object.keys(given)) {
    if (!expected.some((o) => o.name === key) && given[key] !== null) throw fail(RangeError, fn)`state.options.${key} is not an option of ${loss}`;
  }
  for (const o of expected) {
    const v = given[o.name];
    if (v === undefined || (v === null && o.default !== undefined)) {
      throw fail(RangeError, fn)`state.options.${o.name} = ${show(v)}: the state must record it`;
    }
    if (v !== null) o.read(`${fn}: state.options`, v);
  }
}

/** What a state says that its diagnostics must agree with. */
const factsOf = (s: AccumulatorState): StateFacts => ({
  elements: LOSSES[s.loss].reduces === 'elements', classes: s.classes ?? 0, count: s.count, classCounts: s.perClass.map((e) => e[2]),
});

/** A state's diagnostics, every field checked (it must have them). */
export const checkStateDiagnostics = (fn: string, s: AccumulatorState): DiagnosticsState => checkDiagnostics(fn, s.diagnostics, factsOf(s));

/**
 * The diagnostics of a partial to merge, checked: both partials must have them, with the same
 * settings (`mine`; false: none), or neither. null when there is nothing to add.
 */
export function partnerTally(fn: string, mine: DiagnosticsSettings | false, state: AccumulatorState): Tally | null {
  const here = mine === false ? null : JSON.stringify(mine);
  const theirs = state.diagnostics === undefined ? null : checkStateDiagnostics(fn, state);
  const there = theirs === null ? null : JSON.stringify(theirs.settings);
  if (here !== there) {
    throw fail(RangeError, fn)`the partials were made with different options: diagnostics is ${here ?? 'false'} here and ${there ?? 'false'} there`;
  }
  return theirs === null || state.classes === null ? null : tallyFromJson(theirs, LOSSES[state.loss].reduces === 'elements', state.classes);
}
