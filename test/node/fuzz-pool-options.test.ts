// Issue 16: createFocalLossPool with arbitrary option values. Property: it returns a pool or
// throws a TypeError or RangeError that starts with "createFocalLossPool: " and names the
// option; it never starts threads it was not asked for, nor hangs (a hang would be this test's
// timeout). A pool it returns reports a worker count within the documented limit; pools with
// a few workers also start and compute a known value (written from the formula here); every
// pool is closed, after which its calls reject. Uses the build (dist/), whose worker script
// the pool loads. FUZZ_SEED and FUZZ_RUNS (a multiplier) as in fuzz.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createFocalLossPool, type FocalLossPool } from '../../dist/index.js';
import { root } from '../packed.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const MAX_WORKERS = 256;

const kernel = () => new WebAssembly.Module(readFileSync(join(root, 'dist', 'kernel-simd.wasm')));
const EMPTY = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
// −(1 − p_t)² ln p_t, mean over two samples.
const ROWS = [[0.7, 0.3], [0.4, 0.6]];
const GOOD = (-(0.3 ** 2) * Math.log(0.7) - 0.4 ** 2 * Math.log(0.6)) / 2;

const anyValue = fc.oneof(
  fc.constantFrom(undefined, null, 0, -1, 1.5, NaN, Infinity, 2 ** 31, 1e6, '', '2', 'auto', true, false, [], [2], {}, 10n),
  fc.double(),
  fc.integer({ min: -10, max: 1000 }),
  fc.string({ maxLength: 4 }),
);
const workers = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) },
  { weight: 2, arbitrary: fc.integer({ min: MAX_WORKERS - 2, max: MAX_WORKERS + 2 }) },
  { weight: 3, arbitrary: anyValue },
);
const module = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant('kernel') },
  { weight: 1, arbitrary: fc.constant('empty') },
  { weight: 1, arbitrary: fc.constant('bytes') },
  { weight: 2, arbitrary: anyValue },
);
const options = fc.oneof(
  { weight: 6, arbitrary: fc.record({ workers, module, extra: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('worker', 'modules', 'threads') }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyValue },
  { weight: 1, arbitrary: fc.constant('throwing getter') },
);

/** The options object a case describes (modules are made here: fast-check values are plain). */
function build(o: unknown): unknown {
  if (o === 'throwing getter') return Object.defineProperty({}, 'workers', { enumerable: true, get: () => { throw new Error('fuzz trap'); } });
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return o;
  const { workers: w, module: m, extra } = o as { workers?: unknown; module?: unknown; extra?: string };
  const out: Record<string, unknown> = {};
  if ('workers' in (o as object)) out.workers = w;
  if ('module' in (o as object)) out.module = m === 'kernel' ? kernel() : m === 'empty' ? new WebAssembly.Module(EMPTY) : m === 'bytes' ? EMPTY : m;
  if (extra !== undefined) out[extra] = 1;
  return out;
}

const counts = { pools: 0, started: 0, refused: 0, trapped: 0 };

describe('fuzz: createFocalLossPool options (issue 16)', () => {
  afterAll(() => {
    console.log(`fuzz pool options (seed ${SEED}): ${counts.pools + counts.refused + counts.trapped} option values (${counts.pools} pools, ${counts.started} of them started; ${counts.refused} refused; ${counts.trapped} getter exceptions passed through)`);
  });

  it('a pool or a TypeError/RangeError naming the option; pools start, compute and close', async () => {
    await fc.assert(
      fc.asyncProperty(options, async (o) => {
        const value = build(o);
        let pool: FocalLossPool;
        try {
          pool = createFocalLossPool(value as never);
        } catch (error) {
          if ((error as Error).message === 'fuzz trap') {
            counts.trapped++;
            return;
          }
          counts.refused++;
          expect([TypeError, RangeError], String(error)).toContain((error as Error).constructor);
          const message = (error as Error).message;
          expect(message.startsWith('createFocalLossPool: '), message).toBe(true);
          expect(message, 'names the option').toMatch(/workers|module|option|options/);
          return;
        }
        counts.pools++;
        try {
          const info = pool.info();
          expect(info.workers, 'no thread before the first call').toBeLessThanOrEqual(MAX_WORKERS);
          const asked = (value as { workers?: unknown } | undefined)?.workers;
          if (typeof asked === 'number' && asked <= 3) {
            counts.started++;
            const loss = await pool.focalLoss([0, 1], ROWS);
            expect(Math.abs(loss - GOOD)).toBeLessThanOrEqual(1e-15 * GOOD);
            const running = pool.info();
            if (running.threads !== 'main-thread') expect(running.workers).toBe(asked);
          }
        } finally {
          await pool.close();
        }
        expect(pool.info().workers).toBe(0);
        await expect(pool.focalLoss([0, 1], ROWS)).rejects.toThrow(/^focalLoss: this pool is closed/);
      }),
      { numRuns: Math.round(300 * SCALE), seed: SEED, endOnFailure: true },
    );
    expect(counts.started).toBeGreaterThan(0);
  });
});
