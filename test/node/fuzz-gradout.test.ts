// Issue 16: gradOut aliasing, fuzzed. Inputs (yPred flat or as rows, labels, target rows,
// binary targets, sampleWeight) are laid out at random in one ArrayBuffer or on their own, and
// gradOut (f32 or f64) lands at a random place of that buffer, often at an input's edge.
// Property, from the byte ranges the test itself computes: if gradOut overlaps an input, the
// call is a RangeError naming gradOut and that input, and the buffer is untouched; if not,
// the call returns what it returns for fresh copies of every argument (same backend), and the
// inputs are untouched. FUZZ_SEED and FUZZ_RUNS (a multiplier) as in fuzz.test.ts.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { binaryFocalLossGrad, focalLossGrad } from '../../src/index.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

type Typed = Float64Array | Float32Array | Int32Array;
type TypedConstructor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor;
type Grad = (yTrue: unknown, yPred: unknown, options: Record<string, unknown>) => { loss: number | Float64Array; grad: Float64Array | Float32Array };

/** One input region: its values, element type, and whether it lives in the shared buffer. */
interface Region {
  argument: 'yPred' | 'yTrue' | 'sampleWeight';
  values: number[];
  type: TypedConstructor;
  shared: boolean;
  /** Where in the shared buffer, in bytes (set by the layout). */
  at: number;
}

const CASE = fc.record({
  binary: fc.boolean(),
  backend: fc.constantFrom('wasm', 'js'),
  gradType: fc.constantFrom(Float32Array, Float64Array),
  predType: fc.constantFrom(Float32Array, Float64Array),
  reduction: fc.constantFrom('mean', 'sum', 'weightedMean', 'none', 'ignored'),
  n: fc.integer({ min: 1, max: 6 }),
  classes: fc.integer({ min: 1, max: 4 }),
  predRows: fc.boolean(),
  trueForm: fc.constantFrom('typed', 'plain', 'rows'),
  weights: fc.constantFrom('none', 'plain', 'typed'),
  shared: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  gaps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
  place: fc.oneof(
    fc.record({ how: fc.constant('edge' as const), region: fc.nat(), shift: fc.integer({ min: -2, max: 2 }), end: fc.boolean() }),
    fc.record({ how: fc.constant('anywhere' as const), slot: fc.nat() }),
    fc.record({ how: fc.constant('own' as const) }),
  ),
  seed: fc.array(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { minLength: 24, maxLength: 24 }),
});

let tried = 0;
const outcomes = { refused: 0, computed: 0 };

