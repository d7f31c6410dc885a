// createFocalLossPool on Node worker_threads, against the one-shot calls. The pool's workers
// load the compiled worker script, so this suite uses the build (dist/), as a user would.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryFocalLoss, createFocalLossPool, focalLoss, type FocalLossPool } from '../../dist/index.js';
import { root } from '../packed.js';

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

/** mulberry32, so every run sees the same batches. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shared<T extends Float64Array | Float32Array | Int32Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

interface Data {
  n: number;
  classes: number;
  labels: number[];
  probabilities: Float64Array;
  logits: Float32Array;
  targets: number[][];
  weights: number[];
}

function data(n: number, classes: number, seed = 7): Data {
  const rand = random(seed);
  const labels = Array.from({ length: n }, () => Math.floor(rand() * classes));
  const probabilities = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += probabilities[i * classes + c] = rand() ** 2 + 1e-3;
    for (let c = 0; c < classes; c++) probabilities[i * classes + c] /= total;
  }
  const logits = Float32Array.from({ length: n * classes }, () => (rand() - 0.5) * 16);
  const targets = Array.from({ length: n }, (_, i) => {
    const row = Array.from({ length: classes }, () => rand());
    const sum = row.reduce((a, b) => a + b, 0);
    return i % 3 === 0 ? row.map((_, c) => (c === labels[i] ? 1 : 0)) : row.map((v) => v / sum);
  });
  const weights = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : rand() * 3));
  return { n, classes, labels, probabilities, logits, targets, weights };
}

const rowsOf = (flat: ArrayLike<number>, n: number, c: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(Array.prototype.slice.call(flat, i * c, (i + 1) * c) as number[]));
const typedRowsOf = (flat: Float32Array | Float64Array, n: number, c: number) =>
  Array.from({ length: n }, (_, i) => flat.subarray(i * c, (i + 1) * c));

function expectSame(actual: unknown, expected: number | Float64Array, label: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, label).toBe('number');
    const a = actual as number;
    if (expected === 0 || !Number.isFinite(expected)) expect(a, label).toBe(expected);
    else expect(Math.abs(a - expected) / Math.abs(expected), `${label}: ${a} vs ${expected}`).toBeLessThanOrEqual(1e-12);
    return;
  }
  expect(actual, label).toBeInstanceOf(Float64Array);
  const a = actual as Float64Array;
  expect(a.length, label).toBe(expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== expected[i] && Math.abs(a[i] - expected[i]) > 1e-12 * Math.abs(expected[i])) {
      expect(a[i], `${label}[${i}]`).toBe(expected[i]);
    }
  }
}

/** The one-shot call's error, or null. */
function thrown(call: () => unknown): Error | null {
  try {
    call();
    return null;
  } catch (error) {
    return error as Error;
  }
}

async function expectSameError(pooled: Promise<unknown>, oneShot: () => unknown, label = ''): Promise<void> {
  const expected = thrown(oneShot);
  expect(expected, `${label}: the one-shot call must throw`).not.toBeNull();
  const error = await pooled.then(() => null, (e: Error) => e);
  expect(error, `${label}: the pool must reject`).not.toBeNull();
  expect(error!.constructor, label).toBe(expected!.constructor);
  expect(error!.message, label).toBe(expected!.message);
}

const REDUCTIONS = ['mean', 'sum', 'none', 'weightedMean'] as const;

