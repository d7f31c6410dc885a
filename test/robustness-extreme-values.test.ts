// Issue 8 (robustness), items 6, 7, 8 and 12: extreme inputs within 1e-12 of mpmath (or a few
// ulp): logit rows of 1e6 and 3e6 classes, gamma up to 1e6, a subnormal (1 - p)^gamma times a
// large weight, p_t = 1 with epsilon 0, p near 1; and wasm and js agreeing within the condition
// of exp(gamma ln q) for general gamma. Expected values from mpmath
// (test/fixtures/generate-robustness.py -> robustness.json) or the formula, never from the
// library. Shared suite: runs in Node and in Chromium, so no node: imports.
import { describe, expect, it } from 'vitest';
import { createWorkspace, focalLoss, focalLossGrad, wasmBuild } from '../src/index.js';
import robustness from './fixtures/robustness.json' with { type: 'json' };
import { BACKENDS } from './helpers.js';
import { allClose, close, SMALLEST_NORMAL, type Expected, type Rows } from './robustness-helpers.js';

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
