// focalLossGrad / binaryFocalLossGrad against mpmath (test/fixtures/generate-gradients.py, and
// for Poly-1 test/fixtures/generate-family.py: the loss written from its definition, each
// gradient entry by mpmath's numerical differentiation), in every input layout, and into a
// Float64Array or Float32Array gradOut.
import { describe, expect, it } from 'vitest';
import family from './fixtures/family.json' with { type: 'json' };
import {
  cases, GRAD, GRAD_TOL, gradErrors, isRows, LOSS, notFinite, reductionOf, type GradCase, type Input,
} from './gradient-helpers.js';
import { BACKENDS, expectClose } from './helpers.js';

const polyCases = (family as unknown as { poly1: GradCase[] }).poly1;

/** The loss against its mpmath value, to 1e-12 (helpers.expectClose). */
function expectLossClose(loss: number | Float64Array, c: GradCase, where = ''): void {
  if (reductionOf(c.options) === 'none') {
    const want = c.loss as number[];
    expect(loss, where).toBeInstanceOf(Float64Array);
    expect((loss as Float64Array).length, where).toBe(want.length);
    want.forEach((w, i) => expectClose((loss as Float64Array)[i], w, `${where}: loss[${i}]`));
  } else {
    expect(typeof loss, where).toBe('number');
    expectClose(loss as number, c.loss as number, `${where}: loss`);
  }
}

/** Bitwise equality (Object.is, element-wise for 'none'). */
function sameLoss(got: number | Float64Array, want: number | Float64Array): string[] {
  if (typeof want === 'number') return Object.is(got, want) ? [] : [`loss ${String(got)}, focalLoss gave ${want}`];
  if (!(got instanceof Float64Array) || got.length !== want.length) return [`loss ${String(got)}, want a Float64Array(${want.length})`];
  const bad: string[] = [];
  want.forEach((w, i) => {
    if (!Object.is(got[i], w)) bad.push(`loss[${i}] = ${got[i]}, the loss function gave ${w}`);
  });
  return bad;
}
// --- Input layouts -----------------------------------------------------------------------------

/** yPred in every layout the API accepts for the case's dtype. */
function predLayouts(c: GradCase): Array<[string, Input]> {
  const f64 = c.dtype !== 'f32';
  const f32 = c.dtype !== 'f64';
  const out: Array<[string, Input]> = [];
  if (isRows(c.yPred)) {
    const rows = c.yPred as number[][];
    if (f64) out.push(['number[][]', rows], ['Float64Array rows', rows.map((r) => Float64Array.from(r))]);
    // binaryFocalLoss reads a flat buffer as N samples of one element, so N x K stays rows.
    if (f64 && c.fn === 'focalLoss') out.push(['flat Float64Array', Float64Array.from(rows.flat())], ['flat number[]', rows.flat()]);
    if (f32) out.push(['Float32Array rows', rows.map((r) => Float32Array.from(r))]);
    if (f32 && c.fn === 'focalLoss') out.push(['flat Float32Array', Float32Array.from(rows.flat())]);
  } else {
    const flat = c.yPred as number[];
    if (f64) out.push(['number[]', flat], ['Float64Array', Float64Array.from(flat)]);
    if (f32) out.push(['Float32Array', Float32Array.from(flat)]);
  }
  return out;
}

/** yTrue as given, and in a second form where the API has one. */
function trueLayouts(c: GradCase): Array<[string, Input]> {
  if (c.fn === 'binaryFocalLoss') return [['yTrue as given', c.yTrue]];
  if (isRows(c.yTrue)) {
    const rows = c.yTrue as number[][];
    return [['target rows number[][]', rows], ['target rows Float64Array', rows.map((r) => Float64Array.from(r))]];
  }
  const labels = c.yTrue as number[];
  return [['labels number[]', labels], ['labels Int32Array', Int32Array.from(labels)]];
}

/** The first layout of the case's dtype (nested rows, or flat for flat binary cases). */
const firstLayout = (c: GradCase): Input => predLayouts(c)[0][1];

// --- Reference values --------------------------------------------------------------------------

function referenceSuite(title: string, cases: GradCase[], least: number): void {
describe(title, () => {
  it('has the cases the generator writes', () => {
    expect(cases.length).toBeGreaterThan(least);
    for (const c of cases) expect(c.grad.length, c.name).toBe(c.shape[0] * c.shape[1]);
  });

  for (const c of cases) {
    describe(`${c.fn}: ${c.name}`, () => {
      for (const backend of BACKENDS) {
        it(`${backend}: loss to 1e-12 and equal to ${c.fn}, gradient to ${GRAD_TOL} of its scale, every layout`, () => {
          const options = { ...c.options, backend };
          for (const [predName, yPred] of predLayouts(c)) {
            for (const [trueName, yTrue] of trueLayouts(c)) {
              const where = `${predName}, ${trueName}`;
              const result = GRAD[c.fn](yTrue, yPred, options);
              expect(result.grad, where).toBeInstanceOf(Float64Array);
              expect(notFinite(result.grad), `${where}: non-finite gradient entries`).toEqual([]);
              expect(gradErrors(result.grad, c), where).toEqual([]);
              expectLossClose(result.loss, c, where);
              expect(sameLoss(result.loss, LOSS[c.fn](yTrue, yPred, options)), where).toEqual([]);
            }
          }
        });

        it(`${backend}: gradOut (Float64Array, Float32Array) is filled and returned`, () => {
          const yPred = firstLayout(c);
          const options = { ...c.options, backend };
          const plain = LOSS[c.fn](c.yTrue, yPred, options);
          const size = c.shape[0] * c.shape[1];

          const out64 = new Float64Array(size).fill(NaN);
          const r64 = GRAD[c.fn](c.yTrue, yPred, { ...options, gradOut: out64 });
          expect(r64.grad).toBe(out64);
          expect(gradErrors(out64, c), 'Float64Array gradOut').toEqual([]);
          expect(sameLoss(r64.loss, plain), 'loss with a Float64Array gradOut').toEqual([]);

          const out32 = new Float32Array(size).fill(NaN);
          const r32 = GRAD[c.fn](c.yTrue, yPred, { ...options, gradOut: out32 });
          expect(r32.grad).toBe(out32);
          expect(gradErrors(out32, c, true), 'Float32Array gradOut').toEqual([]);
          expect(sameLoss(r32.loss, plain), 'loss with a Float32Array gradOut').toEqual([]);
        });
      }
    });
  }
});
}

referenceSuite('focalLossGrad / binaryFocalLossGrad against mpmath (test/fixtures/generate-gradients.py)', cases, 200);
referenceSuite('Poly-1 against mpmath (test/fixtures/generate-family.py)', polyCases, 60);
