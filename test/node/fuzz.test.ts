// Issue 8, item 15: every public function, every argument, arbitrary JS values and shapes.
//
// Property: a call either returns what its type says (a number >= 0, never NaN, finite unless
// the inputs can legitimately overflow; a Float64Array of such numbers; {loss, grad} with a
// NaN-free gradient; a workspace; a BackendInfo), or throws
//   - a TypeError or RangeError whose message starts with "<function>: " and names an argument
//     (and is never a raw engine message such as "Cannot mix BigInt ..."), or
//   - a plain Error that the README documents: a nested call refused ("... in progress"),
//     "backend wasm requested but ..." (not in Node), a workspace used after dispose(), or
//   - the very exception a hostile Proxy trap / getter / dataSync() of the input threw
//     (the library passes the caller's own exception through unchanged).
// Right after every call, known-good calls return their known values (written from the
// formula here) on every backend, a workspace made before the fuzzing still holds and computes
// its batch, and a fresh workspace works: a call that corrupts the library's state is caught
// at the input that did it.
//
// Failures are collected (not thrown at the first one) and grouped by a normalised message,
// so one run reports every distinct problem with a readable example of each; the test fails
// if there is any. FUZZ_SEED and FUZZ_RUNS (a multiplier) override the seed and the run count;
// FUZZ_SLOW=1 logs calls that take more than 20 ms.
//
// The inputs come from fuzz-arbitraries.ts (its hostile objects from fuzz-hostile.ts); the
// property is checked by fuzz-property.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { anyNumber, anyValue, mostly, plausible } from './fuzz-arbitraries.js';
import { BACKENDS, describeInput, labels, tag } from './fuzz-hostile.js';
import {
  afterCall, attempt, checkGrad, checkLoss, failures, inputs, isBackendInfo, kernelBytes, knownGood, makeStanding, outcomes, validateWorkspace,
} from './fuzz-property.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

// The modules init() gets besides arbitrary values: valid wasm that is not the kernel.
const EMPTY_MODULE = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
const IMPORTS_MODULE = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x6d, 1, 0x66, 0, 0);
const initSource = fc.oneof(
  { weight: 6, arbitrary: anyValue },
  { weight: 1, arbitrary: fc.constantFrom(EMPTY_MODULE, IMPORTS_MODULE, EMPTY_MODULE.buffer, kernelBytes().subarray(0, 100)) },
  { weight: 1, arbitrary: fc.constant(0).map(() => tag(new WebAssembly.Module(EMPTY_MODULE), 'WebAssembly.Module(empty)')) },
  { weight: 1, arbitrary: fc.constant(0).map(() => tag(new WebAssembly.Module(IMPORTS_MODULE), 'WebAssembly.Module(needs imports)')) },
);

// ---------------------------------------------------------------------------------------------

const runs = (n: number) => ({ numRuns: Math.round(n * SCALE), seed: SEED, endOnFailure: true });

