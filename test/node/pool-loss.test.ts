// createFocalLossPool on Node worker_threads (and its workers option checked): pools of 1 to 4
// workers give what the one-shot focalLoss and binaryFocalLoss give (within 1e-12), for every
// reduction, option, input layout and worker count. The pool's workers load the compiled worker
// script, so this suite uses the build (dist/), as a user would.
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, createFocalLossPool, focalLoss } from '../../dist/index.js';
import { C, d, data, expectSame, expectSameError, N, REDUCTIONS, rowsOf, shared, usePools } from './pool-helpers.js';

const typedRowsOf = (flat: Float32Array | Float64Array, n: number, c: number) =>
  Array.from({ length: n }, (_, i) => flat.subarray(i * c, (i + 1) * c));

const pools = usePools();

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
