// focal-loss-wasm/bullmq without Redis: the flow evaluationFlow builds and what it refuses,
// the processors called with jobs made here (BullMQ's Job reduced to what they use), a reader
// of one's own, and packaging (the main entry never imports bullmq; the README's example
// type-checks). Expected losses are the one-shot calls on the fixtures' data, read back here
// without the package's reader; shard rows come from the formula ⌊i·N/n⌋.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createShardProcessor, evaluationFlow, mergeProcessor, shardProcessor, type EvaluationFlowSpec, type EvaluationJobData,
  type ShardJobData, type ShardReader,
} from '../../src/bullmq.js';
import {
  createBinaryFocalLossAccumulator, createFocalLossAccumulator, focalLoss, type AccumulatorState,
} from '../../src/index.js';
import { hasNumpy, load, relative, root, writeFixtures, type Manifest } from './cli-helpers.js';

const N = 3001;
const C = 7;
const rowsOf = (i: number, n: number, total = N): [number, number] => [Math.floor((i * total) / n), Math.floor(((i + 1) * total) / n)];
const queues = { shardQueue: 'focal-shards', mergeQueue: 'focal-merge' };

/** The data of shard `shard` of a flow, as BullMQ hands it to the shard worker. */
const shardJob = (spec: EvaluationFlowSpec, shard: number) =>
  ({ data: evaluationFlow({ ...spec, id: 'x' }).children![shard].data }) as Job<ShardJobData, AccumulatorState>;

/** A merge job whose children returned `values` and whose failed children said `failures`. */
function mergeJob(spec: EvaluationFlowSpec, values: Record<string, unknown>, failures: Record<string, string> = {}) {
  const removed: string[] = [];
  const job = {
    data: evaluationFlow({ ...spec, id: 'x' }).data,
    getChildrenValues: async () => values,
    getIgnoredChildrenFailures: async () => failures,
    removeUnprocessedChildren: async () => {
      removed.push('unprocessed');
    },
  } as unknown as Job<EvaluationJobData, never>;
  return { job, removed };
}

