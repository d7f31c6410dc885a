// A pool's life: workers started lazily, close() (also while starting or with calls in flight),
// a worker that crashes mid-call, a process that exits with or without close(), and the
// fallback to the calling thread where Node has no process.getBuiltinModule. Calls are held in
// flight by construction (holdParts), never by a timer. Uses the build (dist/), whose worker
// script the pool's workers load.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFocalLossPool, focalLoss, type FocalLossPool } from '../../dist/index.js';
import { root } from '../packed.js';
import { d, expectSame, shared } from './pool-helpers.js';

const WORKERS = Symbol.for('focal-loss-wasm.pool.workers');
type NodeWorker = { terminate(): Promise<number>; postMessage(value: unknown): void; once(event: 'exit', listener: () => void): void };
/** The pool's Worker objects (null where none runs), through the key the pool keeps for tests. */
const workersOf = (pool: FocalLossPool) => (pool as unknown as Record<symbol, () => Array<NodeWorker | null>>)[WORKERS]();

type WaitAsync = (view: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };

/**
 * Holds the next part each worker of the pool runs (worker.ts's test-only 'hold' message), so
 * that a call is in flight by construction, not by a timer: `started` resolves with the index
 * of a worker that is computing a part; release() lets the held workers go and disarms the others.
 */
function holdParts(pool: FocalLossPool): { started: Promise<number>; release(): void } {
  const flags = workersOf(pool).map((worker) => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    worker!.postMessage({ type: 'hold', flag });
    return flag;
  });
  const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  const started = Promise.race(flags.map(async (flag, k) => {
    const wait = waitAsync(flag, 0, 0);
    if (wait.async) await wait.value;
    return k;
  }));
  const release = () => {
    for (const flag of flags) {
      Atomics.store(flag, 0, 2);
      Atomics.notify(flag, 0);
    }
  };
  return { started, release };
}

describe('starting and closing', () => {
  it('creating a pool starts no thread; ready() starts them, in later tasks', async () => {
    const pool = createFocalLossPool({ workers: 3 });
    expect(workersOf(pool)).toEqual([null, null, null]);
    expect(pool.info()).toEqual({ workers: 3, threads: 'worker_threads', sharedMemory: true });
    const ready = pool.ready();
    expect(workersOf(pool)).toEqual([null, null, null]);
    expect(await ready).toEqual({ workers: 3, threads: 'worker_threads', sharedMemory: true, backend: 'wasm' });
    const workers = workersOf(pool);
    expect(workers.every((w) => w !== null)).toBe(true);
    expect(new Set(workers).size).toBe(3);
    await pool.close();
  });

  it('the first call starts the workers too', async () => {
    const pool = createFocalLossPool({ workers: 2 });
    expectSame(await pool.focalLoss(d.labels, d.probabilities, { gamma: 1.5 }), focalLoss(d.labels, d.probabilities, { gamma: 1.5 }), 'first call');
    expect(workersOf(pool).every((w) => w !== null)).toBe(true);
    expect(pool.info()).toEqual({ workers: 2, threads: 'worker_threads', sharedMemory: true, backend: 'wasm' });
    await pool.close();
  });

  it('256 workers are accepted and cost nothing until used', async () => {
    const pool = createFocalLossPool({ workers: 256 });
    expect(pool.info()).toMatchObject({ workers: 256, threads: 'worker_threads' });
    expect(workersOf(pool).filter((w) => w !== null)).toEqual([]);
    await pool.close();
    expect(await pool.ready()).toEqual({ workers: 0, threads: 'worker_threads', sharedMemory: false, closed: true });
    expect(workersOf(pool)).toHaveLength(256);
    expect(workersOf(pool).filter((w) => w !== null)).toEqual([]);
  });

  it('info() and ready() after close(): no workers, and the pool says it is closed', async () => {
    const closed = { workers: 0, threads: 'worker_threads', sharedMemory: false, closed: true };
    const pool = createFocalLossPool({ workers: 2 });
    await pool.ready();
    const workers = workersOf(pool) as NodeWorker[];
    const exited = workers.map((w) => new Promise<void>((resolve) => w.once('exit', resolve)));
    await pool.close();
    await Promise.all(exited);
    expect(pool.info()).toEqual(closed);
    expect(await pool.ready()).toEqual(closed);
    expect(workersOf(pool)).toEqual([null, null]);
  });

  it('close() while the workers are starting: ready() resolves, and no worker is left', async () => {
    const pool = createFocalLossPool({ workers: 2 });
    const ready = pool.ready();
    await pool.close();
    expect(await ready).toEqual({ workers: 0, threads: 'worker_threads', sharedMemory: false, closed: true });
    expect(workersOf(pool)).toEqual([null, null]);
  });
});

