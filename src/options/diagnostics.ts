import { fail, option } from '../errors/detail.js';
import { describe } from '../errors/show.js';
import { isOptionsObject, numberIn, ownOptions } from './read.js';

/** What an accumulator's `diagnostics` option may set (each optional). */
export interface DiagnosticsOptions {
  /** How many of the samples with the largest loss `summary().hardest` lists. Default 10, at most 10,000. */
  hardest?: number;
  /** M, the equal-width confidence bins of the calibration: bin b holds (b/M, (b+1)/M] (bin 0 also 0). Default 15, at most 1000. */
  bins?: number;
  /** β of the class-balanced α that `summary().recommendedAlpha` gives, in [0, 1). Default 0.9999. */
  beta?: number;
}

/** The checked diagnostics settings: two partials merge only when these agree. */
export interface DiagnosticsSettings {
  hardest: number;
  bins: number;
  beta: number;
}

export const MAX_HARDEST = 10_000;
export const MAX_BINS = 1000;
const DEFAULTS: DiagnosticsSettings = { hardest: 10, bins: 15, beta: 0.9999 };

const integerIn = (low: number, high: number) => (v: number) => Number.isSafeInteger(v) && v >= low && v <= high;

/** `diagnostics: true | false | { hardest, bins, beta }`: the settings, or false for none. */
export function readDiagnostics(fn: string, value: unknown): DiagnosticsSettings | false {
  if (value === false) return false;
  if (value === true) return { ...DEFAULTS };
  if (!isOptionsObject(value)) {
    throw fail(TypeError, fn)`${option('diagnostics')} must be true, false or { hardest, bins, beta }, got ${describe(value)}`;
  }
  const o = ownOptions(fn, value, Object.keys(DEFAULTS), 'diagnostics');
  const name = (key: string) => `diagnostics.${key}`;
  return {
    hardest: o.hardest === undefined ? DEFAULTS.hardest : numberIn(fn, name('hardest'), o.hardest, integerIn(0, MAX_HARDEST), `an integer from 0 to ${MAX_HARDEST}`),
    bins: o.bins === undefined ? DEFAULTS.bins : numberIn(fn, name('bins'), o.bins, integerIn(1, MAX_BINS), `an integer from 1 to ${MAX_BINS}`),
    beta: o.beta === undefined ? DEFAULTS.beta : numberIn(fn, name('beta'), o.beta, (v) => v >= 0 && v < 1, 'in [0, 1)'),
  };
}
