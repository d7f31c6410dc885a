// Issue 8 (robustness), items 9, 10 and 11: how options are read. An explicit undefined is the
// same as an absent option, options inherited from Object.prototype are ignored, and every user
// value is read once, so a getter that changes cannot change the result. Expected losses from
// the formula (test/robustness-helpers.ts). Shared suite: runs in Node and in Chromium, so no
// node: imports.
import { describe, expect, it } from 'vitest';
import {
  binaryFocalLoss, binaryFocalLossGrad, createWorkspace, focalLoss, focalLossGrad, type WorkspaceLossOptions,
} from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { close, good, goodBinary, goodLogits, labels, rows, type Backend } from './robustness-helpers.js';

describe('9. an explicit undefined option is the same as an absent one', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: workspace.loss({fromLogits: undefined}) on a fromLogits workspace computes logits`, () => {
      const ws = createWorkspace({ rows: 2, classes: 3, fromLogits: true, backend });
      ws.predictions.set(rows.flat());
      ws.labels.set(labels);
      close(ws.loss({ fromLogits: undefined }), goodLogits, 1e-14, 'loss');
      close(ws.lossAndGrad({ fromLogits: undefined }).loss, goodLogits, 1e-14, 'lossAndGrad');
      close(ws.loss({ fromLogits: undefined, gamma: undefined, alpha: undefined, reduction: undefined }), goodLogits, 1e-14, 'all');
      ws.dispose();
    });

    it(`${backend}: focalLoss(y, p, {gamma: undefined}) is gamma 2, and so on for every option`, () => {
      close(focalLoss(labels, rows, { gamma: undefined, backend }), good, 1e-15, 'gamma');
      close(focalLoss(labels, rows, undefined), good, 1e-15, 'options undefined');
      close(focalLoss(labels, rows, undefined, undefined), good, 1e-15, 'positional undefined');
      const every = {
        gamma: undefined, alpha: undefined, reduction: undefined, fromLogits: undefined, epsilon: undefined, labelSmoothing: undefined,
        sampleWeight: undefined, normalizer: undefined, ignoreIndex: undefined, classes: undefined, checkRows: undefined, backend,
      };
      close(focalLoss(labels, rows, every), good, 1e-15, 'focalLoss');
      close(focalLossGrad(labels, rows, { ...every, gradOut: undefined }).loss, good, 1e-15, 'focalLossGrad');
      const binary = { gamma: undefined, alpha: undefined, reduction: undefined, fromLogits: undefined, epsilon: undefined, labelSmoothing: undefined, sampleWeight: undefined, normalizer: undefined, classes: undefined, backend };
      close(binaryFocalLoss([1, 1], [0.3, 0.8], binary), goodBinary, 1e-15, 'binaryFocalLoss');
      close(binaryFocalLossGrad([1, 1], [0.3, 0.8], { ...binary, gradOut: undefined }).loss, goodBinary, 1e-15, 'binaryFocalLossGrad');
      const ws = createWorkspace({ rows: 2, classes: 3, dtype: undefined, fromLogits: undefined, gradients: undefined, backend });
      expect(ws.dtype).toBe('f64');
      ws.predictions.set(rows.flat());
      ws.labels.set(labels);
      const lossKeys = {
        gamma: undefined, alpha: undefined, reduction: undefined, fromLogits: undefined, epsilon: undefined, sampleWeight: undefined,
        normalizer: undefined, ignoreIndex: undefined, checkRows: undefined,
      };
      close(ws.loss(lossKeys), good, 1e-15, 'workspace.loss');
      close(ws.lossAndGrad(lossKeys).loss, good, 1e-15, 'workspace.lossAndGrad');
      ws.dispose();
    });

    it(`${backend}: workspace.loss with backend / labelSmoothing / classes set to undefined (as a spread of FocalLossOptions gives)`, () => {
      const ws = createWorkspace({ rows: 2, classes: 3, backend });
      ws.predictions.set(rows.flat());
      ws.labels.set(labels);
      for (const key of ['backend', 'labelSmoothing', 'classes']) {
        close(ws.loss({ [key]: undefined } as WorkspaceLossOptions), good, 1e-15, key);
        close(ws.lossAndGrad({ [key]: undefined } as WorkspaceLossOptions).loss, good, 1e-15, key);
      }
      ws.dispose();
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('10. options inherited from Object.prototype are ignored', () => {
  const polluters: Record<string, unknown> = {
    reduction: 'sum', ignoreIndex: 1, gamma: 0, alpha: [5, 5, 5], fromLogits: true, epsilon: 0.4, labelSmoothing: 0.5,
    sampleWeight: [9, 9], normalizer: 100, backend: 'bogus', classes: 7, checkRows: true, gradOut: new Float64Array(1),
    dtype: 'f16', rows: 5, gradients: 'yes', dataSync: () => [1], shape: [1], data: new Float64Array(2), dims: [2],
  };
  const results = (backend: Backend): unknown[] => {
    const ws = createWorkspace({ rows: 2, classes: 3, backend });
    ws.predictions.set(rows.flat());
    ws.labels.set(labels);
    const out = [
      focalLoss(labels, rows, { backend }),
      focalLoss(labels, rows, {}),
      focalLoss(labels, rows, 2),
      focalLoss(labels, rows),
      focalLoss(labels, rows, { backend, fromLogits: true }),
      focalLoss([[1, 0, 0], [0, 1, 0]], rows, { backend }),
      focalLossGrad(labels, rows, { backend }).loss,
      binaryFocalLoss([1, 1], [0.3, 0.8], { backend }),
      binaryFocalLossGrad([1, 1], [0.3, 0.8], { backend }).loss,
      ws.loss(),
      ws.loss({}),
      ws.lossAndGrad().loss,
      ws.dtype,
      ws.rows,
    ];
    ws.dispose();
    return out;
  };
  for (const backend of BACKENDS) {
    const want = [good, good, good, good, goodLogits, good, good, goodBinary, goodBinary, good, good, good, 'f64', 2];
    for (const [key, value] of Object.entries(polluters)) {
      it(`${backend}: Object.prototype.${key} = ${JSON.stringify(value) ?? String(value)}`, () => {
        const proto = Object.prototype as Record<string, unknown>;
        let got: unknown[];
        proto[key] = value;
        try {
          got = results(backend);
        } finally {
          delete proto[key];
        }
        got.forEach((g, i) => {
          if (typeof want[i] === 'number') close(g as number, want[i] as number, 1e-14, `result ${i}`);
          else expect(g).toBe(want[i]);
        });
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
describe('11. every user value is read once: a later read cannot change the result', () => {
  /** A property that returns `first` on the first read and `later` after, counting reads. */
  const flip = (counts: Record<string, number>, key: string, first: unknown, later: unknown): PropertyDescriptor => ({
    enumerable: true,
    configurable: true,
    get() {
      counts[key] = (counts[key] ?? 0) + 1;
      return counts[key] === 1 ? first : later;
    },
  });
  const withAlpha = (-(0.3 ** 2) * Math.log(0.7) * 1 - 0.2 ** 2 * Math.log(0.8) * 2) / 2;

  for (const backend of BACKENDS) {
    for (const later of [NaN, -1, Infinity, 'x', undefined]) {
      it(`${backend}: alpha[i] read exactly once (later reads return ${String(later)})`, () => {
        const counts: Record<string, number> = {};
        const alpha: number[] = [];
        [1, 2, 3].forEach((v, c) => Object.defineProperty(alpha, c, flip(counts, String(c), v, later)));
        close(focalLoss(labels, rows, { backend, alpha }), withAlpha, 1e-15, 'focalLoss');
        expect(counts).toEqual({ 0: 1, 1: 1, 2: 1 });
        for (const k of Object.keys(counts)) delete counts[k];
        close(focalLoss(labels, rows, 2, alpha), withAlpha, 1e-15, 'positional');
        expect(counts).toEqual({ 0: 1, 1: 1, 2: 1 });
        for (const k of Object.keys(counts)) delete counts[k];
        const { loss, grad } = focalLossGrad(labels, rows, { backend, alpha });
        close(loss, withAlpha, 1e-15, 'focalLossGrad');
        expect(Array.from(grad).every(Number.isFinite)).toBe(true);
        expect(counts).toEqual({ 0: 1, 1: 1, 2: 1 });
      });

      it(`${backend}: options properties read exactly once (later reads return ${String(later)})`, () => {
        const counts: Record<string, number> = {};
        const options = Object.defineProperties({}, {
          alpha: flip(counts, 'alpha', 0.5, later),
          gamma: flip(counts, 'gamma', 2, later),
          reduction: flip(counts, 'reduction', 'mean', later),
          epsilon: flip(counts, 'epsilon', 1e-7, later),
          fromLogits: flip(counts, 'fromLogits', false, later),
          sampleWeight: flip(counts, 'sampleWeight', [1, 1], later),
          normalizer: flip(counts, 'normalizer', 2, later),
          ignoreIndex: flip(counts, 'ignoreIndex', 5, later),
          checkRows: flip(counts, 'checkRows', false, later),
          labelSmoothing: flip(counts, 'labelSmoothing', 0, later),
          classes: flip(counts, 'classes', 3, later),
          backend: flip(counts, 'backend', backend, later),
        });
        close(focalLoss(labels, rows, options), good / 2, 1e-15, 'focalLoss');
        for (const key of Object.keys(counts)) expect(counts[key], key).toBe(1);
        expect(Object.keys(counts)).toHaveLength(12);
      });

      it(`${backend}: binaryFocalLoss, focalLossGrad and workspace options read exactly once (later: ${String(later)})`, () => {
        const counts: Record<string, number> = {};
        const binary = Object.defineProperties({}, {
          alpha: flip(counts, 'alpha', 0.25, later),
          gamma: flip(counts, 'gamma', 2, later),
          classes: flip(counts, 'classes', 1, later),
          reduction: flip(counts, 'reduction', 'mean', later),
          backend: flip(counts, 'backend', backend, later),
        });
        const binaryWant = (-0.25 * 0.7 ** 2 * Math.log(0.3) - 0.25 * 0.2 ** 2 * Math.log(0.8)) / 2;
        close(binaryFocalLoss([1, 1], [0.3, 0.8], binary), binaryWant, 1e-15, 'binaryFocalLoss');
        expect(counts).toEqual({ alpha: 1, gamma: 1, classes: 1, reduction: 1, backend: 1 });

        for (const k of Object.keys(counts)) delete counts[k];
        const gradOut = new Float64Array(6);
        const grad = Object.defineProperties({}, {
          gradOut: flip(counts, 'gradOut', gradOut, later),
          gamma: flip(counts, 'gamma', 2, later),
          backend: flip(counts, 'backend', backend, later),
        });
        const result = focalLossGrad(labels, rows, grad);
        close(result.loss, good, 1e-15, 'focalLossGrad');
        expect(result.grad).toBe(gradOut);
        expect(counts).toEqual({ gradOut: 1, gamma: 1, backend: 1 });

        for (const k of Object.keys(counts)) delete counts[k];
        const create = Object.defineProperties({}, {
          rows: flip(counts, 'rows', 2, later),
          classes: flip(counts, 'classes', 3, later),
          dtype: flip(counts, 'dtype', 'f64', later),
          fromLogits: flip(counts, 'fromLogits', false, later),
          backend: flip(counts, 'backend', backend, later),
        });
        const ws = createWorkspace(create as never);
        expect([ws.rows, ws.classes, ws.dtype]).toEqual([2, 3, 'f64']);
        expect(counts).toEqual({ rows: 1, classes: 1, dtype: 1, fromLogits: 1, backend: 1 });
        ws.predictions.set(rows.flat());
        ws.labels.set(labels);
        for (const k of Object.keys(counts)) delete counts[k];
        const lossOptions = Object.defineProperties({}, {
          alpha: flip(counts, 'alpha', 0.5, later),
          gamma: flip(counts, 'gamma', 2, later),
          fromLogits: flip(counts, 'fromLogits', false, later),
        });
        close(ws.loss(lossOptions), good / 2, 1e-15, 'workspace.loss');
        expect(counts).toEqual({ alpha: 1, gamma: 1, fromLogits: 1 });
        ws.dispose();
      });
    }

    it(`${backend}: alpha.length read once: a length that changes cannot make the copy bigger or smaller`, () => {
      let reads = 0;
      const alpha = new Proxy([1, 2, 3], { get: (t, k) => (k === 'length' ? (++reads === 1 ? 3 : 2 ** 40) : Reflect.get(t, k)) });
      close(focalLoss(labels, rows, { backend, alpha }), withAlpha, 1e-15, 'focalLoss');
      expect(reads).toBe(1);
    });
  }
});
