// Issue 16: forged accumulator states. Valid states come from accumulators fed random chunks
// (both losses, random options, class indices, target rows, ignored labels, extreme weights,
// coverage); each is then damaged field by field (a value replaced by a hostile one, a field
// deleted, an unknown one added). Property: fromState(state) and merge(state) either give an
// accumulator whose results are never NaN or negative (and finite unless a forged number or
// the exponent can make them overflow), or throw a TypeError or RangeError starting with the
// function's name and naming the damaged field. FUZZ_SEED and FUZZ_RUNS (a multiplier) as in
// fuzz.test.ts; the number of states tried is logged.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createBinaryFocalLossAccumulator, createFocalLossAccumulator, type AccumulatorState, type FocalLossAccumulator,
} from '../../src/index.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Acc = FocalLossAccumulator;

// ---------------------------------------------------------------------------------------------
// Valid states.

const WEIGHTS = [0, 1, 0.5, 3, 1e308, 5e-324, 1e-300, 2 ** 600];

interface Made {
  binary: boolean;
  options: Record<string, unknown>;
  state: AccumulatorState;
}

const validState: fc.Arbitrary<Made> = fc.record({
  binary: fc.boolean(),
  classes: fc.integer({ min: 1, max: 4 }),
  gamma: fc.constantFrom(0, 0.5, 2),
  alpha: fc.constantFrom('none', 'scalar', 'perClass'),
  fromLogits: fc.boolean(),
  epsilon: fc.constantFrom(1e-7, 'auto', 1e-3),
  labelSmoothing: fc.constantFrom(0, 0, 0.1),
  ignore: fc.boolean(),
  source: fc.boolean(),
  chunks: fc.array(
    fc.record({
      rows: fc.integer({ min: 1, max: 4 }),
      targetRows: fc.boolean(),
      weights: fc.option(fc.constantFrom(...WEIGHTS), { nil: undefined }),
      seed: fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 16, maxLength: 16 }),
    }),
    { maxLength: 3 },
  ),
  backend: fc.constantFrom('wasm', 'js'),
}).map((r) => {
  const C = r.binary ? r.classes : Math.max(2, r.classes);
  const options: Record<string, unknown> = { gamma: r.gamma, fromLogits: r.fromLogits, epsilon: r.epsilon, labelSmoothing: r.labelSmoothing, backend: r.backend };
  if (r.alpha === 'scalar') options.alpha = 0.25;
  if (r.alpha === 'perClass' && !r.binary) options.alpha = Array.from({ length: C }, (_, c) => c + 1);
  if (r.ignore && !r.binary && r.labelSmoothing === 0) options.ignoreIndex = -100;
  if (r.source) Object.assign(options, { source: 'shard', firstRow: 0, totalRows: 100 });
  const acc: Acc = r.binary ? createBinaryFocalLossAccumulator(options as never) : createFocalLossAccumulator(options as never);
  for (const chunk of r.chunks) {
    const value = (i: number, c: number) => chunk.seed[(i * C + c) % 16];
    const pred = Array.from({ length: chunk.rows }, (_, i) => Array.from({ length: C }, (_, c) => (r.fromLogits ? 8 * value(i, c) - 4 : value(i, c))));
    let truth: unknown;
    if (r.binary) truth = pred.map((row) => row.map((p) => (p > 0.5 ? 1 : 0)));
    else if (chunk.targetRows && options.ignoreIndex === undefined) truth = pred.map((row) => row.map((_, c) => (c === 0 ? 0.75 : 0.25 / (C - 1))));
    else truth = pred.map((_, i) => (options.ignoreIndex !== undefined && i === 1 ? -100 : i % C));
    const weights = chunk.weights === undefined ? undefined : pred.map((_, i) => (i === 0 ? chunk.weights! : 1));
    acc.update(truth as never, pred as never, weights);
  }
  return { binary: r.binary, options, state: JSON.parse(JSON.stringify(acc.state())) as AccumulatorState };
});

// ---------------------------------------------------------------------------------------------
// Damage.

const HOSTILE: Json[] = [
  'NaN', 'Infinity', '-Infinity', -1, -0, 0, 0.5, 1, 2, 3, 1e308, 5e-324, 2 ** 53, -(2 ** 31), null, 'x', '', true, false,
  [], [0], [0, 0], [0, 0, 0, 0], ['NaN', 0], [-1, 0], {}, { source: 'shard', ranges: [] }, { source: 'shard', ranges: [[5, 2]] },
  'focalLoss', 'binaryFocalLoss', 'focal-loss-wasm/accumulator@1',
];
const DELETE = Symbol('delete');

/** Every path to a value of the state (objects and arrays included), and one past each object's keys. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
    out.push([...prefix, 'unknownField']);
  }
  return out;
}

interface Damage {
  path: Array<string | number>;
  value: Json | typeof DELETE;
}

/** The state with the damages made; a damage whose path a previous one cut short is left out of `made`. */
function damage(state: AccumulatorState, damages: Damage[]): { state: Json; made: Damage[] } {
  const copy = JSON.parse(JSON.stringify(state)) as Json;
  const made: Damage[] = [];
  for (const d of damages) {
    let at = copy as Json;
    for (const key of d.path.slice(0, -1)) at = typeof at === 'object' && at !== null ? (at as Record<string | number, Json>)[key] : null;
    if (typeof at !== 'object' || at === null) continue;
    const last = d.path[d.path.length - 1];
    if (d.value === DELETE) delete (at as Record<string | number, Json>)[last];
    else (at as Record<string | number, Json>)[last] = d.value;
    made.push(d);
  }
  return { state: copy, made };
}

