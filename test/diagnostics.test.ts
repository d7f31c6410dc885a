import { describe, expect, it } from 'vitest';
import {
  createBinaryFocalLossAccumulator, createFocalLossAccumulator,
} from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { close, expectDiagnostics } from './expect-diagnostics.js';
import {
  binarySamples, classWeights, focalSamples, reference, type FocalInput, type Sample, type Settings,
} from './diagnostics-reference.js';

// Every field summary() adds with `diagnostics`, against test/diagnostics-reference.ts: the
// definitions evaluated sample by sample in plain float64.

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An imbalanced batch: class c drawn with weight 2^-c (so the last classes are rare). */
function focalBatch(n: number, C: number, fromLogits: boolean, f32: boolean, seed: number) {
  const rand = random(seed);
  const weights = Array.from({ length: C }, (_, c) => 2 ** -c);
  const total = weights.reduce((a, b) => a + b, 0);
  const labels = Array.from({ length: n }, () => {
    let u = rand() * total;
    for (let c = 0; c < C; c++) if ((u -= weights[c]) < 0) return c;
    return C - 1;
  });
  let rows = labels.map((t) => {
    const row = Array.from({ length: C }, (_, c) => (rand() - 0.5) * 6 + (c === t ? 2 : 0));
    if (fromLogits) return row;
    const e = row.map(Math.exp);
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
  if (f32) rows = rows.map((r) => Array.from(Float32Array.from(r)));
  const flat = f32 ? Float32Array.from(rows.flat()) : Float64Array.from(rows.flat());
  return { labels, rows, flat };
}

const SETTINGS: Settings = { hardest: 7, bins: 10, beta: 0.999 };

describe('diagnostics of class-index targets equal their definitions', () => {
  for (const backend of BACKENDS) {
    for (const fromLogits of [false, true]) {
      for (const f32 of [false, true]) {
        const kind = `${backend}, ${f32 ? 'f32' : 'f64'} ${fromLogits ? 'logits' : 'probabilities'}`;
        it(`${kind}: α, sample weights, ignoreIndex, firstRow, across chunks and updates`, () => {
          const n = 9000;
          const C = 5;
          const { labels, rows, flat } = focalBatch(n, C, fromLogits, f32, 7 + Number(f32) + 2 * Number(fromLogits));
          const rand = random(99);
          labels.forEach((_, i) => { if (rand() < 0.02) labels[i] = -100; });
          const weights = labels.map(() => 0.5 + rand());
          const alpha = [0.25, 0.5, 1, 2, 4];
          const options = { gamma: 2, alpha, fromLogits, ignoreIndex: -100, backend, diagnostics: SETTINGS, firstRow: 1000 };
          const acc = createFocalLossAccumulator(options);
          // Three updates, the first two crossing chunk boundaries (4096 rows).
          for (const [a, b] of [[0, 5000], [5000, 5001], [5001, n]]) {
            acc.update(Int32Array.from(labels.slice(a, b)), flat.subarray(a * C, b * C), weights.slice(a, b));
          }
          const input: FocalInput = { labels, rows, gamma: 2, alpha, weights, fromLogits, epsilon: 1e-7, ignoreIndex: -100, firstRow: 1000 };
          const samples = focalSamples(input);
          const s = acc.summary();
          expectDiagnostics(s, reference(samples, C, SETTINGS, false), false);
          expect(s.diagnosed!.count).toBe(s.count);
          close(s.diagnosed!.lossSum, s.sum, 'diagnosed.lossSum = sum');
          const counts = Array.from({ length: C }, (_, c) => samples.filter((x) => x.label === c).length);
          const want = classWeights(counts, SETTINGS.beta);
          expect(s.recommendedAlpha!.beta).toBe(SETTINGS.beta);
          want.inverseFrequency.forEach((w, c) => close(s.recommendedAlpha!.inverseFrequency![c], w, `inverseFrequency[${c}]`));
          want.classBalanced.forEach((w, c) => close(s.recommendedAlpha!.classBalanced![c], w, `classBalanced[${c}]`));
        });
      }
    }

    it(`${backend}: label smoothing changes the loss, not what is predicted or p_t`, () => {
      const { labels, rows } = focalBatch(400, 4, false, false, 3);
      const acc = createFocalLossAccumulator({ gamma: 1.5, labelSmoothing: 0.1, backend, diagnostics: SETTINGS }).update(labels, rows);
      const samples = focalSamples({ labels, rows, gamma: 1.5, fromLogits: false, epsilon: 1e-7, labelSmoothing: 0.1, firstRow: 0 });
      expectDiagnostics(acc.summary(), reference(samples, 4, SETTINGS, false), false);
    });

    it(`${backend}: target rows count in sum and count but in no diagnostic (they have no class index)`, () => {
      const { labels, rows } = focalBatch(50, 3, false, false, 5);
      const oneHot = labels.map((t) => [0, 1, 2].map((c) => (c === t ? 1 : 0)));
      const acc = createFocalLossAccumulator({ backend, diagnostics: true });
      acc.update(oneHot.slice(0, 20), rows.slice(0, 20)).update(labels.slice(20), rows.slice(20));
      const s = acc.summary();
      expect(s.count).toBe(50);
      expect(s.diagnosed!.count).toBe(30);
      const samples = focalSamples({ labels: labels.slice(20), rows: rows.slice(20), gamma: 2, fromLogits: false, epsilon: 1e-7, firstRow: 20 });
      expectDiagnostics(s, reference(samples, 3, { hardest: 10, bins: 15, beta: 0.9999 }, false), false);
    });

    it(`${backend}: a class never seen has no recommended α, and says why`, () => {
      const acc = createFocalLossAccumulator({ backend, diagnostics: true, classes: 3 }).update([0, 0, 2], [[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]);
      const s = acc.summary();
      expect(s.recommendedAlpha).toEqual({ inverseFrequency: null, classBalanced: null, beta: 0.9999, reason: expect.stringMatching(/^class 1 has no samples/) });
      expect(s.perClass[1]).toMatchObject({ count: 0, correct: 0, predicted: 1, recall: null, precision: 0 });
      expect(s.perClass[2]).toMatchObject({ count: 1, correct: 1, predicted: 1, recall: 1, precision: 1 });
      const empty = createFocalLossAccumulator({ backend, diagnostics: true }).summary();
      expect(empty.calibration!.ece).toBeNull();
      expect(empty.hardest).toEqual([]);
      expect(empty.recommendedAlpha!.reason).toMatch(/no samples/);
    });

    it(`${backend}: every probability of a row is read, and one outside [0, 1] is an error naming it`, () => {
      const acc = createFocalLossAccumulator({ backend, diagnostics: true }).update([0], [[0.6, 0.4]]);
      const before = JSON.stringify(acc.state());
      expect(() => acc.update([0, 1], [[0.6, 0.4], [1.5, 0.6]])).toThrow(/yPred\[1\]\[0\] = 1.5 is not a probability in \[0, 1\]/);
      expect(() => acc.update([0], [[0.6, NaN]])).toThrow(/yPred\[0\]\[1\] = NaN/);
      expect(JSON.stringify(acc.state())).toBe(before);
      // Without diagnostics only p_t is read.
      expect(() => createFocalLossAccumulator({ backend }).update([0], [[0.6, NaN]])).not.toThrow();
    });

    // The sums share the accumulator's power-of-two scale, so this stays within the range where a
    // sum of tiny-weighted samples alone survives being held at the huge weights' scale.
    it(`${backend}: sample weights from 1e-150 to 1e150 across updates: loss sums and hardest losses in their own scale`, () => {
      const labels = [0, 1, 0, 1];
      const rows = [[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]];
      const weights = [1e-150, 3e-150, 1e150, 2];
      const acc = createFocalLossAccumulator({ backend, diagnostics: { hardest: 4 } });
      acc.update(labels.slice(0, 2), rows.slice(0, 2), weights.slice(0, 2)).update(labels.slice(2), rows.slice(2), weights.slice(2));
      const samples = focalSamples({ labels, rows, gamma: 2, weights, fromLogits: false, epsilon: 1e-7, firstRow: 0 });
      expectDiagnostics(acc.summary(), reference(samples, 2, { hardest: 4, bins: 15, beta: 0.9999 }, false), false);
    });
  }
});

describe('binary diagnostics, per label column, equal their definitions', () => {
  for (const backend of BACKENDS) {
    for (const fromLogits of [false, true]) {
      it(`${backend}, ${fromLogits ? 'logits' : 'probabilities'}: soft targets, α, weights, per-column calibration`, () => {
        const rand = random(fromLogits ? 11 : 12);
        const n = 2500;
        const K = 3;
        // Column k is positive with probability 0.5 / (k + 1); one in ten targets is soft.
        const targets = Array.from({ length: n }, () => Array.from({ length: K }, (_, k) => (rand() < 0.1 ? rand() : rand() < 0.5 / (k + 1) ? 1 : 0)));
        const preds = targets.map((row) => row.map((y) => {
          const x = (rand() - 0.5) * 8 + (y - 0.5) * 3;
          return fromLogits ? x : 1 / (1 + Math.exp(-x));
        }));
        const weights = targets.map(() => 0.5 + rand());
        const acc = createBinaryFocalLossAccumulator({ gamma: 2, alpha: 0.25, fromLogits, backend, diagnostics: SETTINGS, firstRow: 7 });
        acc.update(targets.slice(0, 1000), preds.slice(0, 1000), weights.slice(0, 1000)).update(targets.slice(1000), preds.slice(1000), weights.slice(1000));
        const samples = binarySamples({ targets, preds, gamma: 2, alpha: 0.25, weights, fromLogits, epsilon: 1e-7, firstRow: 7 });
        const s = acc.summary();
        expectDiagnostics(s, reference(samples, K, SETTINGS, true), true);
        for (let k = 0; k < K; k++) {
          const column = reference(samples.filter((x) => x.column === k), K, SETTINGS, true);
          s.perClass[k].calibration!.bins.forEach((b, j) => {
            expect(b.count).toBe(column.bins[j].count);
            close(b.confidence, column.bins[j].confidence, `perClass[${k}].bins[${j}].confidence`);
            close(b.accuracy, column.bins[j].accuracy, `perClass[${k}].bins[${j}].accuracy`);
          });
          expect(Math.abs(s.perClass[k].calibration!.ece! - column.ece!)).toBeLessThanOrEqual(1e-12);
          // binaryFocalLoss's α for positives: the column's two class weights, normalised to add up to 1.
          const positives = samples.filter((x) => x.column === k && x.label >= 0.5).length;
          const w = classWeights([n - positives, positives], SETTINGS.beta);
          close(s.recommendedAlpha!.inverseFrequency![k], w.inverseFrequency[1] / (w.inverseFrequency[0] + w.inverseFrequency[1]), `inverseFrequency[${k}]`);
          close(s.recommendedAlpha!.classBalanced![k], w.classBalanced[1] / (w.classBalanced[0] + w.classBalanced[1]), `classBalanced[${k}]`);
        }
      });
    }

    it(`${backend}: wide rows (300 label columns; 3000 classes with 1000 bins) fit the chunk buffers`, () => {
      const rand = random(31);
      const K = 300;
      const targets = Array.from({ length: 400 }, () => Array.from({ length: K }, () => (rand() < 0.3 ? 1 : 0)));
      const preds = targets.map((row) => row.map(() => rand()));
      const settings = { hardest: 5, bins: 1000, beta: 0.9999 };
      const s = createBinaryFocalLossAccumulator({ backend, diagnostics: settings }).update(targets, preds).summary();
      const samples = binarySamples({ targets, preds, gamma: 2, fromLogits: false, epsilon: 1e-7, firstRow: 0 });
      expectDiagnostics(s, reference(samples, K, settings, true), true);
      const C = 3000;
      const labels = Array.from({ length: 300 }, () => Math.floor(rand() * C));
      const logits = labels.map(() => Float64Array.from({ length: C }, () => (rand() - 0.5) * 20));
      const wide = createFocalLossAccumulator({ backend, fromLogits: true, diagnostics: settings }).update(labels, logits).summary();
      const rows = logits.map((r) => Array.from(r));
      expectDiagnostics(wide, reference(focalSamples({ labels, rows, gamma: 2, fromLogits: true, epsilon: 1e-7, firstRow: 0 }), C, settings, false), false);
    });

    it(`${backend}: a column of one class only has no recommended α`, () => {
      const s = createBinaryFocalLossAccumulator({ backend, diagnostics: true }).update([[1, 0], [1, 1]], [[0.9, 0.2], [0.6, 0.7]]).summary();
      expect(s.recommendedAlpha).toMatchObject({ inverseFrequency: null, classBalanced: null, reason: expect.stringMatching(/^column 0 has targets of one class only/) });
      expect(s.perClass[0]).toMatchObject({ positives: 2, correct: 2, predicted: 2, recall: 1, precision: 1 });
    });
  }
});

describe('the diagnostics option', () => {
  it('is checked, naming the setting', () => {
    expect(() => createFocalLossAccumulator({ diagnostics: 'yes' as never })).toThrow(TypeError);
    expect(() => createFocalLossAccumulator({ diagnostics: { bins: 0 } })).toThrow(/diagnostics\.bins must be an integer from 1 to 1000, got 0/);
    expect(() => createFocalLossAccumulator({ diagnostics: { hardest: 1.5 } })).toThrow(/diagnostics\.hardest must be an integer/);
    expect(() => createFocalLossAccumulator({ diagnostics: { beta: 1 } })).toThrow(/diagnostics\.beta must be in \[0, 1\)/);
    expect(() => createFocalLossAccumulator({ diagnostics: { bin: 3 } as never })).toThrow(/unknown option "bin" \(did you mean "bins"\?\)/);
  });

  it('false and absent add nothing to summary() and state()', () => {
    for (const diagnostics of [false, undefined]) {
      const acc = createFocalLossAccumulator({ diagnostics }).update([0], [[0.6, 0.4]]);
      expect(Object.keys(acc.summary())).toEqual(['count', 'weightSum', 'sum', 'mean', 'perClass', 'coverage']);
      expect(acc.state().diagnostics).toBeUndefined();
    }
  });
});

export type { Sample };
