// focal-loss-wasm/bullmq on a real Redis (issue 21): flows over worker processes (child
// processes running BullMQ Workers with the built package's processors) equal the one-shot
// call on the same data (.npy fixtures written by NumPy and read back here without the
// package's reader, and a Parquet copy written by DuckDB); a worker killed in the middle of a
// job; Redis restarted between flows; bad input in one shard. Every ordering of async events
// is fixed by construction (messages from the workers, Redis's log, process exits); the only
// time limits turn a hang into a failure.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evaluationFlow, type EvaluationFlowSpec, type EvaluationResult } from '../../src/bullmq.js';
import { binaryFocalLoss, createFocalLossAccumulator, focalLoss } from '../../src/index.js';
import { csvToParquet, hasNumpy, load, relative, requireBuild, root, writeFixtures, type Manifest } from './cli-helpers.js';
import { bounded as within, hasRedis, RedisServer } from '../../scripts/redis-server.mjs';

/** Generous: only a hang waits this long. */
const LIMIT_MS = 60_000;
const bounded = <T>(promise: Promise<T>, what: string): Promise<T> => within(promise, what, LIMIT_MS);
if (!hasRedis) console.warn('BullMQ tests on Redis are SKIPPED: they need /usr/bin/redis-server (apt-get install redis-server)');

const workerScript = join(root, 'test/node/bullmq-worker.mjs');
const N = 3001;
const C = 7;

interface WorkerSettings {
  shardQueue: string;
  mergeQueue?: string;
  hang?: boolean;
  worker?: Record<string, unknown>;
}

