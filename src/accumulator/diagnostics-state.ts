import { fail } from '../errors/detail.js';
import { show } from '../errors/show.js';
import { readDiagnostics, type DiagnosticsSettings } from '../options/diagnostics.js';
import { BIN_SLOTS, CLASS_SLOTS, Tally } from '../pipeline/diagnostics.js';
import { ranksBefore, type HardSample } from '../pipeline/hardest.js';
import type { Compensated } from '../math/compensated.js';
import { checkSum, json, number, type JsonNumber } from './json-number.js';

// The diagnostics as an accumulator state records them (state.diagnostics), and the checks
// that a state read back holds nothing a tally could not have written.

type Pair = [JsonNumber, JsonNumber];

/** A tally as JSON; all of it is there from the first state on (C unknown: no classes, binary: no columns). */
export interface DiagnosticsState {
  /** Partials merge only when these agree. */
  settings: DiagnosticsSettings;
  /** Samples (binary: elements) diagnosed: class-index samples (binary: all). */
  count: number;
  /** Their Σ w·loss (times 2^exponent, as the state's sums) and Σ −ln p_t, as [sum, carry]. */
  lossSum: Pair;
  crossEntropySum: Pair;
  /** Samples with p_t >= 0.5, their Σ −ln p_t and Σ w·loss. */
  easy: { count: number; crossEntropySum: Pair; lossSum: Pair };
  /** Per bin (binary: per column, then bin): [count, confidence sum, its carry, hit sum (binary: Σ y), its carry]. */
  bins: Array<[number, JsonNumber, JsonNumber, JsonNumber, JsonNumber]>;
  /** Per class (binary: per column): [correct, predicted, true samples (binary: positives)]. */
  perClass: Array<[number, number, number]>;
  /** The hardest samples, hardest first (losses in their own scale). */
  hardest: Array<Omit<HardSample, 'loss'> & { loss: JsonNumber }>;
}

const pair = (p: ArrayLike<number>, at = 0): Pair => [json(p[at]), json(p[at + 1])];

export function tallyToJson(t: Tally): DiagnosticsState {
  const d = t.data();
  const bins: DiagnosticsState['bins'] = [];
  for (let at = 0; at < d.bins.length; at += BIN_SLOTS) bins.push([d.bins[at], ...pair(d.bins, at + 1), ...pair(d.bins, at + 3)]);
  const perClass: DiagnosticsState['perClass'] = [];
  for (let at = 0; at < d.perClass.length; at += CLASS_SLOTS) perClass.push([d.perClass[at], d.perClass[at + 1], d.perClass[at + 2]]);
  return {
    settings: { ...t.settings },
    count: d.count,
    lossSum: pair(d.lossSum),
    crossEntropySum: pair(d.crossEntropy),
    easy: { count: d.easyCount, crossEntropySum: pair(d.easyCrossEntropy), lossSum: pair(d.easyLoss) },
    bins,
    perClass,
    hardest: d.hardest.map((s) => ({ ...s, loss: json(s.loss) })),
  };
}

/** A tally from a state checked by checkDiagnostics. */
export function tallyFromJson(s: DiagnosticsState, elements: boolean, classes: number): Tally {
  const numbers = (p: Pair): Compensated => [number(p[0]), number(p[1])];
  return Tally.fromData(s.settings, elements, classes, {
    count: s.count,
    lossSum: numbers(s.lossSum),
    crossEntropy: numbers(s.crossEntropySum),
    easyCount: s.easy.count,
    easyCrossEntropy: numbers(s.easy.crossEntropySum),
    easyLoss: numbers(s.easy.lossSum),
    bins: s.bins.flatMap((b) => b.map(number)),
    perClass: s.perClass.flat(),
    hardest: s.hardest.map((h) => ({ ...h, loss: number(h.loss) })),
  });
}

/** What the rest of the state says that the diagnostics must agree with. */
export interface StateFacts {
  elements: boolean;
  /** C (binary: K), 0 before it is known. */
  classes: number;
  /** The state's samples (binary: elements). */
  count: number;
  /** Per class, the state's count (class-index targets: true samples of the class). */
  classCounts: number[];
}

/**
 * Every field of state.diagnostics, checked: a TypeError (wrong type) or RangeError (wrong
 * value) naming the field, so that a forged state cannot give a recall above 1 or NaN later.
 */