/** Words a message may name a damage at `path` by: the option for options, else any field on the path (coverage.0.totalRows: coverage or totalRows). */
const fieldsOf = (path: Array<string | number>): string[] =>
  (path[0] === 'options' && path.length > 1 ? [String(path[1])] : path.filter((k): k is string => typeof k === 'string'));

const forged = validState.chain((made) => {
  const all = paths(made.state as unknown as Json);
  const one = fc.record({
    path: fc.constantFrom(...all),
    value: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom<Json | typeof DELETE>(...HOSTILE, DELETE) },
      { weight: 2, arbitrary: fc.double() },
      { weight: 1, arbitrary: fc.integer({ min: -5, max: 500 }) },
    ),
  });
  return fc.record({ made: fc.constant(made), damages: fc.array(one, { minLength: 1, maxLength: 3 }) });
});

// ---------------------------------------------------------------------------------------------

let tried = 0;
const outcomes = { accepted: 0, refused: 0 };

/** null, or what is wrong with an accumulator rebuilt from a forged state. */
function checkResults(acc: Acc, mayOverflow: boolean): string | null {
  const numbers: Array<[string, number]> = [];
  for (const r of ['mean', 'sum', 'weightedMean'] as const) numbers.push([`result('${r}')`, acc.result(r)]);
  const s = acc.summary();
  numbers.push(['summary().count', s.count], ['summary().weightSum', s.weightSum], ['summary().sum', s.sum], ['summary().mean', s.mean]);
  s.perClass.forEach((c, k) => numbers.push([`perClass[${k}].count`, c.count], [`perClass[${k}].sum`, c.sum], [`perClass[${k}].mean`, c.mean]));
  for (const [what, v] of numbers) {
    if (typeof v !== 'number' || Number.isNaN(v)) return `${what} is ${v}`;
    if (v < 0) return `${what} is negative (${v})`;
    if (!Number.isFinite(v) && !mayOverflow) return `${what} is ${v} though no forged number can overflow it`;
  }
  if (!Number.isSafeInteger(s.count)) return `summary().count = ${s.count} is not an integer`;
  return null;
}

/** `fields`: the damaged fields, any of which the error may name (the first checked need not be the first damaged). */
function attempt(fn: string, call: () => Acc, fields: string[], mayOverflow: boolean): string | null {
  tried++;
  let acc: Acc;
  try {
    acc = call();
  } catch (error) {
    outcomes.refused++;
    if (!(error instanceof TypeError || error instanceof RangeError)) return `${fn} threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`;
    if (!error.message.startsWith(`${fn}: `)) return `${fn}'s error does not start with its name: ${error.message}`;
    const message = error.message.toLowerCase();
    if (!fields.some((f) => message.includes(f.toLowerCase()))) return `${fn}'s error names none of ${fields.join(', ')}: ${error.message}`;
    return null;
  }
  outcomes.accepted++;
  return checkResults(acc, mayOverflow);
}

describe('fuzz: forged accumulator states (issue 16)', () => {
  afterAll(() => {
    console.log(`fuzz states (seed ${SEED}): ${tried} fromState / merge calls on forged states (${outcomes.accepted} accepted, ${outcomes.refused} refused)`);
  });

  it('fromState and merge refuse a damaged state naming the field, or give results that are never NaN or negative', () => {
    fc.assert(
      fc.property(forged, ({ made, damages }) => {
        const { state, made: applied } = damage(made.state, damages);
        const fields = applied.flatMap((d) => fieldsOf(d.path));
        const factory = made.binary ? createBinaryFocalLossAccumulator : createFocalLossAccumulator;
        const undamaged = factory.fromState(made.state);
        // Sums are held times 2^exponent: with huge weights, or a forged number or exponent, the
        // true Σ w·loss may exceed the largest double.
        const overflowsAlready = [undamaged.result('sum'), undamaged.result('mean'), undamaged.result('weightedMean'), undamaged.summary().weightSum]
          .some((v) => !Number.isFinite(v));
        const exponent = (state as { exponent?: unknown }).exponent;
        const scaled = typeof exponent === 'number' && exponent !== 0;
        const overflow = overflowsAlready || scaled || applied.some(({ path, value }) =>
          path[0] === 'exponent' || value === 'Infinity' || (typeof value === 'number' && value !== 0 && (Math.abs(value) > 1e300 || Math.abs(value) < 1e-300)));
        const name = made.binary ? 'createBinaryFocalLossAccumulator' : 'createFocalLossAccumulator';
        const calls: Array<[string, () => Acc]> = [
          [`${name}.fromState`, () => factory.fromState(state as never)],
          [made.binary ? 'binaryFocalLossAccumulator.merge' : 'focalLossAccumulator.merge', () => factory(made.options as never).merge(state as never)],
        ];
        for (const [fn, call] of calls) {
          const problem = attempt(fn, call, fields, overflow);
          if (problem !== null) {
            const shown = damages.map((d) => ({ path: d.path.join('.'), value: d.value === DELETE ? 'delete' : d.value }));
            throw new Error(`${problem}\n  damages: ${JSON.stringify(shown)}\n  state: ${JSON.stringify(state)}`);
          }
        }
      }),
      { numRuns: Math.round(1500 * SCALE), seed: SEED, endOnFailure: true },
    );
    expect(tried).toBeGreaterThanOrEqual(Math.round(3000 * SCALE));
  });
});
