// Issue 8 (robustness), item 13: errors for BigInt and Symbol values, int64 arrays, options of
// the wrong type and sizes no buffer can hold name the function, the argument and the value
// as the user wrote it, never a raw engine message; the library works normally after them.
// Shared suite: runs in Node and in Chromium, so no node: imports.
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, binaryFocalLossGrad, createWorkspace, focalLoss, focalLossGrad } from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { expectError, expectWorking, labels, RAW_ENGINE, rows, thrown } from './robustness-helpers.js';

describe('13. error messages name the argument and show the value honestly', () => {
  for (const backend of BACKENDS) {
    const b = { backend };
    const flat = Float64Array.from(rows.flat());
    it(`${backend}: BigInt labels`, () => {
      expectError(() => focalLoss([0, 1n] as never, rows, b), TypeError, 'focalLoss', /yTrue\[1\]/, /1n/);
      expectError(() => focalLoss([0, 1n] as never, flat, b), TypeError, 'focalLoss', /yTrue\[1\]/, /1n/);
      expectError(() => focalLoss([0, 1n] as never, rows, { ...b, fromLogits: true }), TypeError, 'focalLoss', /yTrue\[1\]/, /1n/);
      expectError(() => focalLoss([0, 1n] as never, rows, { ...b, labelSmoothing: 0.1 }), TypeError, 'focalLoss', /yTrue\[1\]/, /1n/);
      expectError(() => focalLoss([0, 1n] as never, rows, { ...b, ignoreIndex: 1 }), TypeError, 'focalLoss', /yTrue\[1\]/, /1n/);
      expectError(() => focalLossGrad([0, 1n] as never, rows, b), TypeError, 'focalLossGrad', /yTrue\[1\]/, /1n/);
      expectError(() => binaryFocalLoss([0, 1n] as never, [0.5, 0.5], b), TypeError, 'binaryFocalLoss', /yTrue\[1\]/, /1n/);
      expectError(() => focalLoss([[1, 0, 0], [0, 1n, 0]] as never, rows, b), TypeError, 'focalLoss', /yTrue\[1\]\[1\]/, /1n/);
    });
    it(`${backend}: Symbol labels`, () => {
      expectError(() => focalLoss([0, Symbol('x')] as never, rows, b), TypeError, 'focalLoss', /yTrue\[1\]/, /Symbol\(x\)/);
      expectError(() => focalLoss([0, Symbol('x')] as never, flat, { ...b, fromLogits: true }), TypeError, 'focalLoss', /yTrue\[1\]/, /Symbol\(x\)/);
      expectError(() => focalLoss([0, Symbol('x')] as never, rows, { ...b, ignoreIndex: -1 }), TypeError, 'focalLoss', /yTrue\[1\]/, /Symbol\(x\)/);
      expectError(() => binaryFocalLoss([0, Symbol('x')] as never, [0.5, 0.5], b), TypeError, 'binaryFocalLoss', /yTrue\[1\]/, /Symbol\(x\)/);
      expectError(() => focalLoss(labels, [rows[0], [0, Symbol('y'), 0]] as never, b), TypeError, 'focalLoss', /yPred\[1\]\[1\]/, /Symbol\(y\)/);
    });
    it(`${backend}: BigInt64Array predictions, binary targets and weights (flat); int64 labels are class indices`, () => {
      expect(focalLoss(BigInt64Array.of(0n, 1n) as never, rows, b)).toBe(focalLoss([0, 1], rows, b));
      expect(focalLoss(BigUint64Array.of(0n, 1n) as never, rows, b)).toBe(focalLoss([0, 1], rows, b));
      expectError(() => focalLoss(BigInt64Array.of(0n, 3n) as never, rows, b), RangeError, 'focalLoss', /yTrue\[1\] = 3n/, /not a class index/);
      expectError(() => focalLoss(labels, BigInt64Array.of(0n, 1n, 0n, 0n, 1n, 0n) as never, b), TypeError, 'focalLoss', /yPred/, /BigInt64Array/);
      expectError(() => binaryFocalLoss(BigInt64Array.of(0n, 1n) as never, [0.5, 0.5], b), TypeError, 'binaryFocalLoss', /yTrue/, /BigInt64Array/);
      expectError(() => focalLoss(labels, rows, { ...b, sampleWeight: BigInt64Array.of(1n, 1n) as never }), TypeError, 'focalLoss', /sampleWeight/, /BigInt64Array/);
    });
    for (const [mode, options] of [
      ['probabilities', {}], ['logits', { fromLogits: true }], ['labelSmoothing', { labelSmoothing: 0.1 }],
      ['labelSmoothing + logits', { labelSmoothing: 0.1, fromLogits: true }],
    ] as Array<[string, Record<string, unknown>]>) {
      it(`${backend}: a BigInt64Array row of yPred (${mode}), first or later`, () => {
        expectError(() => focalLoss(labels, [rows[0], BigInt64Array.of(0n, 1n, 0n)] as never, { ...b, ...options }), TypeError, 'focalLoss', /yPred\[1\]/, /BigInt|1n|0n/);
        expectError(() => focalLoss(labels, [BigInt64Array.of(0n, 1n, 0n), rows[1]] as never, { ...b, ...options }), TypeError, 'focalLoss', /yPred\[0\]/, /BigInt|1n|0n/);
        expectError(() => focalLossGrad(labels, [rows[0], BigInt64Array.of(0n, 1n, 0n)] as never, { ...b, ...options }), TypeError, 'focalLossGrad', /yPred\[1\]/);
        expectError(() => focalLoss([[1, 0, 0], BigInt64Array.of(0n, 1n, 0n)] as never, rows, { ...b, ...options }), TypeError, 'focalLoss', /yTrue\[1\]/);
      });
    }
    it(`${backend}: BigInt64Array rows for binaryFocalLoss`, () => {
      expectError(() => binaryFocalLoss([[0, 1], [1, 0]], [[0.5, 0.5], BigInt64Array.of(0n, 1n)] as never, b), TypeError, 'binaryFocalLoss', /yPred\[1\]/);
      expectError(() => binaryFocalLoss([[0, 1], [1, 0]], [[0.5, 0.5], BigInt64Array.of(0n, 1n)] as never, { ...b, fromLogits: true }), TypeError, 'binaryFocalLoss', /yPred\[1\]/);
      expectError(() => binaryFocalLoss([[0, 1], BigInt64Array.of(0n, 1n)] as never, [[0.5, 0.5], [0.5, 0.5]], b), TypeError, 'binaryFocalLoss', /yTrue\[1\]/);
      expectError(() => binaryFocalLossGrad([[0, 1], [1, 0]], [[0.5, 0.5], BigUint64Array.of(0n, 1n)] as never, b), TypeError, 'binaryFocalLossGrad', /yPred\[1\]/);
    });
    it(`${backend}: options of the wrong type`, () => {
      expectError(() => focalLoss(labels, rows, { ...b, gamma: [2] as never }), TypeError, 'focalLoss', /gamma/, /an array \[2\]/);
      expectError(() => focalLoss(labels, rows, { ...b, gamma: 2n as never }), TypeError, 'focalLoss', /gamma/, /2n/);
      expectError(() => focalLoss(labels, rows, { ...b, gamma: Symbol('g') as never }), TypeError, 'focalLoss', /gamma/, /Symbol\(g\)/);
      expectError(() => binaryFocalLoss([1], [0.5], { ...b, gamma: [2] as never }), TypeError, 'binaryFocalLoss', /gamma/, /an array \[2\]/);
      expectError(() => focalLoss(labels, rows, [2] as never), TypeError, 'focalLoss', /third argument|gamma/, /an array \[2\]/);
      expectError(() => focalLoss(labels, rows, 2n as never), TypeError, 'focalLoss', /third argument|gamma/, /2n/);
      expectError(() => focalLoss(labels, rows, 2, 1n as never), TypeError, 'focalLoss', /alpha/, /1n/);
      expectError(() => focalLoss(labels, rows, { ...b, alpha: [1, 1n, 1] as never }), TypeError, 'focalLoss', /alpha\[1\]/, /1n/);
      expectError(() => focalLoss(labels, rows, { ...b, sampleWeight: [1, 2n] as never }), TypeError, 'focalLoss', /sampleWeight\[1\]/, /2n/);
      expectError(() => focalLoss(labels, rows, 'sum' as never), TypeError, 'focalLoss', /third argument|options/, /"sum"/);
      expectError(() => binaryFocalLoss([1], [0.5], 'sum' as never), TypeError, 'binaryFocalLoss', /options/, /"sum"/);
      expectError(() => focalLossGrad(labels, rows, 5 as never), TypeError, 'focalLossGrad', /options/, /5/);
    });
    it(`${backend}: an alpha array-like whose length no typed array can hold`, () => {
      for (const length of [1e10, 2 ** 40, 4e9]) {
        const error = thrown(() => focalLoss(labels, rows, { ...b, alpha: { length } as never }));
        expect([TypeError, RangeError]).toContain(error.constructor);
        expect(error.message).toMatch(/^focalLoss: alpha/);
      }
    });
    it(`${backend}: a batch too big to allocate outputs for is an error naming the function`, () => {
      const none = thrown(() => focalLoss({ length: 2 ** 33 } as never, { length: 2 ** 34 } as never, { ...b, classes: 2, reduction: 'none' }));
      expect(none.message).toMatch(/^focalLoss: /);
      expect(none.message).not.toMatch(RAW_ENGINE);
      const grad = thrown(() => focalLossGrad({ length: 2 ** 31 } as never, { length: 2 ** 32 } as never, { ...b, classes: 2 }));
      expect(grad.message).toMatch(/^focalLossGrad: /);
      expect(grad.message).not.toMatch(RAW_ENGINE);
      expectWorking();
    });

    it(`${backend}: workspace.loss and createWorkspace`, () => {
      const ws = createWorkspace({ rows: 2, classes: 3, backend });
      ws.predictions.set(rows.flat());
      ws.labels.set(labels);
      expectError(() => ws.loss(3 as never), TypeError, 'workspace.loss', /options/, /number 3/);
      expectError(() => ws.loss('sum' as never), TypeError, 'workspace.loss', /options/, /"sum"/);
      expectError(() => ws.loss(null as never), TypeError, 'workspace.loss', /options/, /null/);
      expectError(() => ws.loss({ gamma: [2] } as never), TypeError, 'workspace.loss', /gamma/, /an array \[2\]/);
      expectError(() => ws.loss({ gamma: 2n } as never), TypeError, 'workspace.loss', /gamma/, /2n/);
      expectError(() => ws.loss({ gama: 2 } as never), TypeError, 'workspace.loss', /"gama"/);
      expectError(() => ws.lossAndGrad(3 as never), TypeError, 'workspace.lossAndGrad', /options/, /number 3/);
      expectError(() => ws.loss({ sampleWeight: [1] }), RangeError, 'workspace.loss', /sampleWeight/);
      // The workspace has no yPred: its errors name what the caller passed (alpha) and the workspace.
      const alpha = expectError(() => ws.loss({ alpha: [1, 1] }), RangeError, 'workspace.loss', /alpha/, /2 weights/, /3 classes/);
      expect(alpha.message).not.toMatch(/yPred/);
      ws.labels.set([0, 3]);
      expectError(() => ws.loss(), RangeError, 'workspace.loss', /labels\[1\] = 3/);
      ws.dispose();
      expectError(() => createWorkspace({ rows: 1, classes: 2, dtpye: 'f32' } as never), TypeError, 'createWorkspace', /"dtpye"/);
      expectError(() => createWorkspace({ rows: 1, classes: 2, backend, gradient: true } as never), TypeError, 'createWorkspace', /"gradient"/);
      expectError(() => createWorkspace({ rows: 1n, classes: 2 } as never), TypeError, 'createWorkspace', /rows/, /1n/);
      expectError(() => createWorkspace({ rows: 1, classes: Symbol('c') } as never), TypeError, 'createWorkspace', /classes/, /Symbol\(c\)/);
      expectError(() => createWorkspace(3 as never), TypeError, 'createWorkspace', /options/, /number 3/);
      expectError(() => createWorkspace(undefined as never), TypeError, 'createWorkspace');
      expectError(() => createWorkspace({ rows: 1, classes: 2, backend: 'gpu' } as never), RangeError, 'createWorkspace', /backend/, /"gpu"/);
      expectWorking();
    });
  }
});
