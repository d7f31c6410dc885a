// Regression tests for issue 8 (robustness), items 1-13. Shared suite: runs in Node and in
// Chromium, so no node: imports. Expected values come from the formula (written out here) or
// from mpmath (test/fixtures/generate-robustness.py -> robustness.json), never from the library.
//
// The tests that poison the library's state when they fail (init() adopting a module that is
// not the kernel; createWorkspace size rejections that leave a dangling chunk buffer) restore
// it or run last, so a failure there does not cascade into unrelated tests.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  backendInfo, binaryFocalLoss, binaryFocalLossGrad, createWorkspace, focalLoss, focalLossGrad, focusedLoss, init,
  wasmBuild, type Workspace, type WorkspaceLossOptions,
} from '../src/index.js';
import { SIMD_WASM_BASE64 } from '../src/generated/kernel-base64.js';
import robustness from './fixtures/robustness.json' with { type: 'json' };
import { BACKENDS } from './helpers.js';

type Backend = (typeof BACKENDS)[number];
type Expected = number | 'inf';
type Rows = ArrayLike<ArrayLike<number>>;

const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** |actual - want| <= tol |want| for normal values; subnormals to 1e-320; zeros and infinities exactly. */
function close(actual: number, expected: Expected, tol = 1e-12, label = ''): void {
  const want = expected === 'inf' ? Infinity : expected;
  if (!Number.isFinite(want)) {
    expect(actual, label).toBe(want);
  } else if (Math.abs(want) < SMALLEST_NORMAL) {
    expect(Math.abs(actual - want), `${label}: got ${actual}, want ${want}`).toBeLessThanOrEqual(1e-320);
  } else {
    const rel = Math.abs(actual - want) / Math.abs(want);
    expect(rel, `${label}: got ${actual}, want ${want} (relative error ${rel})`).toBeLessThanOrEqual(tol);
  }
}

function allClose(actual: unknown, expected: Expected[], tol = 1e-12, label = ''): void {
  expect(actual).toBeInstanceOf(Float64Array);
  const a = actual as Float64Array;
  expect(a.length).toBe(expected.length);
  expected.forEach((e, i) => close(a[i], e, tol, `${label}[${i}]`));
}

/** What a call threw (fails the test if it did not throw). */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw, but it returned');
}

const RAW_ENGINE = /Cannot mix BigInt|Cannot convert a Symbol|Cannot convert a BigInt|Cannot use 'in' operator|Invalid typed array length|Array buffer allocation failed|is not a function|Cannot read properties/;

/** A TypeError or RangeError of the kind asked for, whose message starts with `fn:` and has every fragment. */
function expectError(call: () => unknown, kind: typeof TypeError | typeof RangeError, fn: string, ...fragments: RegExp[]): Error {
  const error = thrown(call);
  expect(error, `${error?.constructor?.name}: ${error?.message}`).toBeInstanceOf(kind);
  expect(error.message.startsWith(`${fn}: `), error.message).toBe(true);
  expect(error.message).not.toMatch(RAW_ENGINE);
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
  return error;
}

// A known batch and its loss, from the formula: -(1 - p_t)^2 ln p_t, mean over 2 samples.
const rows = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]];
const labels = [0, 1];
const good = (-(0.3 ** 2) * Math.log(0.7) - 0.2 ** 2 * Math.log(0.8)) / 2;
const goodLogits = (() => {
  // softmax by hand, gamma 2: loss_i = -(1 - p_t)^2 ln p_t.
  let total = 0;
  rows.forEach((r, i) => {
    const m = Math.max(...r);
    const sum = r.reduce((s, x) => s + Math.exp(x - m), 0);
    const logP = r[labels[i]] - m - Math.log(sum);
    total += -((1 - Math.exp(logP)) ** 2) * logP;
  });
  return total / 2;
})();
const goodBinary = (-(0.7 ** 2) * Math.log(0.3) - 0.2 ** 2 * Math.log(0.8)) / 2; // yTrue [1, 1], yPred [0.3, 0.8]

/** The library works on every backend: focalLoss (probabilities, logits), binaryFocalLoss, a workspace. */
function expectWorking(): void {
  for (const backend of BACKENDS) {
    close(focalLoss(labels, rows, { backend }), good, 1e-15, `${backend} focalLoss`);
    close(focalLoss(labels, Float64Array.from(rows.flat()), { backend }), good, 1e-15, `${backend} flat`);
    close(focalLoss(labels, rows, { backend, fromLogits: true }), goodLogits, 1e-14, `${backend} logits`);
    close(binaryFocalLoss([1, 1], [0.3, 0.8], { backend }), goodBinary, 1e-15, `${backend} binary`);
    const ws = createWorkspace({ rows: 2, classes: 3, backend });
    ws.predictions.set(rows.flat());
    ws.labels.set(labels);
    close(ws.loss(), good, 1e-15, `${backend} workspace`);
    ws.dispose();
  }
  const info = backendInfo();
  expect(info.backend).toBe('wasm');
  expect('reason' in info).toBe(false);
}