describe('evaluationFlow', () => {
  const spec: EvaluationFlowSpec = { labels: '/data/y.npy', pred: '/data/z.npy', options: { fromLogits: true }, shards: 4, ...queues };

  it('is a merge job on mergeQueue with one shard job per row range on shardQueue, carrying paths and options only', () => {
    const flow = evaluationFlow({ ...spec, id: 'eval-7', options: { gamma: 1, alpha: new Float64Array([0.25, 0.75]) } });
    const input = { labels: '/data/y.npy', pred: '/data/z.npy', labelColumn: null, predColumns: null, predColumn: null };
    const data = { format: 'focal-loss-wasm/evaluation@1', input, loss: 'focalLoss', options: { gamma: 1, alpha: [0.25, 0.75] }, shards: 4 };
    expect(JSON.parse(JSON.stringify(flow))).toEqual({
      name: 'merge', queueName: 'focal-merge', data,
      opts: { jobId: 'eval-7', attempts: 3, backoff: { type: 'exponential', delay: 1000 } },
      children: [0, 1, 2, 3].map((shard) => ({
        name: 'shard', queueName: 'focal-shards', data: { ...data, shard },
        opts: { jobId: `eval-7-shard-${shard}`, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, continueParentOnFailure: true },
      })),
    });
    expect(evaluationFlow({ ...spec, attempts: 1, backoff: 0 }).children![0].opts).toMatchObject({ attempts: 1, backoff: { delay: 0 } });
  });

  it('names its jobs after a new random id unless given one, so the same object added twice queues nothing twice', () => {
    const a = evaluationFlow(spec);
    const b = evaluationFlow(spec);
    expect(a.opts!.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.opts!.jobId).not.toBe(b.opts!.jobId);
    expect(a.children!.map((c) => c.opts!.jobId)).toEqual([0, 1, 2, 3].map((i) => `${a.opts!.jobId}-shard-${i}`));
  });

  it('refuses bad options as the library does, before anything is queued', () => {
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return `${(error as Error).constructor.name}: ${(error as Error).message}`;
      }
      return 'no error';
    };
    const library = (create: (o: object) => unknown, options: object) => message(() => create(options)).replace(/create\w+Accumulator/, 'evaluationFlow');
    for (const options of [{ gamma: -1 }, { gama: 2 }, { alpha: [1, Number.NaN] }, { epsilon: 0.7 }, { fromLogits: 'yes' }, { classes: 0 }]) {
      expect(message(() => evaluationFlow({ ...spec, options } as never))).toBe(library(createFocalLossAccumulator, options));
    }
    for (const options of [{ alpha: [0.5, 0.5] }, { ignoreIndex: -100 }, { alpha: 1.5 }]) {
      expect(message(() => evaluationFlow({ ...spec, loss: 'binaryFocalLoss', options } as never))).toBe(library(createBinaryFocalLossAccumulator, options));
    }
    expect(message(() => evaluationFlow({ ...spec, options: { source: 'mine' } } as never)))
      .toBe('TypeError: evaluationFlow: option "source" is set by each shard from the files it reads; leave it out');
    // Shards read rows of C: a channels-first map's axis is refused, with what to do instead.
    expect(message(() => evaluationFlow({ ...spec, options: { axis: 1 } } as never))).toBe('RangeError: evaluationFlow: option axis = 1: ' +
      "a flow's shards read rows with the classes last; save channels-first predictions channels-last (np.moveaxis(a, 1, -1)) and leave axis out");
    expect(() => evaluationFlow({ ...spec, options: { axis: -1 } } as never)).not.toThrow();
  });

  it('refuses a bad flow: what to read, how many shards, queue names, ids, retries', () => {
    const bad: Array<[object, ErrorConstructor, RegExp]> = [
      [{ shard: 4 }, TypeError, /unknown option "shard" \(did you mean "shards"\?\)/],
      [{ pred: undefined }, TypeError, /pred must be a string, got undefined/],
      [{ pred: '' }, RangeError, /pred must not be empty/],
      [{ labels: 7 }, TypeError, /labels must be a string/],
      [{ labelColumn: 'y' }, TypeError, /labelColumn picks the label out of the pred file; it cannot be used with labels/],
      [{ predColumns: 'z*', predColumn: 'z' }, TypeError, /predColumns \(one column per class\) and predColumn \(one list column\) cannot be used together/],
      [{ predColumns: 3 }, TypeError, /predColumns must be a string/],
      [{ loss: 'hinge' }, RangeError, /loss must be one of "focalLoss", "binaryFocalLoss", "asymmetricLoss", got "hinge"/],
      [{ shards: 0 }, RangeError, /shards must be an integer in \[1, 100000\], got 0/],
      [{ shards: 2.5 }, RangeError, /shards must be an integer/],
      [{ shards: '4' }, TypeError, /shards must be a number/],
      [{ shardQueue: 'a:b' }, RangeError, /shardQueue = "a:b" must not contain ":"/],
      [{ mergeQueue: undefined }, TypeError, /mergeQueue must be a string/],
      [{ id: '42' }, RangeError, /id = "42" must not be an integer/],
      [{ attempts: 0 }, RangeError, /attempts must be an integer >= 1/],
      [{ backoff: -5 }, RangeError, /backoff must be an integer >= 0/],
    ];
    for (const [change, Class, message] of bad) {
      expect(() => evaluationFlow({ ...spec, ...change } as never)).toThrow(Class);
      expect(() => evaluationFlow({ ...spec, ...change } as never)).toThrow(message);
    }
    expect(() => evaluationFlow(undefined as never)).toThrow(/evaluationFlow: the flow must be an object/);
  });
});