describe.skipIf(!hasNumpy || !hasRedis)('focal-loss-wasm/bullmq on Redis', () => {
  let redis: RedisServer;
  let dir: string;
  let files: Manifest;
  let flows: FlowProducer;
  const connection = () => ({ host: '127.0.0.1', port: redis.port });
  const f = (name: string) => join(dir, name);
  const data = (name: string) => load(dir, files, name);
  const children: ChildProcess[] = [];
  const logs = new Map<ChildProcess, () => string>();
  const clients: Array<{ close(): Promise<unknown> }> = [];
  let queues = 0;

  beforeAll(async () => {
    requireBuild();
    ({ dir, manifest: files } = writeFixtures('focal-loss-bullmq-'));
    redis = await RedisServer.start();
    flows = new FlowProducer({ connection: connection() });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await flows?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Queue names of a test's own, so that no job of another test is in them. */
  const names = () => {
    queues++;
    return { shardQueue: `shards-${queues}`, mergeQueue: `merge-${queues}` };
  };

  /** A worker process (its stderr kept, last lines first, for a failure's message). */
  function spawnWorker(settings: WorkerSettings): ChildProcess {
    const child = fork(workerScript, [String(redis.port), JSON.stringify(settings)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let log = '';
    child.stderr!.on('data', (bytes: Buffer) => {
      log = (log + bytes.toString()).slice(-4000);
    });
    logs.set(child, () => log);
    children.push(child);
    return child;
  }

  /** A worker process; resolves once its workers are connected. */
  async function startWorker(settings: WorkerSettings): Promise<ChildProcess> {
    const child = spawnWorker(settings);
    await message(child, (m) => m.ready === true, 'worker ready');
    return child;
  }

  function message(child: ChildProcess, match: (m: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
    return bounded(new Promise((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (!match(m)) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new Error(`the worker exited (${code ?? signal}) before ${what}:\n${logs.get(child)?.()}`)));
    }), what);
  }

  /** Adds the flow and waits for its result (or its failure). */
  async function evaluate(spec: EvaluationFlowSpec): Promise<EvaluationResult> {
    const events = new QueueEvents(spec.mergeQueue, { connection: connection() });
    clients.push(events);
    await events.waitUntilReady();
    const flow = await flows.add(evaluationFlow(spec));
    return flow.job.waitUntilFinished(events, LIMIT_MS) as Promise<EvaluationResult>;
  }

  function expectExact(result: EvaluationResult, expected: number, count: number): void {
    expect(relative(result.loss, expected)).toBeLessThanOrEqual(1e-12);
    expect(result.summary.count).toBe(count);
    expect(result.summary.coverage).toEqual([expect.objectContaining({ ranges: [[0, N]], totalRows: N, complete: true })]);
    expect(createFocalLossAccumulator.fromState(result.state).result()).toBe(result.loss);
  }

  it('a flow over three worker processes equals the one-shot call (focal and binary focal loss)', async () => {
    const queues = names();
    await Promise.all([0, 1, 2].map(() => startWorker(queues)));
    const alpha = new Float64Array([1, 2, 0.5, 1, 3, 1, 0.25]);
    const result = await evaluate({
      labels: f('y-int64.npy'), pred: f('logits32.npy'), options: { fromLogits: true, gamma: 1.5, alpha }, shards: 7, ...queues,
    });
    expectExact(result, focalLoss(data('y-int64.npy'), data('logits32.npy'), { fromLogits: true, gamma: 1.5, alpha, classes: C }), N);
    expect(result.summary.coverage[0].source).toMatch(/^logits32\.npy#[0-9a-f]{12}$/);

    const binary = await evaluate({
      labels: f('bin-t-k.npy'), pred: f('bin-logits.npy'), loss: 'binaryFocalLoss', options: { fromLogits: true }, shards: 3, ...queues,
    });
    const [M, K] = files['bin-logits.npy'].shape;
    const want = binaryFocalLoss(data('bin-t-k.npy'), data('bin-logits.npy'), { fromLogits: true, classes: K });
    expect(relative(binary.loss, want)).toBeLessThanOrEqual(1e-12);
    expect(binary.summary).toMatchObject({ count: M * K, coverage: [{ ranges: [[0, M]], complete: true }] });
  });

  it('diagnostics asked for in the options come back merged: the same as one accumulator over the whole file', async () => {
    const queues = names();
    await Promise.all([0, 1].map(() => startWorker(queues)));
    const options = { fromLogits: true, diagnostics: { hardest: 5, bins: 6 } };
    const result = await evaluate({ labels: f('y-int64.npy'), pred: f('logits32.npy'), options, shards: 4, ...queues });
    const whole = createFocalLossAccumulator({ ...options, classes: C });
    whole.update(data('y-int64.npy'), data('logits32.npy'));
    const want = whole.summary();
    const got = result.summary;
    expect(got.hardest!.map((h) => h.row)).toEqual(want.hardest!.map((h) => h.row));
    expect(got.calibration!.bins.map((b) => b.count)).toEqual(want.calibration!.bins.map((b) => b.count));
    expect(relative(got.calibration!.ece!, want.calibration!.ece!)).toBeLessThanOrEqual(1e-12);
    expect(relative(got.crossEntropySum!, want.crossEntropySum!)).toBeLessThanOrEqual(1e-12);
    expect(got.easy!.count).toBe(want.easy!.count);
    expect(got.perClass.map((c) => [c.correct, c.predicted])).toEqual(want.perClass.map((c) => [c.correct, c.predicted]));
  });

  it('a Parquet file (written by DuckDB): the workers read the row groups of their rows', async () => {
    await csvToParquet(f('data.csv'), f('data.parquet'));
    const queues = names();
    await Promise.all([0, 1].map(() => startWorker(queues)));
    const result = await evaluate({ pred: f('data.parquet'), labelColumn: 'label', predColumns: 'p0:p6', shards: 5, ...queues });
    expectExact(result, focalLoss(data('y-int64.npy'), data('p64.npy'), { classes: C }), N);
    expect(result.summary.coverage[0].source).toMatch(/^data\.parquet#[0-9a-f]{12}$/);
  });

  it('the README\'s commands: examples/bullmq/worker.mjs on two processes, evaluate.mjs prints the one-shot loss', () => {
    const env = { ...process.env, REDIS_URL: `redis://127.0.0.1:${redis.port}` };
    [0, 1].forEach(() => children.push(fork(join(root, 'examples/bullmq/worker.mjs'), [], { cwd: root, env, stdio: 'ignore' })));
    const r = spawnSync(process.execPath, [join(root, 'examples/bullmq/evaluate.mjs'), f('y-int64.npy'), f('logits32.npy'), '5', '{"fromLogits":true}'], {
      cwd: root, env, encoding: 'utf8', timeout: LIMIT_MS,
    });
    expect(r.stderr).toBe('');
    const printed = JSON.parse(r.stdout);
    expect(relative(printed.loss, focalLoss(data('y-int64.npy'), data('logits32.npy'), { fromLogits: true, classes: C }))).toBeLessThanOrEqual(1e-12);
    expect(printed).toMatchObject({ count: N, coverage: [{ ranges: [[0, N]], complete: true }] });
  });

  it('a worker killed (SIGKILL) in the middle of a job: another takes the stalled job, and the result is exact', async () => {
    const queues = names();
    // Alone on the queue, this worker takes a shard job, says so, and holds it until killed.
    // It leaves stalled jobs to the others: a check marks the queue checked for its interval.
    const doomed = spawnWorker({ ...queues, mergeQueue: undefined, hang: true, worker: { lockDuration: 2000, skipStalledCheck: true } });
    const started = message(doomed, (m) => typeof m.started === 'string', 'a started job');
    const result = evaluate({ labels: f('y-int64.npy'), pred: f('p64.npy'), options: { gamma: 2 }, shards: 4, ...queues });
    const { started: jobId } = await started;
    const killed = new Promise((resolve) => doomed.once('exit', resolve));
    doomed.kill('SIGKILL');
    await bounded(killed, 'the killed worker\'s exit');
    // Workers that look for stalled jobs often (their own locks keep BullMQ's default length).
    await Promise.all([0, 1].map(() => startWorker({ ...queues, worker: { stalledInterval: 500 } })));
    expectExact(await result, focalLoss(data('y-int64.npy'), data('p64.npy'), { classes: C }), N);
    const shardQueue = new Queue(queues.shardQueue, { connection: connection() });
    clients.push(shardQueue);
    const job = (await Job.fromId(shardQueue, String(jobId)))!;
    expect(job.stalledCounter).toBeGreaterThanOrEqual(1);
    expect(await job.getState()).toBe('completed');
  });

  it('Redis restarted between flows: the workers reconnect and the next flow succeeds', async () => {
    const queues = names();
    await Promise.all([0, 1].map(() => startWorker(queues)));
    const spec = { labels: f('y-ignore.npy'), pred: f('p32.npy'), options: { ignoreIndex: -100 }, shards: 5, ...queues };
    const expected = focalLoss(data('y-ignore.npy'), data('p32.npy'), { ignoreIndex: -100, classes: C });
    const counted = Array.from(data('y-ignore.npy')).filter((y) => y !== -100).length;
    expectExact(await evaluate(spec), expected, counted);
    await redis.stop();
    await redis.start();
    expectExact(await evaluate(spec), expected, counted);
  });

  it('bad input in one shard fails the flow with the library\'s error, naming the file\'s entry, without retries', async () => {
    const queues = names();
    await Promise.all([0, 1].map(() => startWorker(queues)));
    const bad = Array.from(data('y-bad.npy'));
    const row = bad.findIndex((y) => y < 0 || y >= C);
    let library = '';
    try {
      focalLoss(bad, data('p64.npy'), { classes: C });
    } catch (error) {
      library = (error as RangeError).message;
    }
    const what = library.slice(library.indexOf(` = ${bad[row]} is not a class index`)).replace(/ \(the batch is .*\)$/, '');
    expect(what).toMatch(/^ = \d+ is not a class index/);
    const spec = { labels: f('y-bad.npy'), pred: f('p64.npy'), shards: 4, ...queues, id: `bad-${queues.mergeQueue}` };
    const shard = [0, 1, 2, 3].find((i) => Math.floor((i * N) / 4) <= row && row < Math.floor(((i + 1) * N) / 4))!;
    const failure = await evaluate(spec).then(() => null, (error: Error) => error);
    expect(failure?.message).toContain(`mergeProcessor: shard job bull:${queues.shardQueue}:${spec.id}-shard-${shard} failed: `);
    expect(failure?.message).toContain(`focalLossAccumulator.update: ${f('y-bad.npy')}[${row}]${what}`);
    const shardQueue = new Queue(queues.shardQueue, { connection: connection() });
    clients.push(shardQueue);
    const job = (await Job.fromId(shardQueue, `${spec.id}-shard-${shard}`))!;
    expect({ state: await job.getState(), attemptsMade: job.attemptsMade }).toEqual({ state: 'failed', attemptsMade: 1 });

    // A file no shard can read (Fortran order): the reader's message.
    await expect(evaluate({ labels: f('y-int64.npy'), pred: f('fortran.npy'), shards: 2, ...queues })).rejects.toThrow(/fortran\.npy is in Fortran \(column-major\) order/);
  });
});
