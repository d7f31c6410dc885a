// Issue 16, item 2: a gradOut that shares memory with an input (yPred or yTrue as rows cut
// from one buffer, flat labels or targets, sampleWeight, a tensor's values) is refused before
// anything runs, with a RangeError naming both; memory that only shares a buffer is fine.
// Expected gradients are written from the formula here (γ = 0: cross-entropy).
import { describe, expect, it } from 'vitest';
import { binaryFocalLossGrad, focalLossGrad } from '../src/index.js';
import { BACKENDS } from './helpers.js';

type Grad = (yTrue: unknown, yPred: unknown, options: Record<string, unknown>) => { loss: unknown; grad: Float64Array | Float32Array };
const focal = focalLossGrad as unknown as Grad;
const binary = binaryFocalLossGrad as unknown as Grad;

const ROWS = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]];
const LABELS = [0, 1, 2];
const WEIGHTS = [1, 2, 0.5];
const N = ROWS.length;
const C = 3;

/** γ = 0, 'weightedMean': d/dp_t of Σ w_i (−ln p_ti) / Σ w is −w_i / (Σw · p_ti); 0 elsewhere. */
function weightedCrossEntropyGrad(labels: number[], weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const g = new Array<number>(N * C).fill(0);
  labels.forEach((t, i) => (g[i * C + t] = -weights[i] / (total * ROWS[i][t])));
  return g;
}

/** A RangeError naming gradOut and `what`, and the caller's buffer as it was. */
function expectRefused(call: () => unknown, fn: string, what: RegExp, buffer: ArrayBufferView): void {
  const before = new Uint8Array(buffer.buffer.slice(0));
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RangeError);
  const message = (error as Error).message;
  expect(message.startsWith(`${fn}: gradOut shares memory with `), message).toBe(true);
  expect(message).toMatch(what);
  expect(new Uint8Array(buffer.buffer), 'nothing was written').toEqual(before);
}

/** Rows cut from one buffer: N rows of C at `offset` (in elements). */
const carve = <T extends Float64Array | Float32Array>(buffer: T, offset: number, rows: number[][]): T[] =>
  rows.map((r, i) => {
    const row = buffer.subarray(offset + i * r.length, offset + (i + 1) * r.length) as T;
    row.set(r);
    return row;
  });