describe.skipIf(!hasNumpy)('the processors', () => {
  let dir: string;
  let files: Manifest;
  const f = (name: string) => join(dir, name);
  const data = (name: string) => Array.from(load(dir, files, name));
  beforeAll(() => {
    ({ dir, manifest: files } = writeFixtures('focal-loss-bullmq-flow-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spec = (): EvaluationFlowSpec => ({ labels: f('y-int64.npy'), pred: f('p64.npy'), options: { gamma: 1.5 }, shards: 3, ...queues });

  it('shardProcessor reads its rows of the files into a state that says what it covers', async () => {
    const state = await shardProcessor(shardJob(spec(), 1));
    const [from, to] = rowsOf(1, 3);
    expect(state.coverage).toEqual([{ source: expect.stringMatching(/^p64\.npy#[0-9a-f]{12}$/), ranges: [[from, to]], totalRows: N }]);
    const expected = focalLoss(data('y-int64.npy').slice(from, to), data('p64.npy').slice(from * C, to * C), { gamma: 1.5, classes: C, reduction: 'sum' });
    expect(relative(createFocalLossAccumulator.fromState(state).result('sum'), expected)).toBeLessThanOrEqual(1e-12);
  });

  it('mergeProcessor merges the shards\' states to the one-shot loss, once each, and refuses missing or doubled rows', async () => {
    const s = spec();
    const states = await Promise.all([0, 1, 2].map((i) => shardProcessor(shardJob(s, i))));
    const values = Object.fromEntries(states.map((state, i) => [`bull:focal-shards:x-shard-${i}`, state]));
    const result = await mergeProcessor(mergeJob(s, values).job);
    expect(relative(result.loss, focalLoss(data('y-int64.npy'), data('p64.npy'), { gamma: 1.5, classes: C }))).toBeLessThanOrEqual(1e-12);
    expect(result.summary).toMatchObject({ count: N, coverage: [{ ranges: [[0, N]], missing: [], complete: true }] });
    expect(createFocalLossAccumulator.fromState(result.state).result()).toBe(result.loss);

    const [from, to] = rowsOf(1, 3);
    const { 'bull:focal-shards:x-shard-1': _, ...without } = values;
    await expect(mergeProcessor(mergeJob(s, without).job))
      .rejects.toThrow(new RegExp(`^mergeProcessor: the shards' states do not cover p64\\.npy#[0-9a-f]{12}: rows ${from}–${to - 1} of its ${N} are missing$`));
    await expect(mergeProcessor(mergeJob(s, { ...values, 'bull:focal-shards:y': states[1] }).job))
      .rejects.toThrow(new RegExp(`both partials hold rows ${from}–${to - 1} of p64\\.npy#[0-9a-f]{12}: a shard would count twice`));
    // Workers whose files differ (a volume that is not shared after all).
    const other = await shardProcessor(shardJob({ ...s, pred: f('p32.npy') }, 1));
    await expect(mergeProcessor(mergeJob(s, { ...values, 'bull:focal-shards:x-shard-1': other }).job))
      .rejects.toThrow(/the shards read 2 different data sets \(p64\.npy#[0-9a-f]{12}, p32\.npy#[0-9a-f]{12}\): the files differ between the workers' machines/);
  });

  it('a shard that failed fails the merge with its error and removes the shards not started', async () => {
    const { job, removed } = mergeJob(spec(), {}, { 'bull:focal-shards:x-shard-2': 'focalLossAccumulator.update: y.npy[9] = 12 is not a class index' });
    await expect(mergeProcessor(job)).rejects.toThrow('mergeProcessor: shard job bull:focal-shards:x-shard-2 failed: focalLossAccumulator.update: y.npy[9] = 12 is not a class index');
    await expect(mergeProcessor(job)).rejects.toMatchObject({ name: 'UnrecoverableError' });
    expect(removed.length).toBeGreaterThan(0);
  });

  it('bad data fails the shard without retries (UnrecoverableError) with the library\'s error, naming the file\'s entry', async () => {
    const bad = data('y-bad.npy');
    const row = bad.findIndex((y) => y < 0 || y >= C);
    const shard = [0, 1, 2].find((i) => rowsOf(i, 3)[0] <= row && row < rowsOf(i, 3)[1])!;
    const failure = await shardProcessor(shardJob({ ...spec(), labels: f('y-bad.npy') }, shard)).catch((error: Error) => error);
    expect(failure).toMatchObject({ name: 'UnrecoverableError', cause: expect.any(RangeError) });
    expect((failure as Error).message).toMatch(new RegExp(`^focalLossAccumulator\\.update: .*y-bad\\.npy\\[${row}\\] = ${bad[row]} is not a class index: expected an integer in \\[0, ${C}\\)$`));
    // A job of another program on the queue.
    await expect(shardProcessor({ data: { some: 'thing' } } as never)).rejects.toThrow(/shardProcessor: job\.data = .* is not the data of a shard job of evaluationFlow/);
    await expect(mergeProcessor({ data: { some: 'thing' } } as never)).rejects.toMatchObject({ name: 'UnrecoverableError', cause: expect.any(TypeError) });
  });

  it('takes a reader of one\'s own: chunks of rows from anywhere; an empty shard covers nothing', async () => {
    const labels = data('y-int64.npy');
    const preds = data('p64.npy');
    // Two rows per chunk from memory, named by their place in the arrays.
    const reader: ShardReader = () => ({
      source: 'in-memory',
      totalRows: 10,
      async *rows(from, to) {
        for (let i = from; i < to; i += 2) {
          const end = Math.min(i + 2, to);
          yield { labels: labels.slice(i, end), preds: preds.slice(i * C, end * C), classes: C, firstRow: i, name: (a, r, c) => `${a}@${i + r}:${c}` };
        }
      },
    });
    const processor = createShardProcessor(reader);
    const s = { ...spec(), shards: 12 };
    const states = await Promise.all(Array.from({ length: 12 }, (_, i) => processor(shardJob(s, i))));
    expect(states.filter((state) => state.count === 0)).toHaveLength(2);
    const result = await mergeProcessor(mergeJob(s, Object.fromEntries(states.map((state, i) => [`k${i}`, state]))).job);
    expect(relative(result.loss, focalLoss(labels.slice(0, 10), preds.slice(0, 10 * C), { gamma: 1.5, classes: C }))).toBeLessThanOrEqual(1e-12);
    expect(result.summary.coverage).toEqual([{ source: 'in-memory', ranges: [[0, 10]], totalRows: 10, missing: [], complete: true }]);
    const nan = createShardProcessor(() => ({
      source: 's', totalRows: 1, async *rows() {
        yield { labels: [0], preds: [Number.NaN, 1], classes: 2, firstRow: 0, name: (a, r, c) => `${a}@${r}:${c}` };
      },
    }));
    await expect(nan(shardJob({ ...spec(), shards: 1 }, 0))).rejects.toThrow(/yPred@0:0 = NaN/);
  });
});

describe('packaging', () => {
  it('the main entry never imports bullmq; the bullmq entry imports bullmq and Node\'s modules (and hyparquet for Parquet files)', async () => {
    const main = await build({ entryPoints: [join(root, 'dist/index.js')], bundle: true, write: false, metafile: true, format: 'esm', logLevel: 'silent' });
    expect(Object.keys(main.metafile.inputs).filter((file) => /bullmq|ioredis/.test(file))).toEqual([]);
    const entry = await build({
      entryPoints: [join(root, 'dist/bullmq.js')], bundle: true, write: false, metafile: true, format: 'esm', platform: 'node', logLevel: 'silent',
      packages: 'external',
    });
    const external = Object.values(entry.metafile.outputs)[0].imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path);
    // hyparquet is imported (dynamically, by the CLI's reader) only to read a Parquet file.
    expect([...new Set(external)].sort()).toEqual(['bullmq', 'hyparquet', 'hyparquet-compressors']);
  });

  it('the README\'s BullMQ example type-checks against the declarations and bullmq\'s', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /```ts\n(import \{ FlowProducer[\s\S]*?)```/.exec(readme)![1];
    // A file of this package (so that focal-loss-wasm/bullmq resolves to dist/) that exists only in memory.
    const file = join(root, 'test/readme-bullmq-example.ts');
    const options: ts.CompilerOptions = {
      strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022, skipLibCheck: true, lib: ['lib.es2022.d.ts'], types: ['node'],
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (name) => name === file || fileExists(name);
    host.readFile = (name) => (name === file ? example : readFile(name));
    host.getSourceFile = (name, version, ...rest) => (name === file
      ? ts.createSourceFile(name, example, version)
      : getSourceFile(name, version, ...rest));
    const program = ts.createProgram([file], options, host);
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });
});