describe('crashes, close() and fallback', () => {
  it('a worker terminated mid-call: the call rejects, the worker is replaced, the next call works', async () => {
    const pool = createFocalLossPool({ workers: 2 });
    await pool.ready();
    const labels = shared(Int32Array.from(d.labels));
    const logits = shared(d.logits);
    const before = workersOf(pool);
    const held = holdParts(pool);
    const call = pool.focalLoss(labels, logits, { fromLogits: true });
    const k = await held.started; // worker k is computing a part of the call, and waits
    void before[k]!.terminate();
    await expect(call).rejects.toThrow(/^focalLoss: a pool worker stopped during the call \(it exited with code 1\); it has been replaced$/);
    held.release();
    const after = workersOf(pool);
    expect(after[1 - k]).toBe(before[1 - k]);
    expect(after[k]).not.toBe(before[k]);
    expectSame(await pool.focalLoss(labels, logits, { fromLogits: true }), focalLoss(labels, logits, { fromLogits: true }), 'after the crash');
    expect(pool.info().workers).toBe(2);
    await pool.close();
  });

  it('an uncaught exception in a worker: the same', async () => {
    const pool = createFocalLossPool({ workers: 2 });
    await pool.ready();
    const call = pool.focalLoss(shared(Int32Array.from(d.labels)), shared(Float64Array.from(d.probabilities)));
    // Every worker's handler throws on this message, uncaught, before it reads a part: the call
    // posts its parts in this task's microtasks, and the pool can only learn of a crash in a later task.
    for (const worker of workersOf(pool)) worker!.postMessage(null);
    await expect(call).rejects.toThrow(/^focalLoss: a pool worker stopped during the call \(it threw an uncaught TypeError: .*\); it has been replaced$/);
    expectSame(await pool.focalLoss(d.labels, d.probabilities), focalLoss(d.labels, d.probabilities), 'after the crash');
    await pool.close();
  });

  it('close(): calls in flight reject, later calls reject, and the workers are gone', async () => {
    const pool = createFocalLossPool({ workers: 2 });
    await pool.ready();
    const workers = workersOf(pool) as NodeWorker[];
    const exited = workers.map((w) => new Promise<void>((resolve) => w.once('exit', resolve)));
    const held = holdParts(pool);
    const call = pool.focalLoss(d.labels, d.probabilities).catch((e: Error) => e);
    await held.started; // a worker is computing a part of the call, and waits: the call is in flight
    await pool.close();
    await Promise.all(exited);
    expect(await call).toEqual(new Error('focalLoss: the pool was closed during the call'));
    await expect(pool.focalLoss(d.labels, d.probabilities)).rejects.toThrow('focalLoss: this pool is closed (close() was called); create a new pool');
    await expect(pool.binaryFocalLoss([1], [0.5])).rejects.toThrow(/^binaryFocalLoss: this pool is closed/);
  });

  // A child that does not exit is what these tests detect: the time limit only turns a hang into a failure.
  const LIMIT_MS = 60_000;
  const child = (script: string) =>
    new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const proc = execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: LIMIT_MS }, (error, stdout) => {
        if (error && error.killed) reject(new Error(`the child did not exit (killed after ${LIMIT_MS} ms): something keeps it alive`));
        else resolve({ code: proc.exitCode, stdout: stdout.trim() });
      });
    });
  /**
   * In the child: what holds its event loop (a timer, a handle), besides its stdout and the
   * workers' message ports (listed until they close, in a later task; a worker is not listed,
   * so that the child exits is what shows that no worker holds it).
   */
  const keptAlive = `process.getActiveResourcesInfo().filter((r) => !/^(PipeWrap|TTYWrap|MessagePort)$/.test(r))`;
  const entry = JSON.stringify(new URL('dist/index.js', `file://${join(root, '/')}`).href);

  it('a process that creates a pool, calls it and closes it exits, with nothing left running once close() resolves', async () => {
    const { code, stdout } = await child(
      `import { createFocalLossPool } from ${entry};
       const pool = createFocalLossPool({ workers: 2 });
       const loss = await pool.focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], 0);
       await pool.close();
       console.log(JSON.stringify({ loss, alive: ${keptAlive} }));`,
    );
    expect(code).toBe(0);
    const { loss, alive } = JSON.parse(stdout);
    expect(loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.6)) / 2, 14);
    expect(alive).toEqual([]);
  });

  it('a pool that is never closed does not keep an idle process alive', async () => {
    const { code, stdout } = await child(
      `import { createFocalLossPool } from ${entry};
       const pool = createFocalLossPool({ workers: 2 });
       const loss = await pool.focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], 0);
       console.log(JSON.stringify({ loss, alive: ${keptAlive} }));`,
    );
    expect(code).toBe(0);
    const { loss, alive } = JSON.parse(stdout);
    expect(loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.6)) / 2, 14);
    expect(alive).toEqual([]);
  });

  it('without process.getBuiltinModule (Node < 20.16) it runs on the calling thread and says why', async () => {
    const { code, stdout } = await child(
      `delete process.getBuiltinModule;
       import(${entry}).then(async ({ createFocalLossPool, focalLoss }) => {
         const pool = createFocalLossPool();
         const value = await pool.focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], { reduction: 'sum' });
         const info = pool.info();
         await pool.close();
         console.log(JSON.stringify({ info, closed: pool.info(), same: value === focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], { reduction: 'sum' }) }));
       });`,
    );
    expect(code).toBe(0);
    const { info, closed, same } = JSON.parse(stdout);
    expect(same).toBe(true);
    expect(info).toMatchObject({ workers: 0, threads: 'main-thread', sharedMemory: false, backend: 'wasm' });
    expect(info.reason).toMatch(/has no process.getBuiltinModule/);
    expect(closed).toEqual({ workers: 0, threads: 'main-thread', sharedMemory: false, reason: info.reason, closed: true });
  });
});
