import { describe, expect, it } from 'vitest';
import { backendInfo, createWorkspace, focalLoss } from '../src/index.js';
import { BACKENDS, cases, expectAllClose, expectClose } from './helpers.js';

describe('createWorkspace', () => {
  for (const backend of BACKENDS) {
    for (const dtype of ['f64', 'f32'] as const) {
      // Cases whose inputs are float32-exact serve both dtypes.
      for (const c of cases.filter((c) => c.dtype === undefined && c.options.ignoreIndex === undefined)) {
        it(`${backend} ${dtype}: ${c.name} matches the mpmath reference`, () => {
          const classes = c.yPred[0].length;
          const { fromLogits, ...rest } = c.options as { fromLogits?: boolean };
          const ws = createWorkspace({ rows: c.yTrue.length, classes, dtype, fromLogits: fromLogits ?? false, backend });
          ws.predictions.set(c.yPred.flat());
          ws.labels.set(c.yTrue);
          expectClose(ws.loss(rest), c.expected.mean, 'mean');
          expectClose(ws.loss({ ...rest, reduction: 'sum' }), c.expected.sum, 'sum');
          expectAllClose(ws.loss({ ...rest, reduction: 'none' }), c.expected.none, 'none');
          ws.dispose();
        });
      }
    }
  }

  it('honours ignoreIndex, including labels the kernel must skip', () => {
    const ws = createWorkspace({ rows: 3, classes: 2 });
    ws.predictions.set([0.5, 0.5, 0.9, 0.1, 7, 7]);
    ws.labels.set([0, 1, -100]);
    const want = (0.25 * Math.LN2 - 0.81 * Math.log(0.1)) / 2;
    expectClose(ws.loss({ ignoreIndex: -100 }), want);
    expect(() => ws.loss()).toThrow(/labels\[2\] = -100/);
    ws.dispose();
  });

  it('reports bad values by workspace index and stays usable', () => {
    const ws = createWorkspace({ rows: 2, classes: 3 });
    ws.predictions.set([0.2, 0.3, 0.5, 0.1, 1.5, 0.1]);
    ws.labels.set([2, 1]);
    expect(() => ws.loss()).toThrow(RangeError);
    expect(() => ws.loss()).toThrow(/^workspace.loss: predictions\[4\] \(sample 1, class 1\) = 1.5/);
    expect(() => ws.loss({ fromLogits: true, gamma: 0 })).not.toThrow();
    ws.predictions[4] = NaN;
    expect(() => ws.loss({ fromLogits: true })).toThrow(/predictions\[4\] \(sample 1, class 1\) = NaN/);
    ws.predictions[4] = 0.4;
    expectClose(ws.loss({ gamma: 0 }), -(Math.log(0.5) + Math.log(0.4)) / 2);
    ws.dispose();
  });

  it('does not grow memory in loss(); views re-read after growth stay valid', () => {
    const ws = createWorkspace({ rows: 100_000, classes: 10, dtype: 'f32', fromLogits: true });
    ws.predictions.fill(0);
    ws.labels.fill(3);
    const before = backendInfo().memoryBytes;
    expectClose(ws.loss({ gamma: 0 }), Math.log(10));
    expect(backendInfo().memoryBytes).toBe(before);
    const other = createWorkspace({ rows: 1_000_000, classes: 4 });
    expect(backendInfo().memoryBytes).toBeGreaterThan(before);
    ws.predictions[3] = 1000;
    expect(ws.loss({ gamma: 0, reduction: 'none' })[0]).toBe(0);
    other.dispose();
    ws.dispose();
  });

  it('rejects bad shapes and use after dispose()', () => {
    expect(() => createWorkspace({ rows: 0, classes: 2 })).toThrow(RangeError);
    expect(() => createWorkspace({ rows: 2, classes: 1.5 })).toThrow(RangeError);
    expect(() => createWorkspace({ rows: '2' as never, classes: 2 })).toThrow(TypeError);
    expect(() => createWorkspace({ rows: 2, classes: 2, dtype: 'f16' as never })).toThrow(RangeError);
    expect(() => createWorkspace(null as never)).toThrow(TypeError);
    const ws = createWorkspace({ rows: 1, classes: 2 });
    ws.dispose();
    expect(() => ws.loss()).toThrow(/dispose/);
    expect(() => ws.predictions).toThrow(/dispose/);
    expect(focalLoss([0], [[0.5, 0.5]], 0)).toBeCloseTo(Math.LN2, 15);
  });

  it('agrees with focalLoss on the same batch', () => {
    const n = 20_000;
    const ws = createWorkspace({ rows: n, classes: 5 });
    const yTrue = Int32Array.from({ length: n }, (_, i) => (i * 3) % 5);
    const yPred = Float64Array.from({ length: n * 5 }, (_, k) => ((k * 13) % 29) / 29);
    ws.predictions.set(yPred);
    ws.labels.set(yTrue);
    for (const options of [{ gamma: 2, alpha: [1, 2, 3, 4, 5] }, { gamma: 0.7, fromLogits: true }]) {
      expectClose(ws.loss(options), focalLoss(yTrue, yPred, options));
    }
    ws.dispose();
  });
});