describe('fuzz: gradOut sharing memory with the inputs (issue 16)', () => {
  afterAll(() => console.log(`fuzz gradOut (seed ${SEED}): ${tried} calls (${outcomes.refused} refused as overlapping, ${outcomes.computed} computed)`));

  it('an overlap is refused naming both, before anything is written; anything else computes as on fresh copies', () => {
    fc.assert(
      fc.property(CASE, (k) => {
        const C = k.binary ? k.classes : Math.max(2, k.classes);
        const { n } = k;
        const v = (i: number) => k.seed[i % k.seed.length];
        const fn = k.binary ? 'binaryFocalLossGrad' : 'focalLossGrad';
        const call = (k.binary ? binaryFocalLossGrad : focalLossGrad) as unknown as Grad;
        const ignore = !k.binary && k.reduction === 'ignored' && k.trueForm !== 'rows';
        // yPred: rows or flat; yTrue: labels (focal), target rows, or binary targets.
        const pred: Region[] = k.predRows
          ? Array.from({ length: n }, (_, i) => ({ argument: 'yPred', values: Array.from({ length: C }, (_, c) => v(i * C + c)), type: k.predType, shared: k.shared[0], at: 0 }))
          : [{ argument: 'yPred', values: Array.from({ length: n * C }, (_, j) => v(j)), type: k.predType, shared: k.shared[0], at: 0 }];
        let truth: Region[];
        // Binary targets have yPred's shape; focal targets are labels or target rows.
        const truthRows = k.binary ? k.predRows : k.trueForm === 'rows';
        if (k.binary || truthRows) {
          const target = (j: number) => (k.binary ? (v(j + 5) > 0.5 ? 1 : 0) : (j % C === 0 ? 1 : 0));
          truth = truthRows
            ? Array.from({ length: n }, (_, i) => ({ argument: 'yTrue', values: Array.from({ length: C }, (_, c) => target(i * C + c)), type: Float64Array, shared: k.shared[1], at: 0 }))
            : [{ argument: 'yTrue', values: Array.from({ length: n * C }, (_, j) => target(j)), type: Float64Array, shared: k.shared[1], at: 0 }];
        } else {
          truth = [{ argument: 'yTrue', values: Array.from({ length: n }, (_, i) => (ignore && i === 0 ? -100 : i % C)), type: Int32Array, shared: k.shared[1], at: 0 }];
        }
        const weights: Region[] = k.weights === 'none' ? [] : [{ argument: 'sampleWeight', values: Array.from({ length: n }, (_, i) => 0.5 + i), type: Float64Array, shared: k.shared[2], at: 0 }];
        const plainTruth = k.trueForm === 'plain' && !k.binary;
        const plainWeights = k.weights === 'plain';

        // Layout: shared regions one after another (8-aligned, random gaps); gradOut somewhere.
        const inBuffer = [...pred, ...(plainTruth ? [] : truth), ...(plainWeights ? [] : weights)].filter((r) => r.shared);
        let end = 0;
        inBuffer.forEach((r, j) => {
          r.at = end + 8 * k.gaps[j % 4];
          end = r.at + Math.ceil((r.values.length * r.type.BYTES_PER_ELEMENT) / 8) * 8;
        });
        const gradBytes = n * C * k.gradType.BYTES_PER_ELEMENT;
        let gradAt = -1;
        if (k.place.how === 'edge' && inBuffer.length > 0) {
          const r = inBuffer[k.place.region % inBuffer.length];
          const edge = k.place.end ? r.at + r.values.length * r.type.BYTES_PER_ELEMENT : r.at - gradBytes;
          const align = k.gradType.BYTES_PER_ELEMENT;
          gradAt = Math.max(0, Math.floor(edge / align) * align + align * k.place.shift);
        } else if (k.place.how === 'anywhere') {
          gradAt = 8 * (k.place.slot % (Math.ceil(end / 8) + 1));
        }
        const buffer = new ArrayBuffer(Math.max(end, gradAt + gradBytes) + 64);
        const make = (r: Region): Typed => {
          const view = r.shared ? new r.type(buffer, r.at, r.values.length) : new r.type(r.values.length);
          view.set(r.values);
          return view;
        };
        const asArgument = (regions: Region[], rows: boolean, plain: boolean): unknown =>
          (plain ? regions[0].values : rows ? regions.map(make) : make(regions[0]));
        const yPred = asArgument(pred, k.predRows, false);
        const yTrue = asArgument(truth, truthRows, plainTruth);
        const sampleWeight = weights.length === 0 ? undefined : asArgument(weights, false, plainWeights);
        const gradOut = gradAt < 0 ? new k.gradType(n * C) : new k.gradType(buffer, gradAt, n * C);
        const reduction = k.reduction === 'ignored' ? 'mean' : k.reduction;
        const options = { backend: k.backend, reduction, sampleWeight, ...(ignore ? { ignoreIndex: -100 } : {}), classes: C };

        const overlapping = gradAt < 0 ? [] : inBuffer.filter((r) =>
          r.at < gradAt + gradBytes && gradAt < r.at + r.values.length * r.type.BYTES_PER_ELEMENT);
        const before = new Uint8Array(buffer.slice(0));
        tried++;
        let result: ReturnType<Grad> | undefined;
        let error: unknown;
        try {
          result = call(yTrue, yPred, { ...options, gradOut });
        } catch (e) {
          error = e;
        }
        if (overlapping.length > 0) {
          outcomes.refused++;
          expect(error, 'an overlap is refused').toBeInstanceOf(RangeError);
          const message = (error as Error).message;
          expect(message.startsWith(`${fn}: gradOut shares memory with `), message).toBe(true);
          expect(overlapping.some((r) => message.includes(`shares memory with ${r.argument}`)), message).toBe(true);
          expect(new Uint8Array(buffer), 'nothing was written').toEqual(before);
          return;
        }
        if (error !== undefined) throw error;
        outcomes.computed++;
        // The same call on fresh copies of every argument.
        const fresh = (x: unknown): unknown => (ArrayBuffer.isView(x) ? (x as Typed).slice() : Array.isArray(x) ? x.map(fresh) : x);
        const want = call(fresh(yTrue), fresh(yPred), { ...options, sampleWeight: fresh(sampleWeight), gradOut: new k.gradType(n * C) });
        expect(result!.grad).toBe(gradOut);
        expect(Array.from(result!.grad)).toEqual(Array.from(want.grad));
        expect(result!.loss).toEqual(want.loss);
        // The inputs still hold what they held.
        const after = new Uint8Array(buffer);
        for (const r of inBuffer) {
          const bytes = r.values.length * r.type.BYTES_PER_ELEMENT;
          expect(after.subarray(r.at, r.at + bytes), `${r.argument} untouched`).toEqual(before.subarray(r.at, r.at + bytes));
        }
      }),
      { numRuns: Math.round(1500 * SCALE), seed: SEED, endOnFailure: true },
    );
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.computed).toBeGreaterThan(0);
  });
});
