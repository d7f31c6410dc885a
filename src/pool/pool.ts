// createFocalLossPool: the losses and their gradients split by rows across workers (Node
// worker_threads or browser Web Workers), each with its own kernel instance, combined exactly.
// Nothing runs at import: Node's modules (process.getBuiltinModule, never a static import) come
// with the first pool, the workers and the kernel's compilation with its first call or ready().
import { instantiate } from '../backend/kernel-module.js';
import { compileInlinedModule, selectInstance } from '../backend/loader.js';
import { fail } from '../errors/detail.js';
import { describe } from '../errors/show.js';
import { asymmetric } from '../losses/asymmetric.js';
import { binaryFocal } from '../losses/binary-focal.js';
import { focal, focalArguments } from '../losses/focal.js';
import { readSettings, type LossSettings, type LossSpec } from '../pipeline/loss-spec.js';
import { allocate, numberIn, ownOptions } from '../options/read.js';
import { lossAndGradOf, lossOf } from '../pipeline/compute.js';
import type { LossAndGradient } from '../pipeline/evaluate.js';
import { prepareCall } from '../pipeline/own-views.js';
import { finishGradient, gradientScale } from '../pipeline/gradient-scale.js';
import { gradientOutput } from '../pipeline/gradient-output.js';
import { reduce } from '../pipeline/reduce.js';
import { describeBatch, type Batch } from '../shape.js';
import type { FromWorker } from './protocol.js';
import type { DiagnosticsPart } from '../pipeline/diagnostics.js';
import { runParts, Slot, type PartsResult, type Workers } from './schedule.js';
import { environment, message, type Environment, type Spawn, type Thread, type Threads } from './threads.js';
import { Buffers } from './transfer.js';
import type { FocalLossPool, FocalLossPoolInfo, FocalLossPoolOptions } from './api.js';

export type { FocalLossPool, FocalLossPoolInfo, FocalLossPoolOptions } from './api.js';

const START_TIMEOUT_MS = 30_000;
/** The most workers a pool may have (why: FocalLossPoolOptions.workers). */
const MAX_WORKERS = 256;

/** Not API: the tests reach the Worker objects through this key to simulate crashes and to hold a part in flight (worker.ts's 'hold'). */
const WORKERS = Symbol.for('focal-loss-wasm.pool.workers');

class Pool implements FocalLossPool, Workers {
  private threads: Threads;
  private reason: string | undefined;
  private backendReason: string | undefined;
  readonly slots: Slot[] = [];
  private module: WebAssembly.Module | null = null;
  private closed = false;
  private lastId = 0;
  readonly buffers: Buffers;
  private readonly started: Promise<void>;
  private markStarted!: () => void;
  readonly share = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;

  /** The kernel the workers are sent, once known; null until the pool starts. */
  private kernel: Promise<void> | null = null;

  constructor(
    count: number,
    env: Environment,
    private readonly spawnThread: Spawn | null,
    private readonly given: WebAssembly.Module | undefined,
  ) {
    this.threads = env.threads;
    this.reason = env.reason;
    this.buffers = new Buffers(8 * count + 8);
    this.started = new Promise<void>((resolve) => (this.markStarted = resolve));
    if (spawnThread === null) this.markStarted();
    else for (let k = 0; k < count; k++) this.slots.push(new Slot(null));
  }