describe('createWorkspace limits', () => {
  it('refuses what wasm32 cannot hold with a RangeError, frees what it took, and stays usable', () => {
    const before = backendInfo().memoryBytes;
    expect(() => createWorkspace({ rows: 1_000_000, classes: 600 })).toThrow(/^createWorkspace: 1000000 × 600 f64 predictions \(4800000000 bytes\): .*4 GiB/);
    expect(() => createWorkspace({ rows: 1, classes: 2 ** 29 + 8 })).toThrow(RangeError);
    expect(backendInfo().memoryBytes).toBe(before);
    const ws = createWorkspace({ rows: 2, classes: 2 });
    ws.predictions.set([0.5, 0.5, 0.5, 0.5]);
    ws.labels.set([0, 1]);
    expect(ws.loss({ gamma: 0 })).toBeCloseTo(Math.LN2, 15);
    ws.dispose();
  });
});

describe('workspace.loss and lossAndGrad check rows when asked (issue 16, item 4)', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: checkRows refuses a row that is not a distribution, and passes the rows that are`, () => {
      const ws = createWorkspace({ rows: 2, classes: 3, backend });
      ws.predictions.set([0.7, 0.2, 0.1, 0.2, 0.3, 0.6]);
      ws.labels.set([0, 2]);
      for (const call of [() => ws.loss({ checkRows: true }), () => ws.lossAndGrad({ checkRows: true })]) {
        expect(call).toThrow(RangeError);
        expect(call).toThrow(/^workspace\.(loss|lossAndGrad): checkRows: predictions\[1\] sums to 1\.1, not 1 \(tolerance 0\.001\)/);
      }
      // −(1 − p_t)² ln p_t, mean over the two samples; a tolerance of 0.2 lets the second row pass.
      const want = (-(0.3 ** 2) * Math.log(0.7) - 0.4 ** 2 * Math.log(0.6)) / 2;
      expectClose(ws.loss({ checkRows: 0.2 }), want);
      expectClose(ws.lossAndGrad({ checkRows: 0.2 }).loss as number, want);
      ws.predictions[5] = 0.5;
      expectClose(ws.loss({ checkRows: true }), (-(0.3 ** 2) * Math.log(0.7) - 0.5 ** 2 * Math.log(0.5)) / 2);
      // Probability rows where logits are expected.
      expect(() => ws.loss({ checkRows: true, fromLogits: true })).toThrow(/checkRows: predictions\[0\] is a probability distribution/);
      ws.dispose();
    });
  }
});

describe('a new workspace starts at zero, whatever a disposed one left in memory (issue 16, item 5)', () => {
  for (const backend of BACKENDS) {
    for (const dtype of ['f64', 'f32'] as const) {
      it(`${backend} ${dtype}: predictions, labels and gradients (made at once or on first use) are zero`, () => {
        const shape = { rows: 64, classes: 8, dtype, backend };
        const old = createWorkspace({ ...shape, gradients: true });
        old.predictions.fill(0.125);
        old.labels.fill(7);
        const { grad } = old.lossAndGrad();
        expect(grad.some((g) => g !== 0), 'the old workspace wrote gradients').toBe(true);
        old.dispose();
        const eager = createWorkspace({ ...shape, gradients: true });
        const lazy = createWorkspace(shape);
        for (const [what, ws] of [['gradients: true', eager], ['gradients on first use', lazy]] as const) {
          expect(ws.predictions.every((v) => v === 0), `${what}: predictions`).toBe(true);
          expect(ws.labels.every((v) => v === 0), `${what}: labels`).toBe(true);
          expect(ws.gradients.every((v) => v === 0), `${what}: gradients`).toBe(true);
        }
        eager.dispose();
        lazy.dispose();
      });
    }
  }
});
