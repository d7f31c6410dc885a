// Issue 16, item 3: a workspace's views (predictions, labels, gradients) given to a one-shot
// call or an accumulator that grows wasm memory (its chunk buffers: per-class sums, wider rows,
// binary targets) are read where they are after the growth, not as detached buffers; on every
// pairing of the workspace's backend and the call's. Each case starts from a fresh kernel
// (init), so that the call's chunk buffers cannot fit in memory freed before, and checks that
// memory did grow when both sides are wasm. Expected values are written from the formula here.
import { afterAll, describe, expect, it } from 'vitest';
import {
  backendInfo, binaryFocalLoss, createFocalLossAccumulator, createWorkspace, focalLossGrad, init,
} from '../src/index.js';
import { SIMD_WASM_BASE64 } from '../src/generated/kernel-base64.js';
import { BACKENDS } from './helpers.js';

const kernelBytes = () => Uint8Array.from(atob(SIMD_WASM_BASE64), (ch) => ch.charCodeAt(0));
/** Wider than a chunk buffer (2^19 bytes of f64): the calls below need buffers a workspace of K classes did not reserve. */
const K = 70_000;
/** γ = 2: −(1 − p)² ln p, and its derivative 2 (1 − p) ln p − (1 − p)² / p. */
const fl = (p: number) => -((1 - p) ** 2) * Math.log(p);
const dfl = (p: number) => 2 * (1 - p) * Math.log(p) - (1 - p) ** 2 / p;

function near(actual: number, want: number, tol: number, label: string): void {
  expect(Math.abs(actual - want), `${label}: got ${actual}, want ${want}`).toBeLessThanOrEqual(tol * Math.abs(want));
}

/** Runs `body` on a fresh kernel; when both sides are wasm, the call must have grown memory. */
function onFreshKernel(grows: boolean, body: (memoryBefore: () => void) => void): void {
  init(kernelBytes());
  let before = -1;
  body(() => (before = backendInfo().memoryBytes));
  expect(before, 'the case notes memory before its call').toBeGreaterThan(0);
  if (grows) expect(backendInfo().memoryBytes, 'the call grew wasm memory').toBeGreaterThan(before);
}

afterAll(() => init(kernelBytes()));

describe('workspace views given to calls that grow wasm memory (issue 16, item 3)', () => {
  for (const wsBackend of BACKENDS) {
    for (const backend of BACKENDS) {
      const grows = wsBackend === 'wasm' && backend === 'wasm';
      const pair = `workspace on ${wsBackend}, call on ${backend}`;

      it(`${pair}: an accumulator's update reads predictions and labels (its per-class sums grow memory)`, () => {
        onFreshKernel(grows, (memoryBefore) => {
          const ws = createWorkspace({ rows: 2, classes: K, backend: wsBackend });
          const p = ws.predictions;
          p.fill(1 / K);
          p[0] = 0.5;
          p[K + 1] = 0.25;
          ws.labels.set([0, 1]);
          const acc = createFocalLossAccumulator({ backend });
          memoryBefore();
          acc.update(ws.labels, ws.predictions);
          near(acc.result('sum'), fl(0.5) + fl(0.25), 1e-15, 'sum');
          expect(acc.summary().perClass.slice(0, 2).map((c) => c.count)).toEqual([1, 1]);
          ws.dispose();
        });
      });

      it(`${pair}: focalLossGrad with labels, f32 predictions, sampleWeight and gradOut all in workspaces (wider rows grow memory)`, () => {
        onFreshKernel(grows, (memoryBefore) => {
          const ws = createWorkspace({ rows: 2, classes: K, dtype: 'f32', gradients: true, backend: wsBackend });
          const weights = createWorkspace({ rows: 1, classes: 1, backend: wsBackend });
          // Views are taken after the last workspace was made (making one can grow memory too).
          const p = ws.predictions;
          p.fill(1 / (2 * K));
          p[0] = 0.5;
          ws.labels.set([0, 1]);
          weights.predictions[0] = 3;
          memoryBefore();
          // The 2K predictions as one sample of 2K classes: rows twice as wide as the workspace's.
          const { loss, grad } = focalLossGrad(ws.labels.subarray(0, 1), ws.predictions, {
            classes: 2 * K, reduction: 'weightedMean', sampleWeight: weights.predictions, gradOut: ws.gradients, backend,
          });
          near(loss, fl(0.5), 1e-15, 'loss');
          const written = ws.gradients;
          for (const g of [grad, written]) {
            near(g[0], dfl(0.5), 2 ** -23, 'grad[0]');
            expect(g.length).toBe(2 * K);
            expect(g.subarray(1).every((v) => v === 0), 'every other entry is 0').toBe(true);
          }
          ws.dispose();
          weights.dispose();
        });
      });

      it(`${pair}: binaryFocalLoss with rows cut from a workspace's predictions (its K-wide targets grow memory)`, () => {
        onFreshKernel(grows, (memoryBefore) => {
          const ws = createWorkspace({ rows: 2, classes: K, backend: wsBackend });
          ws.predictions.fill(0.5);
          const targets = [new Array<number>(K).fill(1), new Array<number>(K).fill(0)];
          memoryBefore();
          const p = ws.predictions;
          const loss = binaryFocalLoss(targets, [p.subarray(0, K), p.subarray(K)], { reduction: 'sum', backend });
          // Every element: p_t = 0.5.
          near(loss as number, 2 * K * fl(0.5), 1e-12, 'sum');
          ws.dispose();
        });
      });
    }
  }
});

describe('views of a detached ArrayBuffer are TypeErrors naming the argument, not empty arrays', () => {
  const detached = <T extends Float64Array | Int32Array>(view: T): T => {
    structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
    return view;
  };
  const DETACHED = /is a view of a detached ArrayBuffer .*take the view again just before the call/;

  for (const backend of BACKENDS) {
    it(`${backend}: yTrue, yPred, sampleWeight or gradOut transferred away`, () => {
      const rows = [[0.7, 0.3], [0.4, 0.6]];
      const cases: Array<[string, () => unknown]> = [
        ['yTrue', () => focalLossGrad(detached(Int32Array.of(0, 1)), rows, { backend })],
        ['yPred', () => focalLossGrad([0, 1], detached(Float64Array.of(0.7, 0.3, 0.4, 0.6)), { backend })],
        ['sampleWeight', () => focalLossGrad([0, 1], rows, { backend, sampleWeight: detached(Float64Array.of(1, 1)) })],
        ['gradOut', () => focalLossGrad([0, 1], rows, { backend, gradOut: detached(new Float64Array(4)) })],
      ];
      for (const [name, call] of cases) {
        expect(call, name).toThrow(TypeError);
        expect(call, name).toThrow(new RegExp(`^focalLossGrad: ${name} ${DETACHED.source}`));
      }
      // An empty typed array that is not detached is the shape error it was.
      expect(() => focalLossGrad([0, 1], rows, { backend, sampleWeight: new Float64Array(0) })).toThrow(/sampleWeight has 0 weights/);
    });
  }

  it('wasm: ws.gradients read first after the predictions (its first read grows memory) names the detached view', () => {
    init(kernelBytes());
    const ws = createWorkspace({ rows: 2, classes: K });
    ws.predictions.fill(0.5);
    const call = () => focalLossGrad(ws.labels, ws.predictions, { gradOut: ws.gradients });
    expect(call).toThrow(new RegExp(`^focalLossGrad: yTrue ${DETACHED.source}`));
    // The gradients exist now: the same call reads every view where it is.
    near(call().loss as number, fl(0.5), 1e-15, 'loss');
    ws.dispose();
  });
});
