// Issue 8 (robustness), item 3: createWorkspace sizes the kernel cannot hold, and focalLoss /
// binaryFocalLoss batches whose chunk buffers cannot be allocated, are errors that leak nothing
// and leave no chunk buffer pointing at freed memory: workspaces and calls made afterwards
// compute right (losses written out from the formula). A failure here can leave the kernel's
// buffers dangling, so these tests have a file of their own (vitest gives each test file its own
// module instance, in Node and in Chromium) and a fresh kernel each. Shared suite: runs in Node
// and in Chromium, so no node: imports.
import { beforeEach, describe, expect, it } from 'vitest';
import { backendInfo, binaryFocalLoss, createWorkspace, focalLoss, init, type Workspace } from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { close, expectWorking, kernelBytes, labels, rows, thrown, type Backend } from './robustness-helpers.js';

describe('3. createWorkspace sizes the kernel cannot hold are RangeErrors; nothing leaks; the library keeps working', () => {
  // A fresh wasm kernel instance (its own memory and chunk buffers) for each test, so that
  // one test's damage is not another's failure.
  beforeEach(() => {
    init(kernelBytes());
  });

  const sizes: Array<[string, { rows: number; classes: number }]> = [
    ['{rows: 1e6, classes: 600} (4.8 GB)', { rows: 1e6, classes: 600 }],
    ['{rows: 1, classes: 2**29 + 8}', { rows: 1, classes: 2 ** 29 + 8 }],
  ];

  /** A workspace made after the rejections, its loss with and without class weights, and a focalLoss call in between. */
  function expectWorkspacesWork(backend: Backend | 'auto'): void {
    const ws: Workspace = createWorkspace({ rows: 3, classes: 2, backend });
    const p = [0.25, 0.75, 0.6, 0.4, 0.5, 0.5];
    ws.predictions.set(p);
    ws.labels.set([0, 0, 1]);
    const ce = [-Math.log(0.25), -Math.log(0.6), -Math.log(0.5)];
    close(ws.loss({ gamma: 0 }), (ce[0] + ce[1] + ce[2]) / 3, 1e-15, 'workspace');
    close(ws.loss({ gamma: 0, alpha: [3, 5] }), (3 * ce[0] + 3 * ce[1] + 5 * ce[2]) / 3, 1e-15, 'workspace, alpha');
    close(focalLoss([0, 0], [[0.9, 0.1], [0.9, 0.1]], { gamma: 0, backend }), -Math.log(0.9), 1e-15, 'focalLoss in between');
    close(focalLoss([0, 1], [[0.9, 0.1], [0.9, 0.1]], { gamma: 0, backend, reduction: 'none', alpha: [2, 7] })[1], -7 * Math.log(0.1), 1e-15, 'focalLoss none');
    close(ws.loss({ gamma: 0 }), (ce[0] + ce[1] + ce[2]) / 3, 1e-15, 'workspace again');
    expect(Array.from(ws.predictions)).toEqual(p);
    expect(Array.from(ws.labels)).toEqual([0, 0, 1]);
    ws.dispose();
  }

  for (const backend of ['wasm', 'auto', 'js'] as const) {
    for (const [what, size] of sizes) {
      it(`${backend}: ${what} is a RangeError starting with createWorkspace:`, () => {
        let made: Workspace | undefined;
        try {
          const error = thrown(() => (made = createWorkspace({ ...size, backend })));
          expect(error).toBeInstanceOf(RangeError);
          expect(error.message).toMatch(/^createWorkspace: /);
        } finally {
          made?.dispose();
        }
      });

      it(`${backend}: after ${what} is rejected, memory is unchanged and workspaces and calls compute right`, () => {
        // Warm up what a first workspace and a first call reserve, so only a leak can change memory.
        const warm = createWorkspace({ rows: 2, classes: 3, backend });
        warm.dispose();
        focalLoss(labels, rows, { backend, reduction: 'none', alpha: [1, 1, 1] });
        const before = backendInfo().memoryBytes;
        try {
          createWorkspace({ ...size, backend }).dispose();
        } catch {
          // the rejection itself is checked above
        }
        expect(backendInfo().memoryBytes).toBe(before);
        expectWorkspacesWork(backend);
        expectWorking();
      });
    }
  }

  const unallocatable: Array<[string, string, (backend: Backend) => unknown]> = [
    ['binaryFocalLoss', 'K = 2^39 labels per row', (backend) => binaryFocalLoss({ length: 2 ** 40 } as never, { length: 2 ** 40 } as never, { backend, classes: 2 ** 39 })],
    ['focalLoss', 'C = 2^31 classes', (backend) => focalLoss({ length: 2 } as never, { length: 2 ** 32 } as never, { backend, classes: 2 ** 31 })],
  ];
  for (const backend of BACKENDS) {
    for (const [fn, what, call] of unallocatable) {
      it(`${backend}: ${fn} with ${what} (chunk buffers that cannot be allocated) leaves no dangling buffer`, () => {
        focalLoss(labels, rows, { backend, reduction: 'none' });
        const error = thrown(() => call(backend));
        // First what matters most: nothing computes a wrong number afterwards.
        expectWorkspacesWork(backend);
        expectWorking();
        expect([TypeError, RangeError]).toContain(error.constructor);
        expect(error.message.startsWith(`${fn}: `), error.message).toBe(true);
      });
    }
  }
});