const hole = <T>(values: T[], at: number): T[] => {
  const copy = values.slice();
  delete copy[at];
  return copy;
};

// ---------------------------------------------------------------------------------------------
describe('1. missing labels are TypeErrors naming yTrue[i]', () => {
  const three = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]];
  const predictions: Array<[string, () => Rows | ArrayLike<number>]> = [
    ['number[][]', () => three],
    ['Float64Array', () => Float64Array.from(three.flat())],
    ['Float32Array', () => Float32Array.from(three.flat())],
    ['Float64Array rows', () => three.map((r) => Float64Array.from(r))],
  ];
  const modes: Array<[string, Record<string, unknown>]> = [
    ['probabilities', {}],
    ['logits', { fromLogits: true }],
    ['labelSmoothing', { labelSmoothing: 0.1 }],
    ['labelSmoothing + logits', { labelSmoothing: 0.1, fromLogits: true }],
    ['probabilities, gamma 0.7, alpha', { gamma: 0.7, alpha: [1, 2, 3] }],
  ];
  const missing: Array<[string, () => unknown, number]> = [
    ['a hole', () => hole([0, 1, 2], 1), 1],
    ['undefined', () => [0, undefined, 2], 1],
    ['a hole at the end', () => hole([0, 1, 2], 2), 2],
    ['a hole first', () => hole([0, 1, 2], 0), 0],
    ['{length: 3}', () => ({ length: 3 }), 0],
    ['{length: 3, 0: 0, 2: 2}', () => ({ length: 3, 0: 0, 2: 2 }), 1],
  ];
  for (const backend of BACKENDS) {
    for (const [mode, options] of modes) {
      for (const [layout, yPred] of predictions) {
        for (const [what, yTrue, at] of missing) {
          it(`${backend}, ${mode}, ${layout}: ${what}`, () => {
            const name = new RegExp(`yTrue\\[${at}\\]`);
            expectError(() => focalLoss(yTrue() as never, yPred() as never, { ...options, backend }), TypeError, 'focalLoss', name, /missing|undefined/);
            expectError(() => focalLossGrad(yTrue() as never, yPred() as never, { ...options, backend }), TypeError, 'focalLossGrad', name, /missing|undefined/);
            expectError(() => focalLoss(yTrue() as never, yPred() as never, { ...options, backend, reduction: 'none' }), TypeError, 'focalLoss', name);
          });
        }
      }
    }
    it(`${backend}: focalLoss({length: 3}, rows) in the positional form`, () => {
      expectError(() => focalLoss({ length: 3 } as never, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), TypeError, 'focalLoss', /yTrue\[0\]/);
      expectError(() => focalLoss({ length: 3 } as never, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], 2, [1, 1]), TypeError, 'focalLoss', /yTrue\[0\]/);
      expectError(() => focusedLoss({ length: 3 } as never, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], { backend }), TypeError, 'focalLoss', /yTrue\[0\]/);
    });
    it(`${backend}: binaryFocalLoss with a missing target names yTrue[i]`, () => {
      expectError(() => binaryFocalLoss(hole([0, 1, 1], 1), [0.2, 0.3, 0.4], { backend }), TypeError, 'binaryFocalLoss', /yTrue\[1\]/);
      expectError(() => binaryFocalLossGrad([[0, 1], hole([1, 1], 0)], [[0.2, 0.3], [0.4, 0.5]], { backend }), TypeError, 'binaryFocalLossGrad', /yTrue\[1\]\[0\]/);
    });
    it(`${backend}: a hole whose label would have been ignored is still an error (ignoreIndex is a number, not undefined)`, () => {
      expectError(() => focalLoss(hole([0, 1, 2], 1), three, { backend, ignoreIndex: -100 }), TypeError, 'focalLoss', /yTrue\[1\]/);
    });
    it(`${backend}: a missing label is an error past the first chunk too`, () => {
      const n = 10_000;
      const yTrue: number[] = new Array(n).fill(1);
      delete yTrue[9_001];
      const yPred = Float64Array.from({ length: 2 * n }, () => 0.5);
      expectError(() => focalLoss(yTrue, yPred, { backend }), TypeError, 'focalLoss', /yTrue\[9001\]/);
      expectError(() => focalLoss(yTrue, yPred, { backend, fromLogits: true }), TypeError, 'focalLoss', /yTrue\[9001\]/);
      expectWorking();
    });
  }

  const badLengths: Array<[string, number]> = [
    ['negative', -1], ['-3', -3], ['fractional', 1.5], ['0.5', 0.5], ['2^53', 2 ** 53], ['2^53 + 2', 2 ** 53 + 2], ['1e300', 1e300],
    ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
  ];
  for (const backend of BACKENDS) {
    for (const [what, length] of badLengths) {
      it(`${backend}: a yTrue whose length is ${what} is an error naming yTrue's length`, () => {
        for (const call of [
          () => focalLoss({ length } as never, rows, { backend }),
          () => focalLoss({ length } as never, Float64Array.from(rows.flat()), { backend, fromLogits: true }),
        ]) {
          const error = thrown(call);
          expect([TypeError, RangeError]).toContain(error.constructor);
          expect(error.message).toMatch(/^focalLoss: yTrue/);
          expect(error.message).toMatch(/length/);
        }
        const error = thrown(() => binaryFocalLoss({ length } as never, [0.5], { backend }));
        expect(error.message).toMatch(/^binaryFocalLoss: yTrue/);
        expect(error.message).toMatch(/length/);
        const predError = thrown(() => focalLoss([0], { length } as never, { backend }));
        expect(predError.message).toMatch(/^focalLoss: yPred/);
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
interface MixedCase {
  name: string;
  fn: 'focalLoss' | 'binaryFocalLoss';
  kinds: Array<'f32' | 'f64' | 'plain'>;
  yTrue: number[] | number[][];
  yPred: number[][];
  options: Record<string, unknown>;
  expected: { none: Expected[]; sum: Expected; mean: Expected };
}

const asKind = (kind: string, row: number[]): ArrayLike<number> =>
  kind === 'f32' ? Float32Array.from(row) : kind === 'f64' ? Float64Array.from(row) : row.slice();

describe('2. rows mixing Float32Array with plain arrays and Float64Array are computed in float64', () => {
  for (const c of robustness.mixed as unknown as MixedCase[]) {
    for (const backend of BACKENDS) {
      it(`${backend}: ${c.fn} ${c.name}`, () => {
        for (const f32Row of c.kinds.map((k, i) => (k === 'f32' ? i : -1)).filter((i) => i >= 0)) {
          // f32 rows really are float32-exact, or the reference would not be theirs.
          expect(Array.from(Float32Array.from(c.yPred[f32Row]))).toEqual(c.yPred[f32Row]);
        }
        const yPred = c.yPred.map((r, i) => asKind(c.kinds[i], r));
        const options = { ...c.options, backend };
        if (c.fn === 'focalLoss') {
          allClose(focalLoss(c.yTrue, yPred, { ...options, reduction: 'none' }), c.expected.none, 1e-12, 'none');
          close(focalLoss(c.yTrue, yPred, { ...options, reduction: 'sum' }), c.expected.sum, 1e-12, 'sum');
          close(focalLoss(c.yTrue, yPred, options), c.expected.mean, 1e-12, 'mean');
          close(focalLossGrad(c.yTrue, yPred, options).loss, c.expected.mean, 1e-12, 'focalLossGrad');
          // The same rows in the opposite order of types: a plain row first.
          const reversed = (c.yTrue as unknown[]).slice().reverse() as number[];
          close(focalLoss(reversed, yPred.slice().reverse(), { ...options, reduction: 'sum' }), c.expected.sum, 1e-12, 'reversed');
        } else {
          allClose(binaryFocalLoss(c.yTrue as number[][], yPred, { ...options, reduction: 'none' }), c.expected.none, 1e-12, 'none');
          close(binaryFocalLoss(c.yTrue as number[][], yPred, options), c.expected.mean, 1e-12, 'mean');
          close(binaryFocalLossGrad(c.yTrue as number[][], yPred, options).loss, c.expected.mean, 1e-12, 'binaryFocalLossGrad');
        }
      });
    }
  }

  for (const backend of BACKENDS) {
    it(`${backend}: a finite logit of 1e39 in a plain row after a Float32Array row is not an error`, () => {
      const batch = [Float32Array.of(1, 2, 3), [0, 1e39, 0]];
      // Row 1 with label 0: -ln p_0 = 1e39 + ln(1 + 2 e^-1e39) = 1e39; (1 - p_0)^2 = 1.
      const none = focalLoss([2, 0], batch, { backend, fromLogits: true, reduction: 'none' });
      close(none[1], 1e39, 1e-15, 'row 1');
      close(focalLoss([2, 1], batch, { backend, fromLogits: true, reduction: 'none' })[1], 0, 0, 'p_t = 1');
      expect(() => focalLossGrad([2, 0], batch, { backend, fromLogits: true })).not.toThrow();
      expect(() => binaryFocalLoss([[1, 0], [0, 1]], [Float32Array.of(0, 0), [1e39, 1e39]], { backend, fromLogits: true })).not.toThrow();
    });

    for (const name of ['probabilities {"gamma": 2}', 'logits labels=[0, 1, 2, 1, 0, 0] {"gamma": 2, "fromLogits": true}']) {
      it(`${backend}: mixed rows across many chunks keep each row's own precision (${name})`, () => {
        const c = (robustness.mixed as unknown as MixedCase[]).find((m) => m.name === name)!;
        const f32Rows = c.kinds.map((k, i) => (k === 'f32' ? i : -1)).filter((i) => i >= 0);
        const yPred: Array<ArrayLike<number>> = [];
        const yTrue: number[] = [];
        const want: Expected[] = [];
        // 5000 Float32Array rows (whole chunks of them), then 1500 rounds of the mixed rows.
        for (let r = 0; r < 5_000; r++) {
          const i = f32Rows[r % f32Rows.length];
          yPred.push(Float32Array.from(c.yPred[i]));
          yTrue.push((c.yTrue as number[])[i]);
          want.push(c.expected.none[i]);
        }
        for (let r = 0; r < 1_500; r++) {
          c.yPred.forEach((row, i) => {
            yPred.push(asKind(c.kinds[i], row));
            yTrue.push((c.yTrue as number[])[i]);
            want.push(c.expected.none[i]);
          });
        }
        const none = focalLoss(yTrue, yPred, { ...c.options, backend, reduction: 'none' });
        expect(none.length).toBe(want.length);
        for (let k = 0; k < want.length; k++) {
          const w = want[k] as number;
          if (!(Math.abs(none[k] - w) <= 1e-12 * Math.abs(w))) close(none[k], w, 1e-12, `sample ${k}`);
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
describe('4. re-entrancy: a nested call from a getter or Proxy never produces a wrong number', () => {
  const IN_PROGRESS = /in progress/;

  /** A nested call on `backend`; records what happened; rethrows unless `swallow`. */
  function nester(backend: Backend, swallow: boolean, log: string[], which: string) {
    return () => {
      try {
        let value: number;
        switch (which) {
          case 'focalLoss': value = focalLoss([1], [[0.5, 0.5]], { backend, gamma: 0 }); break;
          case 'focalLossGrad': value = focalLossGrad([1], [[0.5, 0.5]], { backend, gamma: 0 }).loss; break;
          case 'binaryFocalLoss': value = binaryFocalLoss([1], [0.5], { backend, gamma: 0 }); break;
          case 'createWorkspace': {
            const ws = createWorkspace({ rows: 1, classes: 2, backend });
            ws.predictions.set([0.5, 0.5]);
            ws.labels.set([1]);
            value = ws.loss({ gamma: 0 });
            ws.dispose();
            break;
          }
          default: throw new Error(which);
        }
        log.push(Math.abs(value - Math.LN2) <= 1e-15 ? 'ok' : `wrong ${value}`);
      } catch (error) {
        log.push(`refused: ${(error as Error).constructor.name}: ${(error as Error).message}`);
        if (!swallow) throw error;
      }
    };
  }

  // Each injection: a batch whose one getter (or trap) runs `hook` while the library reads it, and its loss.
  type Injection = (hook: () => void, backend: Backend) => [() => number, number];
  const injections: Record<string, Injection> = {
    'a getter on a row entry': (hook, backend) => {
      const r1 = [0.1, 0.8, 0.1];
      Object.defineProperty(r1, 1, { get: () => (hook(), 0.8) });
      return [() => focalLoss(labels, [rows[0], r1], { backend }), good];
    },
    'a getter on yTrue[i]': (hook, backend) => {
      const y = [0, 1];
      Object.defineProperty(y, 1, { get: () => (hook(), 1) });
      return [() => focalLoss(y, rows, { backend }), good];
    },
    'a Proxy on yPred': (hook, backend) => {
      const p = new Proxy(rows, { get: (t, k) => (k === '1' && hook(), Reflect.get(t, k)) });
      return [() => focalLoss(labels, p, { backend }), good];
    },
    'a Proxy on a row': (hook, backend) => {
      const r1 = new Proxy([0.1, 0.8, 0.1], { get: (t, k) => (k === '1' && hook(), Reflect.get(t, k)) });
      return [() => focalLoss(labels, [rows[0], r1], { backend }), good];
    },
    'a getter on a flat yPred, logits': (hook, backend) => {
      const flat = rows.flat();
      Object.defineProperty(flat, 4, { get: () => (hook(), 0.8) });
      return [() => focalLoss(labels, flat, { backend, fromLogits: true }), goodLogits];
    },
    'a getter on a target row (focalLossGrad)': (hook, backend) => {
      const t1 = [0, 1, 0];
      Object.defineProperty(t1, 2, { get: () => (hook(), 0) });
      return [() => focalLossGrad([[1, 0, 0], t1], rows, { backend }).loss, good];
    },
    'a getter on sampleWeight': (hook, backend) => {
      const w = [1, 1];
      Object.defineProperty(w, 1, { get: () => (hook(), 1) });
      return [() => focalLoss(labels, rows, { backend, sampleWeight: w }), good];
    },
    'a getter on a binary prediction': (hook, backend) => {
      const p = [0.3, 0.8];
      Object.defineProperty(p, 1, { get: () => (hook(), 0.8) });
      return [() => binaryFocalLoss([1, 1], p, { backend }), goodBinary];
    },
    'a getter on sampleWeight of workspace.loss': (hook, backend) => {
      const ws = createWorkspace({ rows: 2, classes: 3, backend });
      ws.predictions.set(rows.flat());
      ws.labels.set(labels);
      const w = [1, 1];
      Object.defineProperty(w, 0, { get: () => (hook(), 1) });
      return [() => {
        try {
          return ws.loss({ sampleWeight: w });
        } finally {
          ws.dispose();
        }
      }, good];
    },
  };

  for (const outer of BACKENDS) {
    for (const [where, inject] of Object.entries(injections)) {
      for (const which of ['focalLoss', 'focalLossGrad', 'binaryFocalLoss', 'createWorkspace']) {
        it(`${outer}: ${where}, nested ${which} on the same kernel, propagated: the outer call throws that Error`, () => {
          const log: string[] = [];
          const [call] = inject(nester(outer, false, log, which), outer);
          const error = thrown(call);
          expect(error.constructor).toBe(Error);
          expect(error.message).toMatch(IN_PROGRESS);
          expect(log.length).toBeGreaterThan(0);
          expectWorking();
        });
        it(`${outer}: ${where}, nested ${which} on the same kernel, swallowed: the outer result is right`, () => {
          const log: string[] = [];
          const [call, want] = inject(nester(outer, true, log, which), outer);
          close(call(), want, 1e-14, 'outer');
          expect(log.length).toBeGreaterThan(0);
          for (const entry of log) expect(entry).toMatch(/^refused: Error: .*in progress/);
          expectWorking();
        });
        const other: Backend = outer === 'wasm' ? 'js' : 'wasm';
        it(`${outer}: ${where}, nested ${which} on the other backend (${other}) is allowed`, () => {
          const log: string[] = [];
          const [call, want] = inject(nester(other, false, log, which), outer);
          close(call(), want, 1e-14, 'outer');
          expect(log.length).toBeGreaterThan(0);
          for (const entry of log) expect(entry).toBe('ok');
          expectWorking();
        });
      }
    }

    it(`${outer}: a nested call in the middle of a multi-chunk batch, swallowed or on the other backend, leaves every sample right`, () => {
      const n = 12_000;
      for (const nestedBackend of BACKENDS) {
        const log: string[] = [];
        const hook = nester(nestedBackend, true, log, 'focalLoss');
        const yPred: Array<number[]> = [];
        for (let i = 0; i < n; i++) yPred.push([((i % 7) + 1) / 10, 1 - ((i % 7) + 1) / 10]);
        for (const at of [5, 4_500, 9_000]) Object.defineProperty(yPred[at], 0, { get: () => (hook(), ((at % 7) + 1) / 10) });
        const none = focalLoss(new Uint8Array(n), yPred, { backend: outer, reduction: 'none', gamma: 1.5 });
        for (let i = 0; i < n; i += 1) {
          const p = ((i % 7) + 1) / 10;
          const want = -((1 - p) ** 1.5) * Math.log(p);
          if (Math.abs(none[i] - want) > 1e-14 * want) close(none[i], want, 1e-14, `sample ${i}`);
        }
        expect(log).toHaveLength(3);
        for (const entry of log) expect(entry).toMatch(nestedBackend === outer ? /^refused/ : /^ok$/);
      }
      expectWorking();
    });
  }

  it('a nested workspace.loss / lossAndGrad / gradients on the same kernel is refused, and the workspace works after', () => {
    for (const backend of BACKENDS) {
      for (const which of ['loss', 'lossAndGrad', 'gradients (first use allocates)'] as const) {
        const ws = createWorkspace({ rows: 2, classes: 3, backend });
        ws.predictions.set(rows.flat());
        ws.labels.set(labels);
        const nested = { loss: () => ws.loss(), lossAndGrad: () => ws.lossAndGrad(), 'gradients (first use allocates)': () => ws.gradients }[which];
        const w = [1, 1];
        const log: string[] = [];
        Object.defineProperty(w, 1, {
          get: () => {
            try {
              nested();
              log.push('ran');
            } catch (error) {
              log.push((error as Error).message);
            }
            return 1;
          },
        });
        close(focalLoss(labels, rows, { backend, sampleWeight: w }), good, 1e-15, 'outer');
        expect(log).toHaveLength(1);
        expect(log[0]).toMatch(IN_PROGRESS);
        close(ws.loss(), good, 1e-15, 'workspace after');
        close(ws.lossAndGrad().loss, good, 1e-15, 'lossAndGrad after');
        ws.dispose();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
/** A small wasm module exporting `memory` and functions under the kernel's export names (a lookalike). */
function lookalikeModule(): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n !== 0) byte |= 0x80;
      out.push(byte);
    } while (n !== 0);
    return out;
  };
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const I32 = 0x7f;
  const kernels = ['probabilityLoss', 'gatheredLoss', 'logitLoss', 'targetRowLoss', 'binaryLoss'];
  const functions: Array<[string, number, number]> = [['heapBase', 0, 1024], ['usesSimd', 0, 0]]; // name, type, i32 result
  for (const k of kernels) functions.push([k, 1, -1], [`${k}Grad`, 2, -1]);
  const types = [
    [0x60, 0, 1, I32],
    [0x60, 5, I32, I32, I32, I32, I32, 1, I32],
    [0x60, 6, I32, I32, I32, I32, I32, I32, 1, I32],
  ];
  const sleb = (n: number): number[] => (n === -1 ? [0x7f] : n === 0 ? [0] : [0x80, 0x08]); // -1, 0, 1024
  const bodies = functions.map(([, , result]) => {
    const body = [0, 0x41, ...sleb(result), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(3, [...uleb(functions.length), ...functions.map(([, type]) => type)]),
    ...section(5, [1, 0, 1]),
    ...section(7, [
      ...uleb(functions.length + 1),
      ...name('memory'), 2, 0,
      ...functions.flatMap(([n], i) => [...name(n), 0, ...uleb(i)]),
    ]),
    ...section(10, [...uleb(bodies.length), ...bodies.flat()]),
  ]);
}

function kernelBytes(): Uint8Array {
  const text = atob(SIMD_WASM_BASE64);
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

describe('5. init() with something that is not the kernel throws, and the kernel in use stays in use', () => {
  // A module that imports a function (valid wasm, cannot be instantiated without imports).
  const needsImports = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x6d, 1, 0x66, 0, 0);
  const empty = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
  const sources: Array<[string, () => unknown, typeof TypeError | typeof RangeError | null]> = [
    ['garbage bytes', () => Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), null],
    ['no bytes', () => new Uint8Array(0), null],
    ['an ArrayBuffer of garbage', () => new ArrayBuffer(16), null],
    ['the kernel truncated', () => kernelBytes().subarray(0, 1000), null],
    ["the string 'x'", () => 'x', TypeError],
    ['null', () => null, TypeError],
    ['undefined', () => undefined, TypeError],
    ['a number', () => 42, TypeError],
    ['a plain object', () => ({}), TypeError],
    ['an empty wasm module (bytes)', () => empty, null],
    ['an empty wasm module (compiled)', () => new WebAssembly.Module(empty), null],
    ['a module that needs imports (bytes)', () => needsImports, null],
    ['a module that needs imports (compiled)', () => new WebAssembly.Module(needsImports), null],
  ];

  for (const [what, source, kind] of sources) {
    it(`init(${what})`, () => {
      const build = wasmBuild();
      const ws = createWorkspace({ rows: 2, classes: 3 });
      ws.predictions.set(rows.flat());
      ws.labels.set(labels);
      const error = thrown(() => init(source() as never));
      if (kind !== null) expect(error).toBeInstanceOf(kind);
      expect([TypeError, RangeError]).toContain(error.constructor);
      expect(error.message).toMatch(/^init: /);
      expect(backendInfo()).toEqual({ backend: 'wasm', memoryBytes: expect.any(Number) });
      expect(wasmBuild()).toBe(build);
      close(focalLoss(labels, rows, { backend: 'wasm' }), good, 1e-15, 'wasm after');
      close(ws.loss(), good, 1e-15, 'workspace made before');
      ws.dispose();
      expectWorking();
    });
  }

  it('init(a lookalike module exporting the kernel\'s names) is refused too (it would compute 0 for everything)', () => {
    const module = new WebAssembly.Module(lookalikeModule() as BufferSource);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('probabilityLoss');
    try {
      const error = thrown(() => init(module));
      expect(error.message).toMatch(/^init: /);
      close(focalLoss(labels, rows, { backend: 'wasm' }), good, 1e-15, 'wasm after');
    } finally {
      // If it was adopted, put the real kernel back so the rest of the file is not affected.
      if (focalLoss(labels, rows, { backend: 'wasm' }) !== focalLoss(labels, rows, { backend: 'js' })) init(kernelBytes());
    }
    expectWorking();
  });
});

// ---------------------------------------------------------------------------------------------
interface WideCase {
  classes: number;
  mult: number;
  mod: number;
  scale: number;
  offset: number;
  overrides: Array<[number, number]>;
  label: number;
  gamma: number;
  loss: number;
}

const wideRows = new Map<number, Float64Array>();
function wideRow(c: WideCase): Float64Array {
  let row = wideRows.get(c.classes);
  if (row === undefined) {
    row = new Float64Array(c.classes);
    for (let k = 0; k < c.classes; k++) row[k] = ((k * c.mult) % c.mod) * c.scale + c.offset;
    for (const [k, z] of c.overrides) row[k] = z;
    wideRows.set(c.classes, row);
  }
  return row;
}

describe('6. very wide logit rows (1e6 and 3e6 classes) within 1e-12 of mpmath', () => {
  const wide = robustness.wide as unknown as WideCase[];
  for (const c of wide) {
    for (const backend of BACKENDS) {
      it(`${backend}: ${c.classes} classes, label ${c.label}, gamma ${c.gamma}`, () => {
        const row = wideRow(c);
        close(focalLoss([c.label], row, { backend, fromLogits: true, gamma: c.gamma }), c.loss, 1e-12, 'flat Float64Array');
        if (c.gamma === 2) {
          close(focalLoss([c.label], [row], { backend, fromLogits: true, gamma: c.gamma }), c.loss, 1e-12, '[Float64Array]');
          // Every value is float32-exact (multiples of 0.25, 30, -1000).
          close(focalLoss([c.label], Float32Array.from(row), { backend, fromLogits: true, gamma: c.gamma }), c.loss, 1e-12, 'Float32Array');
        }
        if (c.gamma === 0.5 && c.classes === 1_000_000) {
          close(focalLoss([c.label], [Array.from(row)], { backend, fromLogits: true, gamma: c.gamma }), c.loss, 1e-12, 'number[][]');
          const ws = createWorkspace({ rows: 1, classes: c.classes, fromLogits: true, backend });
          ws.predictions.set(row);
          ws.labels.set([c.label]);
          close(ws.loss({ gamma: c.gamma }), c.loss, 1e-12, 'workspace');
          ws.dispose();
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
interface SimpleCase {
  name: string;
  yTrue: number[];
  yPred: number[][];
  options: Record<string, unknown>;
  expected: { none: Expected[]; sum: Expected; mean: Expected };
}

describe('7. large gamma (1e4, 1e6) within 1e-12 of mpmath wherever the result is a normal number', () => {
  for (const c of robustness.largeGamma as unknown as SimpleCase[]) {
    for (const backend of BACKENDS) {
      it(`${backend}: ${c.name}`, () => {
        const layouts: Array<[string, Rows | Float64Array]> = [['number[][]', c.yPred], ['Float64Array', Float64Array.from(c.yPred.flat())]];
        for (const [layout, yPred] of layouts) {
          const options = { ...c.options, backend };
          allClose(focalLoss(c.yTrue, yPred, { ...options, reduction: 'none' }), c.expected.none, 1e-12, layout);
          close(focalLoss(c.yTrue, yPred, { ...options, reduction: 'sum' }), c.expected.sum, 1e-12, `${layout} sum`);
          close(focalLoss(c.yTrue, yPred, options), c.expected.mean, 1e-12, `${layout} mean`);
          const { loss, grad } = focalLossGrad(c.yTrue, yPred, { ...options, reduction: 'none' });
          allClose(loss, c.expected.none, 1e-12, `${layout} focalLossGrad`);
          for (let k = 0; k < grad.length; k++) expect(Number.isNaN(grad[k]), `grad[${k}]`).toBe(false);
        }
      });
    }
  }
});

describe('7b. general gamma with epsilon 0 and p_t = 1 is 0, never NaN (every position of a block)', () => {
  for (const backend of BACKENDS) {
    for (const gamma of [0.3, 2.7, 16.3, 17, 100, 1e4]) {
      it(`${backend}: gamma ${gamma}`, () => {
        // (1 - 1)^gamma * -ln 1 = 0; the others are (1/2)^gamma ln 2.
        const half = 0.5 ** gamma * Math.LN2;
        for (let at = 0; at < 8; at++) {
          const ps = Array.from({ length: 8 }, (_, i) => (i === at ? 1 : 0.5));
          const want = ps.map((p) => (p === 1 ? 0 : half));
          for (const yPred of [ps.map((p) => [p, 1 - p]), Float64Array.from(ps.flatMap((p) => [p, 1 - p])), Float32Array.from(ps.flatMap((p) => [p, 1 - p]))]) {
            const none = focalLoss(new Int32Array(8), yPred, { gamma, epsilon: 0, backend, reduction: 'none' });
            want.forEach((w, i) => close(none[i], w, 1e-13, `p_t = 1 at ${at}, sample ${i}`));
            close(focalLoss(new Int32Array(8), yPred, { gamma, epsilon: 0, backend, reduction: 'sum' }), 7 * half, 1e-13, `sum, p_t = 1 at ${at}`);
            close(focalLoss(new Int32Array(8), yPred, { gamma, epsilon: 0, backend }), (7 * half) / 8, 1e-13, `mean, p_t = 1 at ${at}`);
          }
        }
      });
    }
  }
});

describe('8. a subnormal (1 - p)^gamma times a large weight, within 1e-12 of mpmath', () => {
  for (const c of robustness.subnormal as unknown as Array<{ name: string; yTrue: number[]; yPred: number[][]; options: Record<string, unknown>; loss: Expected }>) {
    for (const backend of BACKENDS) {
      it(`${backend}: gamma 1071, p_t = 0.5, ${c.name}`, () => {
        const options = { ...c.options, backend };
        close(focalLoss(c.yTrue, c.yPred, { ...options, reduction: 'none' })[0], c.loss, 1e-12, 'none');
        close(focalLoss(c.yTrue, c.yPred, options), c.loss, 1e-12, 'mean');
        close(focalLoss(c.yTrue, c.yPred, { ...options, reduction: 'sum' }), c.loss, 1e-12, 'sum');
        close(focalLossGrad(c.yTrue, c.yPred, options).loss, c.loss, 1e-12, 'focalLossGrad');
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
describe('12. gamma <= 16 near p = 1: within a few ulp of mpmath; wasm and js agree for general gamma', () => {
  const { nearPs, moderatePs, cases } = robustness.nearOne as unknown as {
    nearPs: number[];
    moderatePs: number[];
    cases: Array<{ gamma: number; epsilon: number; near: Expected[]; moderate: Expected[] }>;
  };

  it('the SIMD kernel is the one in use', () => {
    expect(wasmBuild()).toBe('simd');
  });

  for (const backend of BACKENDS) {
    for (const c of cases) {
      it(`${backend}: gamma ${c.gamma}, epsilon ${c.epsilon}`, () => {
        const ps = [...nearPs, ...moderatePs];
        const layouts: Array<[string, Rows | Float64Array]> = [
          ['Float64Array', Float64Array.from(ps.flatMap((p) => [p, 1 - p]))],
          ['number[][]', ps.map((p) => [p, 1 - p])],
        ];
        for (const [layout, yPred] of layouts) {
          const none = focalLoss(new Int32Array(ps.length), yPred, { gamma: c.gamma, epsilon: c.epsilon, backend, reduction: 'none' });
          // Near 1, q = 1 - p is a power of two (or 3 * 2^-45): q^gamma is exact; only ln p rounds.
          nearPs.forEach((p, i) => close(none[i], c.near[i], 4e-16, `${layout} p = 1 - ${1 - p}`));
          // Elsewhere each of the <= 17 multiplications rounds once.
          moderatePs.forEach((p, i) => close(none[nearPs.length + i], c.moderate[i], 2e-15, `${layout} p = ${p}`));
        }
      });
    }
  }

  /** A deterministic generator (xorshift), so failures reproduce. */
  function* sequence(seed: number): Generator<number> {
    let s = seed >>> 0;
    for (;;) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      yield (s >>> 0) / 2 ** 32;
    }
  }

  // A general gamma goes through exp(gamma ln q) on both backends. exp passes the relative
  // error of its argument on multiplied by |gamma ln q| (its condition number), so two correct
  // implementations (ln and exp each within an ulp) agree to about 2 ulp * (|gamma ln q| + 2), not
  // to 1e-15 whatever the magnitude: that is the bound these two tests hold them to.
  const agreement = (gamma: number, logQ: number) => 4 * 2 ** -53 * (Math.abs(gamma * logQ) + 4);

  it('probabilities: wasm and js agree within the condition of exp(gamma ln q) for general (non half-integer) gamma in (0, 16]', () => {
    const rnd = sequence(20261127);
    const n = 3000;
    const ps = Float64Array.from({ length: n }, (_, i) => {
      const u = rnd.next().value as number;
      return i % 3 === 0 ? u : i % 3 === 1 ? Math.exp(-700 * u) : 1 - Math.exp(-36 * u);
    });
    ps[0] = 0.9778271913528442; // where a sweep over gamma found the largest disagreement
    const yPred = Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? ps[k / 2] : 1 - ps[(k - 1) / 2]));
    const yTrue = new Int32Array(n);
    let worst = 0;
    let where = '';
    for (const gamma of [0.3, 0.75, 1.2, 1.7, 2.2, 3.3, 4.1, 5.9, 7.1, 9.99, 13.884687900543213, 15.3, 16]) {
      for (const epsilon of [0, 1e-7]) {
        const wasm = focalLoss(yTrue, yPred, { gamma, epsilon, backend: 'wasm', reduction: 'none' });
        const js = focalLoss(yTrue, yPred, { gamma, epsilon, backend: 'js', reduction: 'none' });
        for (let i = 0; i < n; i++) {
          if (js[i] < SMALLEST_NORMAL) continue;
          const rel = Math.abs(wasm[i] - js[i]) / js[i] / agreement(gamma, Math.log1p(-ps[i]));
          if (rel > worst) [worst, where] = [rel, `gamma ${gamma}, epsilon ${epsilon}, p = ${ps[i]}: wasm ${wasm[i]}, js ${js[i]}`];
        }
      }
    }
    expect(worst, where).toBeLessThanOrEqual(1);
  });

  it('logits: wasm and js agree within the condition of exp(gamma ln q) for general gamma in (0, 16]', () => {
    const rnd = sequence(42);
    const n = 3000;
    const yPred = Float64Array.from({ length: 2 * n }, () => ((rnd.next().value as number) - 0.5) * 60);
    const yTrue = new Int32Array(n);
    let worst = 0;
    let where = '';
    for (const gamma of [0.3, 1.7, 2.2, 3.3, 7.1, 15.157572269439697]) {
      const wasm = focalLoss(yTrue, yPred, { gamma, fromLogits: true, backend: 'wasm', reduction: 'none' });
      const js = focalLoss(yTrue, yPred, { gamma, fromLogits: true, backend: 'js', reduction: 'none' });
      for (let i = 0; i < n; i++) {
        if (js[i] < SMALLEST_NORMAL) continue;
        // ln q of the label's probability: q = 1 - p_0 = sigmoid(z_1 - z_0) for two classes.
        const d = yPred[2 * i + 1] - yPred[2 * i];
        const logQ = -(Math.max(-d, 0) + Math.log1p(Math.exp(-Math.abs(d))));
        const rel = Math.abs(wasm[i] - js[i]) / js[i] / agreement(gamma, logQ);
        if (rel > worst) [worst, where] = [rel, `gamma ${gamma}, logits [${yPred[2 * i]}, ${yPred[2 * i + 1]}]: wasm ${wasm[i]}, js ${js[i]}`];
      }
    }
    expect(worst, where).toBeLessThanOrEqual(1);
  });
});

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// Last: these reject requests whose failure, if handled wrongly, leaves the kernel's chunk
// buffers pointing at freed memory.
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
