// createFocalLossPool in Chromium: Web Workers (module workers, the kernel posted to each),
// or, where they cannot start, the calling thread with the reason stated.
import { afterAll, describe, expect, it } from 'vitest';
import { binaryFocalLoss, createFocalLossPool, focalLoss, type FocalLossPoolInfo } from '../../src/index.js';

const n = 30_000;
const classes = 10;
const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % classes);
const logits = Float32Array.from({ length: n * classes }, (_, i) => Math.sin(i) * 6);
const rows = Array.from({ length: n }, (_, i) => {
  const row = Array.from({ length: classes }, (_, c) => 1 + ((i + c * 3) % 5));
  const total = row.reduce((a, b) => a + b, 0);
  return row.map((v) => v / total);
});

const close = (a: number, b: number) => expect(Math.abs(a - b) / Math.abs(b)).toBeLessThanOrEqual(1e-12);

const pool = createFocalLossPool({ workers: 2 });
afterAll(() => pool.close());

describe('createFocalLossPool in the browser', () => {
  it('runs on Web Workers, or says why it runs on the calling thread', async () => {
    const info = await pool.ready();
    if (info.threads === 'web-workers') {
      expect(info.workers).toBe(2);
      expect(info.backend).toBe('wasm');
      // Shared memory needs cross-origin isolation; without it SharedArrayBuffer inputs are copied.
      expect(info.sharedMemory).toBe(globalThis.crossOriginIsolated === true);
    } else {
      expect(info.threads).toBe('main-thread');
      expect(info.reason).toMatch(/\w/);
    }
    console.log(`pool in Chromium: ${JSON.stringify(info)}`);
  });

  it('gives focalLoss\'s results (1e-12) for every reduction', async () => {
    for (const reduction of ['mean', 'sum', 'weightedMean'] as const) {
      close(await pool.focalLoss(labels, logits, { fromLogits: true, reduction }), focalLoss(labels, logits, { fromLogits: true, reduction }));
      close(await pool.focalLoss(Array.from(labels), rows, { gamma: 1.5, reduction }), focalLoss(Array.from(labels), rows, { gamma: 1.5, reduction }));
    }
    const none = await pool.focalLoss(labels, logits, { fromLogits: true, reduction: 'none' });
    expect(none).toEqual(focalLoss(labels, logits, { fromLogits: true, reduction: 'none' }));
    const targets = Float64Array.from(logits, (v) => (v > 0 ? 1 : 0));
    close(await pool.binaryFocalLoss(targets, logits, { fromLogits: true, alpha: 0.25 }), binaryFocalLoss(targets, logits, { fromLogits: true, alpha: 0.25 }));
  });

  it('rejects bad input with the one-shot call\'s error', async () => {
    const bad = Array.from(labels);
    bad[n - 2] = classes;
    let expected: Error | null = null;
    try {
      focalLoss(bad, rows);
    } catch (error) {
      expected = error as Error;
    }
    const error = await pool.focalLoss(bad, rows).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(expected!.message);
    expect((error as Error).message).toContain(`yTrue[${n - 2}] = ${classes}`);
  });

  it('falls back to the calling thread when the worker script cannot load, and says so', async () => {
    const RealWorker = globalThis.Worker;
    // A Worker whose script fails to load, as a 404, a CSP block or a broken bundle would.
    globalThis.Worker = class extends RealWorker {
      constructor(_url: string | URL, options?: WorkerOptions) {
        super(URL.createObjectURL(new Blob(['import "./missing-file.js";'], { type: 'text/javascript' })), options);
      }
    };
    // The workers start with ready(), in later tasks: the stand-in stays until it resolves.
    const fallback = createFocalLossPool({ workers: 2 });
    let info: FocalLossPoolInfo;
    try {
      info = await fallback.ready();
    } finally {
      globalThis.Worker = RealWorker;
    }
    expect(info).toMatchObject({ workers: 0, threads: 'main-thread' });
    expect(info.reason).toMatch(/could not start/);
    close(await fallback.focalLoss(labels, logits, { fromLogits: true }), focalLoss(labels, logits, { fromLogits: true }));
    await fallback.close();
    expect(fallback.info()).toEqual({ workers: 0, threads: 'main-thread', sharedMemory: false, reason: info.reason, closed: true });
  });
});