  /**
   * On the first call or ready(): compiles the kernel and spawns the workers, one per task,
   * since creating a thread holds this one for milliseconds and a large pool must not hold it for seconds.
   */
  private start(): void {
    if (this.kernel !== null || this.spawnThread === null || this.closed) return;
    this.kernel = (this.given !== undefined ? Promise.resolve(this.given) : compileInlinedModule()).then((m) => {
      if (typeof m === 'string') this.backendReason = m;
      else this.module = m;
    });
    const next = (k: number) => {
      if (this.closed || this.threads === 'main-thread') return;
      try {
        this.slots[k].thread = this.spawn(this.slots[k]);
      } catch (error) {
        this.fallBack(`the workers could not be created: ${message(error)}`);
        return;
      }
      if (k + 1 < this.slots.length) {
        setTimeout(() => next(k + 1), 0);
        return;
      }
      const timer = setTimeout(() => this.fallBack(`the workers did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      (timer as { unref?: () => void }).unref?.();
      void this.started.then(() => clearTimeout(timer));
    };
    setTimeout(() => next(0), 0);
  }

  /** A worker for the slot, sent the kernel (null: the JS kernels) once it is known. */
  private spawn(slot: Slot): Thread {
    const thread: Thread = this.spawnThread!({
      message: (data) => this.receive(slot, data),
      failure: (why) => {
        if (slot.thread === thread) this.failed(slot, why);
      },
    });
    void this.kernel!.then(() => {
      if (slot.thread === thread) thread.post({ type: 'init', module: this.module }, []);
    });
    return thread;
  }

  private receive(slot: Slot, data: FromWorker): void {
    if (data.type === 'ready') {
      slot.ready = true;
      // Starting workers keep the process alive; idle ones do not (a pool never closed does not hold it open).
      slot.thread?.hold(slot.tasks.size > 0);
      if (!data.wasm) this.backendReason ??= data.reason;
      if (this.slots.every((s) => s.ready)) this.markStarted();
      return;
    }
    const task = slot.tasks.get(data.id);
    if (task === undefined) return;
    slot.tasks.delete(data.id);
    slot.thread?.hold(slot.tasks.size > 0);
    task.settle(data);
  }

  /** A worker stopped (exited, threw uncaught, or could not load): its tasks fail and it is replaced. */
  private failed(slot: Slot, why: string): void {
    const thread = slot.thread!;
    const wasReady = slot.ready;
    slot.thread = null;
    slot.ready = false;
    void thread.terminate();
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    if (this.closed) return;
    if (!wasReady) this.fallBack(`a pool worker could not start: ${why}`);
    else {
      try {
        slot.thread = this.spawn(slot);
      } catch (error) {
        this.fallBack(`a pool worker could not be replaced: ${message(error)}`);
      }
    }
    for (const task of tasks) task.fail(`a pool worker stopped during the call (${why})${wasReady ? '; it has been replaced' : ''}`);
  }

  /** From now on, calls run on the calling thread. */
  private fallBack(reason: string): void {
    if (this.threads === 'main-thread') return;
    this.threads = 'main-thread';
    this.reason = reason;
    for (const slot of this.slots) {
      const { thread, tasks } = slot;
      slot.thread = null;
      void thread?.terminate();
      for (const task of tasks.values()) task.fail(`the pool fell back to the calling thread during the call (${reason})`);
      tasks.clear();
    }
    this.markStarted();
  }

  info(): FocalLossPoolInfo {
    const onMain = this.threads === 'main-thread';
    const running = !onMain && !this.closed;
    const info: FocalLossPoolInfo = { workers: running ? this.slots.length : 0, threads: this.threads, sharedMemory: running && this.share };
    if (this.reason !== undefined) info.reason = this.reason;
    if (this.closed) {
      info.closed = true;
      return info;
    }
    if (onMain) {
      const backend = selectInstance('auto', 'createFocalLossPool').backend;
      info.backend = backend;
    } else if (this.slots.every((s) => s.ready)) {
      info.backend = this.backendReason === undefined ? 'wasm' : 'js';
    }
    if (info.backend === 'js' && !onMain) info.backendReason = this.backendReason;
    return info;
  }

  [WORKERS](): unknown[] {
    return this.slots.map((slot) => slot.thread?.raw ?? null);
  }

  async ready(): Promise<FocalLossPoolInfo> {
    this.start();
    await this.started;
    return this.info();
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopping: unknown[] = [];
    for (const slot of this.slots) {
      const { thread, tasks } = slot;
      slot.thread = null;
      if (thread !== null) stopping.push(thread.terminate());
      for (const task of tasks.values()) task.fail('the pool was closed during the call');
      tasks.clear();
    }
    this.markStarted();
    await Promise.all(stopping);
  }

  nextId(): number {
    return ++this.lastId;
  }

  focalLoss(yTrue: unknown, yPred: unknown, third?: unknown, fourth?: unknown): Promise<never> {
    return this.call(focal, 'focalLoss', () => focalArguments('focalLoss', third, fourth), yTrue, yPred, false) as Promise<never>;
  }

  focalLossGrad(yTrue: unknown, yPred: unknown, options?: unknown): Promise<never> {
    const fn = 'focalLossGrad';
    return this.call(focal, fn, () => readSettings(focal, fn, 'grad', options), yTrue, yPred, true) as Promise<never>;
  }

  binaryFocalLoss(yTrue: unknown, yPred: unknown, options?: unknown): Promise<never> {
    const fn = 'binaryFocalLoss';
    return this.call(binaryFocal, fn, () => readSettings(binaryFocal, fn, 'call', options), yTrue, yPred, false) as Promise<never>;
  }

  binaryFocalLossGrad(yTrue: unknown, yPred: unknown, options?: unknown): Promise<never> {
    const fn = 'binaryFocalLossGrad';
    return this.call(binaryFocal, fn, () => readSettings(binaryFocal, fn, 'grad', options), yTrue, yPred, true) as Promise<never>;
  }

  asymmetricLoss(yTrue: unknown, yPred: unknown, options?: unknown): Promise<never> {
    const fn = 'asymmetricLoss';
    return this.call(asymmetric, fn, () => readSettings(asymmetric, fn, 'call', options), yTrue, yPred, false) as Promise<never>;
  }

  asymmetricLossGrad(yTrue: unknown, yPred: unknown, options?: unknown): Promise<never> {
    const fn = 'asymmetricLossGrad';
    return this.call(asymmetric, fn, () => readSettings(asymmetric, fn, 'grad', options), yTrue, yPred, true) as Promise<never>;
  }

  /** Starts the workers if need be and waits for them; a closed pool is an error. */
  private async open(fn: string): Promise<void> {
    const closed = () => fail(Error, fn)`this pool is closed (close() was called); create a new pool`;
    if (this.closed) throw closed();
    this.start();
    await this.started;
    if (this.closed) throw closed();
  }

  async accumulate(fn: string, u: PoolUpdate): Promise<PartsResult | null> {
    await this.open(fn);
    if (this.threads === 'main-thread') return null;
    const main = selectInstance(u.settings.backend, fn);
    const needs = { losses: false, grad: false, perClass: true, diagnostics: u.diagnostics !== null };
    const { job, batch } = main.exclusive(fn, () => prepareCall(u.spec, u.settings, u.batch, null, main, needs, undefined, u.exponent));
    return runParts(this, {
      spec: u.spec, settings: job.settings, batch, job, losses: null, grad: null, gradScale: 1, perClass: true, diagnostics: u.diagnostics,
    });
  }

  private async call(
    spec: LossSpec, fn: string, read: () => LossSettings, yTrue: unknown, yPred: unknown, withGrad: boolean,
  ): Promise<number | Float64Array | LossAndGradient<number | Float64Array>> {
    await this.open(fn);
    const s = read();
    if (this.threads === 'main-thread') return withGrad ? lossAndGradOf(spec, s, yTrue, yPred) : lossOf(spec, s, yTrue, yPred);
    const described = describeBatch(fn, yTrue, yPred, s, spec.reduces === 'elements');
    const gradOut = withGrad ? gradientOutput(s, described) : null;
    // What the one-shot call checks before it reads a row (backend, plan, weights, alpha's length), here.
    const main = selectInstance(s.backend, fn);
    const needs = { losses: s.reduction === 'none', grad: withGrad, perClass: false };
    const { job, batch, grad } = main.exclusive(fn, () => prepareCall(spec, s, described, gradOut, main, needs));
    const losses = needs.losses ? allocate(fn, 'per-sample losses (one per sample of yTrue)', job.samples) : null;
    const scale = gradientScale(s.reduction, s.normalizer, job.samples);
    const call = { spec, settings: job.settings, batch, job, losses, grad, gradScale: scale.provisional };
    const { totals } = await runParts(this, call);
    const correction = grad === null ? null : scale.correction(totals);
    const exact = correction === null ? null : finishGradient(grad!, correction, scale.provisional);
    if (exact !== null) await runParts(this, { ...call, gradScale: exact });
    const loss = losses ?? reduce(totals, s.reduction as Exclude<typeof s.reduction, 'none'>, s.normalizer);
    return grad === null ? loss : { loss, grad };
  }
}

/** An accumulator's update as the pool runs it: the settings carry the accumulator's settled epsilon. */
export interface PoolUpdate {
  spec: LossSpec;
  settings: LossSettings;
  batch: Batch;
  /** The power of two the update's sample weights are scaled by. */
  exponent: number;
  diagnostics: DiagnosticsPart | null;
}

/**
 * Not API: an accumulator's update on a pool's workers (FocalLossAccumulator.updateOn). Resolves
 * to the rows' totals, per-class sums and diagnostics, or to null where the pool runs on the
 * calling thread (the accumulator then updates as update() does).
 */
export function accumulateOn(pool: unknown, fn: string, update: PoolUpdate): Promise<PartsResult | null> {
  if (!(pool instanceof Pool)) throw fail(TypeError, fn)`pool must be a pool made by createFocalLossPool(), got ${describe(pool)}`;
  return pool.accumulate(fn, update);
}

/**
 * A pool of workers computing the losses (and their gradients) over row slices of a batch,
 * each with its own kernel instance; the partial sums (with their compensation terms) are
 * merged and reduced exactly as the one-shot call reduces them. Typed arrays on a
 * SharedArrayBuffer are read in place; other inputs are copied to the workers part by part.
 * Where workers cannot start, calls run on the calling thread and `info().reason` says why.
 * Creating a pool starts no thread: the workers start with its first call or `ready()`.
 */
export function createFocalLossPool(options?: FocalLossPoolOptions): FocalLossPool {
  const fn = 'createFocalLossPool';
  const o = ownOptions(fn, options, ['workers', 'module']);
  const workers = o.workers === undefined
    ? undefined
    : numberIn(fn, 'workers', o.workers, (v) => Number.isSafeInteger(v) && v >= 1 && v <= MAX_WORKERS,
      `an integer from 1 to ${MAX_WORKERS} (leave it out for one worker per core)`);
  const module = o.module as WebAssembly.Module | undefined;
  if (module !== undefined) {
    if (!(typeof WebAssembly === 'object' && module instanceof WebAssembly.Module)) {
      throw fail(TypeError, fn)`module must be a WebAssembly.Module (the kernel), got ${describe(module)}`;
    }
    // The workers' check, made here first: a module that is not the kernel is refused at once, not in every worker.
    instantiate(module, fn);
  }
  const env = environment();
  return new Pool(workers ?? Math.min(env.parallelism, MAX_WORKERS), env, env.spawn, module);
}