describe('gradOut sharing memory with an input (issue 16, item 2)', () => {
  for (const backend of BACKENDS) {
    for (const Ctor of [Float32Array, Float64Array]) {
      const dtype = Ctor.name;
      // A Float32 gradOut with weightedMean (or mean with ignored samples) is written twice: the
      // second pass would read rows the first overwrote.
      for (const options of [{ reduction: 'weightedMean', sampleWeight: WEIGHTS }, { reduction: 'mean', ignoreIndex: 1 }]) {
        it(`${backend}, ${dtype}, ${options.reduction}: yPred rows cut from gradOut's own memory`, () => {
          const buffer = new Ctor(N * C);
          const rows = carve(buffer, 0, ROWS);
          expectRefused(() => focal(LABELS, rows, { ...options, gamma: 0, backend, gradOut: buffer }), 'focalLossGrad', /yPred\[0\]/, buffer);
        });
      }

      it(`${backend}, ${dtype}: a later row reaching into gradOut is found (rows and gradOut in one buffer)`, () => {
        const buffer = new Ctor(2 * N * C);
        const gradOut = buffer.subarray(N * C);
        const rows = carve(buffer, 0, ROWS);
        rows[2] = carve(buffer, N * C + 1, [ROWS[2]])[0];
        expectRefused(() => focal(LABELS, rows, { gamma: 0, backend, gradOut }), 'focalLossGrad', /yPred\[2\]/, buffer);
      });

      it(`${backend}, ${dtype}: rows beside gradOut in one buffer, not overlapping it, are read as given`, () => {
        const buffer = new Ctor(2 * N * C);
        const rows = carve(buffer, 0, ROWS);
        const gradOut = buffer.subarray(N * C);
        const { grad } = focal(LABELS, rows, { gamma: 0, reduction: 'weightedMean', sampleWeight: WEIGHTS, backend, gradOut });
        expect(grad).toBe(gradOut);
        // The rows were rounded to the buffer's type: the formula takes them as stored.
        const stored = rows.map((r) => Array.from(r));
        const total = WEIGHTS.reduce((a, b) => a + b, 0);
        for (let k = 0; k < N * C; k++) {
          const i = Math.floor(k / C);
          const want = k % C === LABELS[i] ? -WEIGHTS[i] / (total * stored[i][LABELS[i]]) : 0;
          const tol = Ctor === Float32Array ? 2 ** -23 : 1e-15;
          expect(Math.abs(grad[k] - want), `grad[${k}] = ${grad[k]}, want ${want}`).toBeLessThanOrEqual(tol * Math.abs(want));
        }
      });

      it(`${backend}, ${dtype}: target rows (yTrue) cut from gradOut's memory`, () => {
        const buffer = new Ctor(N * C);
        const targets = carve(buffer, 0, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
        expectRefused(() => focal(targets, ROWS, { backend, gradOut: buffer }), 'focalLossGrad', /yTrue\[0\]/, buffer);
      });

      it(`${backend}, ${dtype}: sampleWeight in gradOut's memory`, () => {
        const buffer = new Ctor(N * C);
        buffer.set(WEIGHTS, 4);
        const sampleWeight = buffer.subarray(4, 4 + N);
        expectRefused(
          () => focal(LABELS, ROWS, { reduction: 'weightedMean', sampleWeight, backend, gradOut: buffer }), 'focalLossGrad', /sampleWeight/, buffer,
        );
      });

      it(`${backend}, ${dtype}: flat labels on gradOut's ArrayBuffer, overlapping it`, () => {
        const gradOut = new Ctor(N * C);
        const labels = new Int32Array(gradOut.buffer, gradOut.byteLength - 4 * N, N);
        labels.set(LABELS);
        expectRefused(() => focal(labels, ROWS, { backend, gradOut }), 'focalLossGrad', /yTrue/, gradOut);
      });

      it(`${backend}, ${dtype}: a tensor-like yPred whose values are gradOut`, () => {
        const gradOut = Ctor.from(ROWS.flat());
        const tensor = { shape: [N, C], dataSync: () => gradOut };
        expectRefused(() => focal(LABELS, tensor, { backend, gradOut }), 'focalLossGrad', /yPred/, gradOut);
      });

      it(`${backend}, ${dtype}: binaryFocalLossGrad with yPred rows, flat yTrue or sampleWeight in gradOut's memory`, () => {
        const preds = [[0.3, 0.8], [0.6, 0.1]];
        const targets = [[1, 0], [0, 1]];
        const rowsBuffer = new Ctor(4);
        const rows = carve(rowsBuffer, 0, preds);
        expectRefused(() => binary(targets, rows, { backend, gradOut: rowsBuffer }), 'binaryFocalLossGrad', /yPred\[0\]/, rowsBuffer);
        const targetBuffer = new Ctor(4);
        const targetRows = carve(targetBuffer, 0, targets);
        expectRefused(() => binary(targetRows, preds, { backend, gradOut: targetBuffer }), 'binaryFocalLossGrad', /yTrue\[0\]/, targetBuffer);
        const flat = Ctor.from([1, 0, 0, 1]);
        expectRefused(() => binary(flat, preds.flat(), { backend, gradOut: flat }), 'binaryFocalLossGrad', /yTrue/, flat);
        const weights = Ctor.from([1, 1, 0, 0]);
        expectRefused(
          () => binary(targets, preds, { backend, reduction: 'weightedMean', sampleWeight: weights.subarray(0, 2), gradOut: weights }),
          'binaryFocalLossGrad', /sampleWeight/, weights,
        );
      });
    }

    it(`${backend}: after the refusals, the call with a gradOut of its own gives the formula's gradient`, () => {
      const gradOut = new Float64Array(N * C);
      const { grad } = focal(LABELS, ROWS, { gamma: 0, reduction: 'weightedMean', sampleWeight: WEIGHTS, backend, gradOut });
      const want = weightedCrossEntropyGrad(LABELS, WEIGHTS);
      want.forEach((w, k) => expect(Math.abs(grad[k] - w), `grad[${k}]`).toBeLessThanOrEqual(1e-15 * Math.abs(w)));
    });
  }
});