export function checkDiagnostics(fn: string, value: unknown, facts: StateFacts): DiagnosticsState {
  const bad = (Class: new (m: string) => Error, field: string, v: unknown, what: string) =>
    fail(Class, fn)`state.diagnostics${field} = ${show(v)} ${what}`;
  const object = (field: string, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(TypeError, field, v, 'must be an object');
    return v as Record<string, unknown>;
  };
  const integer = (field: string, v: unknown, most: number) => {
    if (typeof v !== 'number') throw bad(TypeError, field, v, 'must be a number');
    if (!(Number.isSafeInteger(v) && v >= 0 && v <= most)) throw bad(RangeError, field, v, `must be an integer from 0 to ${most}`);
    return v;
  };
  const sum = (field: string, v: unknown) => {
    checkSum(fn, `diagnostics${field}`, v);
    return v as Pair;
  };
  const array = (field: string, v: unknown, length?: number) => {
    if (!Array.isArray(v)) throw bad(TypeError, field, v, 'must be an array');
    if (length !== undefined && v.length !== length) throw bad(RangeError, field, v, `must have ${length} entries`);
    return v as unknown[];
  };

  const s = object('', value);
  const settingsValue = object('.settings', s.settings);
  for (const key of ['hardest', 'bins', 'beta']) {
    if (settingsValue[key] === undefined) throw bad(RangeError, `.settings.${key}`, undefined, 'must be recorded');
  }
  const settings = readDiagnostics(`${fn}: state`, settingsValue) as DiagnosticsSettings;
  const { elements, classes } = facts;
  const count = integer('.count', s.count, facts.count);
  if (elements && count !== facts.count) throw bad(RangeError, '.count', count, `must equal count = ${facts.count}: every element is diagnosed`);
  // Binary: each column holds one element per row.
  const rows = elements ? (classes === 0 ? 0 : count / classes) : count;
  sum('.lossSum', s.lossSum);
  sum('.crossEntropySum', s.crossEntropySum);
  const easy = object('.easy', s.easy);
  integer('.easy.count', easy.count, count);
  sum('.easy.crossEntropySum', easy.crossEntropySum);
  sum('.easy.lossSum', easy.lossSum);

  const M = settings.bins;
  const groups = elements ? classes : 1;
  const bins = array('.bins', s.bins, groups * M);
  for (let g = 0; g < groups; g++) {
    let total = 0;
    for (let b = g * M; b < (g + 1) * M; b++) {
      const field = `.bins[${b}]`;
      const bin = array(field, bins[b], BIN_SLOTS);
      const n = integer(`${field}[0]`, bin[0], rows);
      // Confidences and hits are at most 1 each: their sums at most the bin's count (and the carry's rounding).
      for (const at of [1, 3]) {
        checkSum(fn, `diagnostics${field}[${at}]`, [bin[at], bin[at + 1]]);
        const v = number(bin[at] as JsonNumber) + number(bin[at + 1] as JsonNumber);
        if (!(v <= n * (1 + 2 ** -40))) throw bad(RangeError, `${field}[${at}]`, bin[at], `must be at most the bin's count, ${n}`);
      }
      total += n;
    }
    if (total !== rows) throw bad(RangeError, '.bins', `counts summing to ${total}${elements ? ` in column ${g}` : ''}`, `must add up to ${rows}`);
  }

  const perClass = array('.perClass', s.perClass, classes);
  let predicted = 0;
  perClass.forEach((entry, c) => {
    const field = `.perClass[${c}]`;
    const [hits, guesses, truths] = array(field, entry, CLASS_SLOTS).map((v, k) => integer(`${field}[${k}]`, v, rows));
    if (hits > Math.min(guesses, truths)) throw bad(RangeError, `${field}[0]`, hits, 'must be at most the predictions and the true samples');
    if (!elements && truths !== facts.classCounts[c]) {
      throw bad(RangeError, `${field}[2]`, truths, `must equal the class's count, ${facts.classCounts[c]}`);
    }
    predicted += guesses;
  });
  if (!elements && predicted !== count) throw bad(RangeError, '.perClass', `predictions summing to ${predicted}`, `must add up to ${count}`);

  const hardest = array('.hardest', s.hardest);
  if (hardest.length > Math.min(settings.hardest, count)) {
    throw bad(RangeError, '.hardest', hardest, `must hold at most ${Math.min(settings.hardest, count)} samples (settings.hardest, count)`);
  }
  hardest.forEach((entry, k) => {
    const field = `.hardest[${k}]`;
    const h = object(field, entry);
    integer(`${field}.row`, h.row, Number.MAX_SAFE_INTEGER);
    if (elements) {
      integer(`${field}.column`, h.column, classes - 1);
      if (!(typeof h.label === 'number' && h.label >= 0 && h.label <= 1)) throw bad(RangeError, `${field}.label`, h.label, 'must be a target in [0, 1]');
    } else {
      if (h.column !== undefined) throw bad(RangeError, `${field}.column`, h.column, 'must be absent (class-index targets)');
      integer(`${field}.label`, h.label, classes - 1);
    }
    checkSum(fn, `diagnostics${field}.loss`, [h.loss, 0]);
    if (!(typeof h.pt === 'number' && h.pt >= 0 && h.pt <= 1)) throw bad(RangeError, `${field}.pt`, h.pt, 'must be a probability in [0, 1]');
    const previous = hardest[k - 1] as HardSample | undefined;
    const here = { ...(h as unknown as HardSample), loss: number(h.loss as JsonNumber) };
    if (previous !== undefined && !ranksBefore({ ...previous, loss: number(previous.loss as unknown as JsonNumber) }, here)) {
      throw bad(RangeError, field, entry, 'must rank after the previous one (loss descending, then row, then column)');
    }
  });
  return { ...(s as unknown as DiagnosticsState), settings };
}