const pools: FocalLossPool[] = [];
beforeAll(async () => {
  for (let workers = 1; workers <= 4; workers++) pools.push(createFocalLossPool({ workers }));
  await Promise.all(pools.map((p) => p.ready()));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('createFocalLossPool', () => {
  it('starts worker_threads, with the wasm kernel posted to each', async () => {
    for (const [k, pool] of pools.entries()) {
      expect(pool.info()).toEqual({ workers: k + 1, threads: 'worker_threads', sharedMemory: true, backend: 'wasm' });
    }
  });

  it('checks its options: workers from 1 to 256', () => {
    const range = 'workers must be an integer from 1 to 256 (leave it out for one worker per core)';
    expect(() => createFocalLossPool({ workers: 0 })).toThrow(new RangeError(`createFocalLossPool: ${range}, got 0`));
    expect(() => createFocalLossPool({ workers: 257 })).toThrow(new RangeError(`createFocalLossPool: ${range}, got 257`));
    expect(() => createFocalLossPool({ workers: 1e6 })).toThrow(new RangeError(`createFocalLossPool: ${range}, got 1000000`));
    expect(() => createFocalLossPool({ workers: 2.5 })).toThrow(new RangeError(`createFocalLossPool: ${range}, got 2.5`));
    expect(() => createFocalLossPool({ workers: '2' as never })).toThrow(TypeError);
    expect(() => createFocalLossPool({ worker: 2 } as never)).toThrow(/unknown option "worker" \(did you mean "workers"\?\)/);
    expect(() => createFocalLossPool({ module: new Uint8Array(8) as never })).toThrow(/module must be a WebAssembly.Module/);
  });
});

// 20,011 rows of 10 classes: 5 chunks of 4096 rows, so 1-4 workers get uneven slices.
const N = 20_011;
const C = 10;
const d = data(N, C);
const alpha = Array.from({ length: C }, (_, c) => 0.25 + c / 20);

type Layout = [string, unknown, unknown];
const layouts: Layout[] = [
  ['number[] labels, number[][] rows', d.labels, rowsOf(d.probabilities, N, C)],
  ['Int32Array labels, flat Float64Array', Int32Array.from(d.labels), d.probabilities],
  ['number[] labels, flat Float32Array', d.labels, Float32Array.from(d.probabilities)],
  ['number[] labels, flat number[]', d.labels, Array.from(d.probabilities)],
  ['Int32Array labels, Float32Array rows', Int32Array.from(d.labels), typedRowsOf(Float32Array.from(d.probabilities), N, C)],
  ['SAB Int32Array labels, SAB Float64Array', shared(Int32Array.from(d.labels)), shared(Float64Array.from(d.probabilities))],
  ['SAB Int32Array labels, SAB Float32Array', shared(Int32Array.from(d.labels)), shared(Float32Array.from(d.probabilities))],
  ['number[] labels, SAB Float64Array', d.labels, shared(Float64Array.from(d.probabilities))],
  ['SAB Int32Array labels, rows viewing a SAB', shared(Int32Array.from(d.labels)), typedRowsOf(shared(Float64Array.from(d.probabilities)), N, C)],
];

const optionSets: Array<[string, Record<string, unknown>]> = [
  ['defaults', {}],
  ['γ = 1.5, per-class α', { gamma: 1.5, alpha }],
  ['γ = 0, scalar α, epsilon auto', { gamma: 0, alpha: 0.25, epsilon: 'auto' }],
  ['ignoreIndex, sampleWeight', { gamma: 2, ignoreIndex: 3, sampleWeight: d.weights }],
  ['labelSmoothing, α', { gamma: 2.5, labelSmoothing: 0.1, alpha }],
  ['checkRows, backend js', { checkRows: true, backend: 'js' }],
  ['SAB sampleWeight, backend wasm', { gamma: 1, sampleWeight: shared(Float64Array.from(d.weights)), backend: 'wasm' }],
];

describe('equals focalLoss (1e-12) for every reduction, option, layout and worker count', () => {
  for (const [name, yTrue, yPred] of layouts) {
    it(name, async () => {
      for (const [optionsName, options] of optionSets) {
        for (const reduction of REDUCTIONS) {
          const o = { ...options, reduction };
          const expected = focalLoss(yTrue as never, yPred as never, o as never) as number | Float64Array;
          const results = await Promise.all(pools.map((p) => p.focalLoss(yTrue as never, yPred as never, o as never)));
          results.forEach((r, k) => expectSame(r, expected, `${optionsName}, ${reduction}, ${k + 1} workers`));
        }
        // normalizer (reduction 'mean' only)
        const o = { ...options, normalizer: 1234.5 };
        const expected = focalLoss(yTrue as never, yPred as never, o as never);
        for (const [k, p] of pools.entries()) expectSame(await p.focalLoss(yTrue as never, yPred as never, o as never), expected, `${optionsName}, normalizer, ${k + 1} workers`);
      }
    });
  }

  it('logits (flat Float32Array, SAB, nested rows), with every reduction', async () => {
    const inputs: Array<[string, unknown, unknown]> = [
      ['Float32Array', Int32Array.from(d.labels), d.logits],
      ['SAB Float32Array', shared(Int32Array.from(d.labels)), shared(d.logits)],
      ['number[][]', d.labels, rowsOf(d.logits, N, C)],
    ];
    for (const [name, yTrue, yPred] of inputs) {
      for (const options of [{ fromLogits: true }, { fromLogits: true, gamma: 1.5, alpha, sampleWeight: d.weights, ignoreIndex: 0 }]) {
        for (const reduction of REDUCTIONS) {
          const o = { ...options, reduction };
          const expected = focalLoss(yTrue as never, yPred as never, o as never) as number | Float64Array;
          for (const [k, p] of pools.entries()) expectSame(await p.focalLoss(yTrue as never, yPred as never, o as never), expected, `${name}, ${reduction}, ${k + 1} workers`);
        }
      }
    }
  });

  it('target rows (one-hot and soft), with label smoothing and weights', async () => {
    for (const options of [{}, { labelSmoothing: 0.2, alpha, sampleWeight: d.weights }, { fromLogits: true, gamma: 1.5 }]) {
      const yPred = 'fromLogits' in options ? d.logits : d.probabilities;
      for (const reduction of REDUCTIONS) {
        const o = { ...options, reduction };
        const expected = focalLoss(d.targets, yPred, o as never) as number | Float64Array;
        for (const [k, p] of pools.entries()) expectSame(await p.focalLoss(d.targets, yPred, o as never), expected, `${reduction}, ${k + 1} workers`);
      }
    }
  });

  it('inputs that are not all numbers (entries the loss never reads) and mixed rows: copied as they are', async () => {
    const nested = rowsOf(d.probabilities, N, C) as unknown[][];
    const flat: unknown[] = Array.from(d.probabilities);
    for (const i of [10, 9_000, 19_500]) {
      const other = (d.labels[i] + 1) % C;
      nested[i][other] = 'not read';
      flat[i * C + other] = null;
    }
    const mixed = rowsOf(d.probabilities, N, C).map((row, i) => (i % 2 ? Float32Array.from(row) : i % 3 ? Float64Array.from(row) : row));
    const oneHot = d.labels.map((t) => Uint8Array.from({ length: C }, (_, c) => (c === t ? 1 : 0)));
    const cases: Array<[string, unknown, unknown]> = [
      ['nested', d.labels, nested], ['flat', d.labels, flat], ['mixed rows', d.labels, mixed], ['Uint8Array target rows', oneHot, d.probabilities],
    ];
    for (const [name, yTrue, yPred] of cases) {
      for (const reduction of REDUCTIONS) {
        const expected = focalLoss(yTrue as never, yPred as never, { reduction, gamma: 1.5 }) as number | Float64Array;
        for (const [k, p] of pools.entries()) expectSame(await p.focalLoss(yTrue as never, yPred as never, { reduction, gamma: 1.5 }), expected, `${name}, ${reduction}, ${k + 1} workers`);
      }
    }
  });

  it('concurrent calls on one pool, each with its own result or error', async () => {
    const pool = pools[2];
    const badLabels = d.labels.slice();
    badLabels[N - 1] = -7;
    const calls: Array<[Promise<unknown>, () => unknown]> = [];
    for (let k = 0; k < 6; k++) {
      const o = { gamma: k / 2, reduction: REDUCTIONS[k % 4] };
      calls.push([pool.focalLoss(d.labels, shared(Float64Array.from(d.probabilities)), o), () => focalLoss(d.labels, d.probabilities, o)]);
      calls.push([pool.focalLoss(badLabels, d.probabilities, o), () => focalLoss(badLabels, d.probabilities, o)]);
    }
    // Settled as they come (a rejection is handled before the next call is awaited).
    const settled = calls.map(([pooled]) => pooled.then((value) => ({ value }), (error: Error) => ({ error })));
    for (const [k, [, oneShot]] of calls.entries()) {
      const outcome = (await settled[k]) as { value?: unknown; error?: Error };
      if (k % 2) await expectSameError(Promise.reject(outcome.error), oneShot, `call ${k}`);
      else expectSame(outcome.value, oneShot() as number | Float64Array, `call ${k}`);
    }
  });

  it('copied inputs in many parts (100 classes: chunks of 655 rows, parts of 4 chunks), buffers reused across parts and calls', async () => {
    const wide = data(20_011, 100, 5);
    const layouts: Array<[string, unknown, unknown]> = [
      ['Float64Array', Int32Array.from(wide.labels), wide.probabilities],
      ['Float32Array', wide.labels, Float32Array.from(wide.probabilities)],
      ['number[][]', wide.labels, rowsOf(wide.probabilities, 20_011, 100)],
      ['logits', Int32Array.from(wide.labels), Float32Array.from(wide.logits)],
    ];
    for (const [name, yTrue, yPred] of layouts) {
      for (const reduction of REDUCTIONS) {
        const o = { reduction, gamma: 1.5, sampleWeight: wide.weights, fromLogits: name === 'logits' };
        const expected = focalLoss(yTrue as never, yPred as never, o as never) as number | Float64Array;
        for (const [k, p] of pools.entries()) expectSame(await p.focalLoss(yTrue as never, yPred as never, o as never), expected, `${name}, ${reduction}, ${k + 1} workers`);
      }
    }
    const bad = wide.labels.slice();
    bad[20_000] = 100;
    for (const p of pools) await expectSameError(p.focalLoss(bad, wide.probabilities), () => focalLoss(bad, wide.probabilities), 'last part');
  });

  it('the positional form (gamma, alpha)', async () => {
    const expected = focalLoss(d.labels, d.probabilities, 1.5, alpha);
    for (const p of pools) expectSame(await p.focalLoss(d.labels, d.probabilities, 1.5, alpha), expected, 'positional');
  });

  it('tiny batches (1, 2, 3 rows) and one class', async () => {
    for (const n of [1, 2, 3]) {
      const small = data(n, 3, n);
      for (const reduction of REDUCTIONS) {
        const expected = focalLoss(small.labels, rowsOf(small.probabilities, n, 3), { reduction }) as number | Float64Array;
        for (const p of pools) expectSame(await p.focalLoss(small.labels, rowsOf(small.probabilities, n, 3), { reduction }), expected, `n = ${n}`);
      }
    }
    for (const p of pools) expectSame(await p.focalLoss([0, 0], [0.5, 0.25]), focalLoss([0, 0], [0.5, 0.25]), 'C = 1');
  });

  it('wide rows (chunks of one row): 9 rows × 70,000 classes', async () => {
    const wide = data(9, 70_000, 3);
    const expected = focalLoss(wide.labels, wide.probabilities, { reduction: 'none' });
    for (const p of pools) expectSame(await p.focalLoss(wide.labels, shared(wide.probabilities), { reduction: 'none' }), expected, 'wide');
    for (const p of pools) expectSame(await p.focalLoss(wide.labels, wide.probabilities, { gamma: 1.5 }), focalLoss(wide.labels, wide.probabilities, { gamma: 1.5 }), 'wide mean');
  });

  it('an infinite loss stays infinite (epsilon 0, p_t = 0)', async () => {
    const probabilities = Float64Array.from(d.probabilities);
    probabilities[(N - 5) * C + d.labels[N - 5]] = 0;
    for (const reduction of ['mean', 'sum'] as const) {
      for (const p of pools) expect(await p.focalLoss(d.labels, probabilities, { epsilon: 0, reduction })).toBe(Infinity);
    }
  });
});

describe('equals binaryFocalLoss (1e-12)', () => {
  const K = 4;
  const bd = data(N, K, 11);
  const targets = Float64Array.from(bd.probabilities, (p, i) => (i % 5 === 0 ? p : p > 0.25 ? 1 : 0));
  const nestedTargets = rowsOf(targets, N, K);
  const cases: Array<[string, unknown, unknown, Record<string, unknown>]> = [
    ['flat Float64Array (each element a sample)', targets, bd.probabilities, {}],
    ['flat with classes: K', targets, bd.probabilities, { classes: K }],
    ['rows of K (number[][])', nestedTargets, rowsOf(bd.probabilities, N, K), {}],
    ['SAB flat with classes: K, logits', shared(targets), shared(Float32Array.from(bd.logits.subarray(0, N * K))), { classes: K, fromLogits: true }],
    ['flat number[] logits', Array.from(targets), Array.from(bd.logits.subarray(0, N * K)), { fromLogits: true }],
  ];
  for (const [name, yTrue, yPred, base] of cases) {
    it(name, async () => {
      const perSample = 'classes' in base || Array.isArray((yTrue as unknown[])[0]);
      const weights = perSample ? bd.weights : Array.from({ length: N * K }, (_, i) => (i % 7) / 3);
      for (const options of [base, { ...base, gamma: 1.5, alpha: 0.25, labelSmoothing: 0.05, sampleWeight: weights }]) {
        for (const reduction of REDUCTIONS) {
          const o = { ...options, reduction };
          const expected = binaryFocalLoss(yTrue as never, yPred as never, o as never) as number | Float64Array;
          for (const [k, p] of pools.entries()) expectSame(await p.binaryFocalLoss(yTrue as never, yPred as never, o as never), expected, `${reduction}, ${k + 1} workers`);
        }
      }
    });
  }
});

describe('bad input: the same TypeError / RangeError, with the batch\'s row numbers', () => {
  const big = {
    focalLoss: (...args: unknown[]) => (pools[3].focalLoss as (...a: unknown[]) => Promise<unknown>)(...args),
    binaryFocalLoss: (...args: unknown[]) => (pools[3].binaryFocalLoss as (...a: unknown[]) => Promise<unknown>)(...args),
  };
  const bad = (index: number, value: unknown) => {
    const labels: unknown[] = d.labels.slice();
    labels[index] = value;
    return labels;
  };

  it('a bad label in the last worker\'s slice (number[], Int32Array, SAB Int32Array)', async () => {
    const labels = bad(N - 3, 10);
    for (const yTrue of [labels, Int32Array.from(labels as number[]), shared(Int32Array.from(labels as number[]))]) {
      for (const p of pools) await expectSameError(p.focalLoss(yTrue as never, d.probabilities), () => focalLoss(yTrue as never, d.probabilities), 'label');
      const error = await big.focalLoss(yTrue as never, d.probabilities).catch((e: Error) => e);
      expect((error as Error).message).toMatch(new RegExp(`yTrue\\[${N - 3}\\] = 10 is not a class index`));
    }
  });

  it('values the kernel rejects (probability, logit) and the JS checks reject (type, ragged row, weight)', async () => {
    const probabilities = Float64Array.from(d.probabilities);
    probabilities[(N - 100) * C + d.labels[N - 100]] = 1.5;
    const logits = Float32Array.from(d.logits);
    logits[(15_000) * C + 4] = NaN;
    const nested = rowsOf(d.probabilities, N, C) as unknown[][];
    nested[13_000] = nested[13_000].slice(0, 9);
    const typed = rowsOf(d.probabilities, N, C) as unknown[][];
    typed[19_999][d.labels[19_999]] = '0.5';
    const weights: unknown[] = d.weights.slice();
    weights[18_000] = -1;
    const calls: Array<[string, (pool: FocalLossPool | null) => unknown]> = [
      ['probability > 1 (Float64Array)', (p) => (p ? p.focalLoss(d.labels, probabilities) : focalLoss(d.labels, probabilities))],
      ['probability > 1 (SAB)', (p) => {
        const sab = shared(probabilities);
        return p ? p.focalLoss(d.labels, sab) : focalLoss(d.labels, sab);
      }],
      ['NaN logit', (p) => (p ? p.focalLoss(d.labels, logits, { fromLogits: true }) : focalLoss(d.labels, logits, { fromLogits: true }))],
      ['ragged row', (p) => (p ? p.focalLoss(d.labels, nested as never) : focalLoss(d.labels, nested as never))],
      ['a string probability', (p) => (p ? p.focalLoss(d.labels, typed as never) : focalLoss(d.labels, typed as never))],
      ['a negative weight', (p) => (p ? p.focalLoss(d.labels, d.probabilities, { sampleWeight: weights as never }) : focalLoss(d.labels, d.probabilities, { sampleWeight: weights as never }))],
      ['checkRows', (p) => {
        const o = { checkRows: true, fromLogits: true };
        return p ? p.focalLoss(d.labels, d.probabilities, o) : focalLoss(d.labels, d.probabilities, o);
      }],
      ['binary target out of range', (p) => {
        const t = Float64Array.from({ length: N }, (_, i) => (i === N - 1 ? 2 : 0));
        return p ? p.binaryFocalLoss(t, d.probabilities.subarray(0, N)) : binaryFocalLoss(t, d.probabilities.subarray(0, N));
      }],
    ];
    for (const [name, call] of calls) {
      for (const [k, p] of pools.entries()) await expectSameError(call(p) as Promise<unknown>, () => call(null), `${name}, ${k + 1} workers`);
    }
  });

  it('two bad rows in different slices: the first one, as the one-shot call reports it', async () => {
    const labels = bad(17_000, -1);
    labels[5_000] = 2.5;
    const probabilities = Float64Array.from(d.probabilities);
    probabilities[4_100 * C + d.labels[4_100]] = NaN; // same chunk as label 5,000, and before it
    for (const yTrue of [labels, Int32Array.from(labels as number[])]) {
      for (const p of pools) await expectSameError(p.focalLoss(yTrue as never, probabilities), () => focalLoss(yTrue as never, probabilities), 'two errors');
    }
  });

  it('bad options and shapes, checked before any worker is asked', async () => {
    const calls: Array<(f: typeof focalLoss) => unknown> = [
      (f) => f(d.labels, d.probabilities, { gama: 2 } as never),
      (f) => f(d.labels, d.probabilities, { gamma: -1 }),
      (f) => f(d.labels, d.probabilities, { alpha: [1, 2] }),
      (f) => f(d.labels, d.probabilities, { reduction: 'sum', normalizer: 2 }),
      (f) => f(d.labels, d.probabilities, { sampleWeight: [1, 2, 3] }),
      (f) => f(d.targets, d.probabilities, { ignoreIndex: 0 }),
      (f) => f([], []),
      (f) => f(d.labels, new Float64Array(N * C + 1)),
      (f) => f(null as never, d.probabilities),
      (f) => f(d.labels, d.probabilities, 'mean' as never),
    ];
    for (const call of calls) {
      await expectSameError(call(big.focalLoss as never) as Promise<unknown>, () => call(focalLoss), String(call));
    }
    await expectSameError(big.binaryFocalLoss([0, 1], [0.5], {}), () => binaryFocalLoss([0, 1], [0.5], {}));
  });

  it('works normally after errors', async () => {
    expectSame(await big.focalLoss(d.labels, d.probabilities), focalLoss(d.labels, d.probabilities), 'after errors');
  });
});

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
