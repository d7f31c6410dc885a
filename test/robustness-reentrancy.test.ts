// Issue 8 (robustness), item 4: a getter or Proxy in the user's input that calls the library
// again while it reads that input. On the same kernel the nested call is refused (and the outer
// call throws that error, or computes right if the error is swallowed); on the other backend it
// is allowed. Expected losses from the formula (test/robustness-helpers.ts).
// Shared suite: runs in Node and in Chromium, so no node: imports.
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, createWorkspace, focalLoss, focalLossGrad } from '../src/index.js';
import { BACKENDS } from './helpers.js';
import {
  close, expectWorking, good, goodBinary, goodLogits, labels, rows, thrown, type Backend,
} from './robustness-helpers.js';

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