describe('fuzz: every public function, arbitrary arguments (issue 8, item 15)', () => {
  beforeAll(() => {
    makeStanding();
    expect(knownGood(true)).toBeNull();
  });

  afterAll(() => {
    const summary = [...failures.entries()].map(([signature, { count, example }]) => `  ${count} × ${signature}\n      e.g. ${example}`);
    console.log(`fuzz (seed ${SEED}): ${inputs} inputs tried (${outcomes.returned} returned, ${outcomes.rejected} threw the library's error, ${outcomes.passedThrough} passed a trap's exception through), ${failures.size} distinct problems${summary.length ? `:\n${summary.join('\n')}` : ''}`);
  });

  it('focalLoss / focusedLoss: arbitrary values for every argument', () => {
    fc.assert(
      fc.property(fc.tuple(anyValue, anyValue, fc.oneof(anyValue, fc.constant(undefined)), fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyValue })), fc.boolean(), (args, alias) => {
        const f = alias ? lib.focusedLoss : lib.focalLoss;
        attempt('focalLoss', args, () => (f as (...a: unknown[]) => unknown)(...args), (r, o) => checkLoss(r, o, 'result'));
        afterCall('focalLoss', args);
      }),
      runs(900),
    );
  });

  it('focalLossGrad, binaryFocalLoss, binaryFocalLossGrad: arbitrary values for every argument', () => {
    fc.assert(
      fc.property(fc.constantFrom('focalLossGrad', 'binaryFocalLoss', 'binaryFocalLossGrad'), fc.tuple(anyValue, anyValue, fc.oneof(anyValue, fc.constant(undefined))), (fn, args) => {
        const f = lib[fn as 'focalLossGrad'] as (...a: unknown[]) => unknown;
        attempt(fn, args, () => f(...args), (r, o) => (fn === 'binaryFocalLoss' ? checkLoss(r, o, 'result') : checkGrad(r, o, fn)));
        afterCall(fn, args);
      }),
      runs(1200),
    );
  });

  it('createWorkspace, workspace methods, init, backendInfo, wasmBuild: arbitrary values', () => {
    const sizes = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
      { weight: 1, arbitrary: anyNumber },
      { weight: 1, arbitrary: fc.constantFrom(1e6, 600, 2 ** 29 + 8, 2 ** 31, 65536) },
    );
    const createOptions = fc.oneof(
      { weight: 3, arbitrary: fc.record({ rows: sizes, classes: sizes, dtype: mostly(fc.constantFrom('f64', 'f32'), 6), fromLogits: mostly(fc.boolean(), 6), gradients: mostly(fc.boolean(), 6), backend: mostly(fc.constantFrom('auto', 'wasm', 'js'), 6), dtpye: fc.constant('f32') }, { requiredKeys: ['rows', 'classes'] }) },
      { weight: 1, arbitrary: anyValue },
    );
    const action = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), options: createOptions, fill: fc.array(anyNumber, { maxLength: 12 }), labels: fc.array(fc.oneof(fc.integer({ min: -2, max: 8 }), anyNumber), { maxLength: 8 }), calls: fc.array(fc.tuple(fc.constantFrom('loss', 'lossAndGrad', 'predictions', 'labels', 'gradients', 'dispose'), fc.oneof({ weight: 3, arbitrary: plausible(false).map((p) => p.options) }, { weight: 2, arbitrary: anyValue }, { weight: 1, arbitrary: fc.constant(undefined) })), { maxLength: 4 }) }),
      fc.record({ kind: fc.constant('init' as const), source: initSource }),
      fc.record({ kind: fc.constant('info' as const), args: fc.array(anyValue, { maxLength: 2 }) }),
    );
    fc.assert(
      fc.property(action, (a) => {
        if (a.kind === 'init') {
          attempt('init', [a.source], () => lib.init(a.source as never), isBackendInfo);
          afterCall('init', [a.source]);
          return;
        }
        if (a.kind === 'info') {
          attempt('backendInfo', a.args, () => (lib.backendInfo as (...x: unknown[]) => unknown)(...a.args), isBackendInfo);
          attempt('wasmBuild', a.args, () => (lib.wasmBuild as (...x: unknown[]) => unknown)(...a.args), (r) => (r === 'simd' ? null : `returned ${describeInput(r)}`));
          afterCall('backendInfo', a.args);
          return;
        }
        const made: lib.Workspace[] = [];
        attempt('createWorkspace', [a.options], () => made[made.push(lib.createWorkspace(a.options as never)) - 1], validateWorkspace);
        for (const w of made) {
          try {
            if (w.rows * w.classes <= 1e5) {
              w.predictions.set(a.fill.slice(0, w.rows * w.classes).map((x) => (typeof x === 'number' ? x : 0)));
              w.labels.set(a.labels.slice(0, w.rows).map((x) => (typeof x === 'number' ? x : 0)));
              for (const [method, arg] of a.calls) {
                const fn = `workspace.${method}`;
                if (method === 'loss') attempt(fn, [arg], () => w.loss(arg as never), (r) => checkLoss(r, true, 'result'));
                else if (method === 'lossAndGrad') attempt(fn, [arg], () => w.lossAndGrad(arg as never), (r) => checkGrad(r, true, fn));
                else if (method === 'dispose') w.dispose();
                else attempt(fn, [], () => w[method as 'predictions'], (r) => (ArrayBuffer.isView(r) ? null : `returned ${describeInput(r)}`));
              }
            }
          } finally {
            w.dispose();
          }
        }
        afterCall('createWorkspace', [a.options]);
      }),
      runs(900),
    );
  });

  for (const binary of [false, true]) {
    const name = binary ? 'binaryFocalLoss / binaryFocalLossGrad' : 'focalLoss / focalLossGrad';
    it(`${name}: plausible batches with odd entries, holes, hostile getters and Proxies`, () => {
      fc.assert(
        fc.property(plausible(binary), fc.boolean(), (p, grad) => {
          const fn = binary ? (grad ? 'binaryFocalLossGrad' : 'binaryFocalLoss') : grad ? 'focalLossGrad' : 'focalLoss';
          let args: unknown[];
          if (p.form === 'none') args = [p.yTrue, p.yPred];
          else if (p.form === 'positional' && fn === 'focalLoss') args = [p.yTrue, p.yPred, ...p.positional];
          else args = [p.yTrue, p.yPred, p.options];
          const f = lib[fn as 'focalLoss'] as (...a: unknown[]) => unknown;
          attempt(fn, args, () => f(...args), (r, o) => (grad ? checkGrad(r, o, fn) : checkLoss(r, o, 'result')));
          afterCall(fn, args);
        }),
        runs(binary ? 1000 : 1400),
      );
    });
  }

  it('workspaces: plausible batches and options', () => {
    fc.assert(
      fc.property(plausible(false), fc.constantFrom(...BACKENDS), fc.constantFrom('f64', 'f32'), fc.boolean(), (p, backend, dtype, grad) => {
        const ws = lib.createWorkspace({ rows: p.n, classes: p.c, backend, dtype: dtype as lib.Dtype });
        try {
          ws.predictions.set(Array.from({ length: p.n * p.c }, (_, k) => {
            const rows = p.yPred as unknown;
            let v: unknown;
            try {
              v = ArrayBuffer.isView(rows) || (Array.isArray(rows) && !Array.isArray(rows[0]) && !ArrayBuffer.isView(rows[0])) ? (rows as ArrayLike<unknown>)[k] : undefined;
            } catch {
              v = undefined;
            }
            return typeof v === 'number' ? v : ((k * 7) % 10) / 10;
          }));
          ws.labels.set(Array.from({ length: p.n }, (_, i) => (i * 3) % (p.c + 1)));
          const { labelSmoothing: _s, backend: _b, classes: _c, gradOut: _g, ...rest } = (labels.has(p.options) ? {} : p.options) as Record<string, unknown>;
          const fn = grad ? 'workspace.lossAndGrad' : 'workspace.loss';
          attempt(fn, [rest], () => (grad ? ws.lossAndGrad(rest as never) : ws.loss(rest as never)), (r, o) => (grad ? checkGrad(r, o || true, fn) : checkLoss(r, o, 'result')));
        } finally {
          ws.dispose();
        }
        afterCall('workspace', [p.options]);
      }),
      runs(700),
    );
  });

  it('tried several thousand inputs, and found no problem', () => {
    expect(knownGood(true)).toBeNull();
    expect(inputs).toBeGreaterThanOrEqual(Math.round(5000 * SCALE));
    const report = [...failures.entries()].map(([signature, { count, example }]) => `${count} × ${signature}\n    e.g. ${example}`);
    expect(report, `${inputs} inputs`).toEqual([]);
  });
});
