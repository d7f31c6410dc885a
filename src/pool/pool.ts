// createFocalLossPool: focalLoss and binaryFocalLoss split by rows across workers (Node
// worker_threads or browser Web Workers), each with its own kernel instance, combined exactly.
// Nothing runs at import: Node's modules (process.getBuiltinModule, never a static import) come
// with the first pool, the workers and the kernel's compilation with its first call or ready().
import { selectInstance } from '../backend/loader.js';
import { chunkRows } from '../backend/scratch.js';
import { binaryFocalLoss, type BinaryValues } from '../binary-focal-loss.js';
import { describe } from '../errors.js';
import { focalLoss, type Predictions, type Targets } from '../focal-loss.js';
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from '../generated/kernel-base64.js';
import { readBinaryFocalLossOptions, type BinaryFocalLossOptions } from '../options/binary-focal-loss-options.js';
import type { PerSample } from '../options/common.js';
import { readFocalLossArguments, type FocalLossOptions } from '../options/focal-loss-options.js';
import { numberIn, ownOptions } from '../options/read.js';
import { reduce } from '../pipeline/reduce.js';
import { describeBatch, type Batch } from '../shape.js';
import type { DoneMessage, FailedMessage, FromWorker, ToWorker } from './protocol.js';
import { ChunkError, runRange, type LossName, type Partial, type Settings } from './range.js';

/** Options of {@link createFocalLossPool}. */
export interface FocalLossPoolOptions {
  /**
   * How many workers, from 1 to 256; default: the available parallelism (Node) or
   * navigator.hardwareConcurrency, at most 256. The limit is a fixed number, not a multiple of
   * the cores, so that a pool sized on one machine is not refused on a smaller one; it is far
   * above the core count of common hardware (more workers than cores add no speed: each one
   * computes, none waits), and it bounds what a mistaken count costs, since each worker is a
   * thread with its own JavaScript heap and kernel instance (about 10 MB in Node). Above it:
   * a RangeError.
   */
  workers?: number;
  /** The kernel the workers instantiate; default: the inlined one, compiled once (asynchronously) on this thread. */
  module?: WebAssembly.Module;
}

/** Where a pool's calls run. */
export interface FocalLossPoolInfo {
  /** Worker threads in use (0 on the calling thread). */
  workers: number;
  threads: 'worker_threads' | 'web-workers' | 'main-thread';
  /** Why the pool runs on the calling thread, when it does. */
  reason?: string;
  /** Whether typed arrays on a SharedArrayBuffer are read in place (false: copied, as other inputs are). */
  sharedMemory: boolean;
  /** The workers' kernels for backend 'auto', once they have started (on the calling thread: backendInfo()'s). */
  backend?: 'wasm' | 'js';
  /** Why the workers have no wasm kernel, if they have not. */
  backendReason?: string;
  /** Present once close() was called: no worker runs (`workers` is 0) and every call rejects. `threads` is the kind the pool used. */
  closed?: true;
}

/** focalLoss and binaryFocalLoss on worker threads: the same arguments, results and errors, as promises. */
export interface FocalLossPool {
  focalLoss(yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossOptions>): Promise<Float64Array>;
  focalLoss(yTrue: Targets, yPred: Predictions, options?: FocalLossOptions): Promise<number>;
  focalLoss(yTrue: Targets, yPred: Predictions, gamma?: number, alpha?: number | ArrayLike<number>): Promise<number>;
  binaryFocalLoss(yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossOptions>): Promise<Float64Array>;
  binaryFocalLoss(yTrue: BinaryValues, yPred: BinaryValues, options?: BinaryFocalLossOptions): Promise<number>;
  /** Where calls run now (before the workers have started: where they are meant to run; after close(): nowhere). */
  info(): FocalLossPoolInfo;
  /**
   * Starts the workers if no call has (creating a pool starts none), and resolves once they
   * have started, or the pool has fallen back to the calling thread, or has been closed.
   */
  ready(): Promise<FocalLossPoolInfo>;
  /** Terminates the workers; later calls reject. */
  close(): Promise<void>;
}

type Threads = FocalLossPoolInfo['threads'];

/** One worker thread, Node's or the browser's, behind the few operations the pool uses. */
interface Thread {
  post(message: ToWorker, transfer: Transferable[]): void;
  terminate(): unknown;
  /** Node: keep the process alive only while the worker starts or has work (ref/unref). */
  hold(busy: boolean): void;
  /** The Worker object itself (for the tests' crash simulations). */
  readonly raw: unknown;
}

interface Listener {
  message(data: FromWorker): void;
  failure(why: string): void;
}

type Spawn = (listener: Listener) => Thread;

interface NodeWorker {
  on(event: string, listener: (value: never) => void): void;
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

interface NodeProcess {
  version: string;
  versions: { node?: string };
  getBuiltinModule?(id: string): unknown;
}

const message = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function nodeSpawner(Worker: new (url: URL) => NodeWorker): Spawn {
  // Not the literal `new URL('./worker.js', import.meta.url)`: bundlers would copy the file for this Node-only path.
  const file = new URL(['.', 'worker.js'].join('/'), import.meta.url);
  return (listener) => {
    const worker = new Worker(file);
    worker.on('message', (data: FromWorker) => listener.message(data));
    worker.on('error', (error: Error) => listener.failure(`it threw an uncaught ${message(error)}`));
    worker.on('messageerror', (error: Error) => listener.failure(`a message to it could not be read: ${message(error)}`));
    worker.on('exit', (code: number) => listener.failure(`it exited with code ${code}`));
    return {
      post: (m, transfer) => worker.postMessage(m, transfer),
      terminate: () => worker.terminate(),
      hold: (busy) => (busy ? worker.ref() : worker.unref()),
      raw: worker,
    };
  };
}

const webSpawn: Spawn = (listener) => {
  // Written literally, so that Vite and webpack find the worker and bundle it.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => listener.message(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    listener.failure(event.message ? `it threw: ${event.message}` : 'its script could not be loaded (not found, blocked, or not a module)');
  };
  worker.onmessageerror = () => listener.failure('a message to it could not be read');
  return { post: (m, transfer) => worker.postMessage(m, transfer), terminate: () => worker.terminate(), hold() {}, raw: worker };
};

interface Environment {
  threads: Threads;
  spawn: Spawn | null;
  parallelism: number;
  reason?: string;
}

function environment(): Environment {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typeof proc === 'object' && proc !== null && typeof proc.versions?.node === 'string') {
    if (typeof proc.getBuiltinModule !== 'function') {
      return {
        threads: 'main-thread', spawn: null, parallelism: 1,
        reason: `Node ${proc.version} has no process.getBuiltinModule (Node >= 20.16 has), so worker_threads cannot be loaded`,
      };
    }
    const threads = proc.getBuiltinModule('node:worker_threads') as { Worker: new (url: URL) => NodeWorker };
    const os = proc.getBuiltinModule('node:os') as { availableParallelism?(): number; cpus(): unknown[] };
    return { threads: 'worker_threads', spawn: nodeSpawner(threads.Worker), parallelism: os.availableParallelism?.() ?? os.cpus().length };
  }
  if (typeof Worker === 'function') {
    const cores = typeof navigator === 'object' ? navigator.hardwareConcurrency : undefined;
    return { threads: 'web-workers', spawn: webSpawn, parallelism: Math.max(1, cores || 1) };
  }
  return { threads: 'main-thread', spawn: null, parallelism: 1, reason: 'this environment has no Worker' };
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let compiled: Promise<WebAssembly.Module | string> | null = null;

/** The inlined kernel compiled once, off the main thread's critical path; a string says why it did not compile. */
function compileKernel(): Promise<WebAssembly.Module | string> {
  return (compiled ??= (async () => {
    try {
      const simd = decode(SIMD_WASM_BASE64);
      return await WebAssembly.compile(WebAssembly.validate(simd) ? simd : decode(SCALAR_WASM_BASE64));
    } catch (error) {
      return `wasm kernel failed to compile: ${error instanceof Error ? error.message : String(error)}`;
    }
  })());
}

const isShared = (view: ArrayBufferView): boolean => Object.prototype.toString.call(view.buffer) === '[object SharedArrayBuffer]';

type Typed = Float64Array | Float32Array;
type TypedConstructor = new (buffer: ArrayBuffer, offset: number, length: number) => Typed;

/** Gives an ArrayBuffer of at least `bytes` bytes, for a copy that is transferred to a worker. */
type Take = (bytes: number) => ArrayBuffer;

/**
 * The buffers copies travel in: workers send them back with their results, and the next
 * part (of this call or a later one) reuses them, so large batches do not keep touching fresh
 * memory (page faults can cost more than the copy) and memory stays bounded.
 */
class Buffers {
  private readonly spare: ArrayBuffer[] = [];
  constructor(private readonly keep: number) {}

  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let k = 0; k < this.spare.length; k++) {
      const size = this.spare[k].byteLength;
      if (size >= bytes && (best < 0 || size < this.spare[best].byteLength)) best = k;
    }
    return best < 0 ? new ArrayBuffer(bytes) : this.spare.splice(best, 1)[0];
  }

  give(buffers: ArrayBuffer[]): void {
    for (const buffer of buffers) {
      if (this.spare.length < this.keep) this.spare.push(buffer);
      else {
        const smallest = this.spare.reduce((a, b, k) => (b.byteLength < this.spare[a].byteLength ? k : a), 0);
        if (this.spare[smallest].byteLength < buffer.byteLength) this.spare[smallest] = buffer;
      }
    }
  }
}

/** A typed array's values [a, b) for a worker: a view when it can share the memory, else a copy in a buffer it takes over. */
function sliceTyped(typed: Typed, a: number, b: number, share: boolean, take: Take, transfer: Transferable[]): Typed {
  if (share && isShared(typed)) return typed.subarray(a, b);
  const copy = new (typed.constructor as TypedConstructor)(take((b - a) * typed.BYTES_PER_ELEMENT), 0, b - a);
  copy.set(typed.subarray(a, b));
  transfer.push(copy.buffer);
  return copy;
}

/**
 * Rows [from, to) of one argument as a worker gets them, and the width of the rows packed
 * into it, flat (0: as it is). Typed arrays on shared memory are viewed, not copied. Everything
 * else is copied into typed arrays that are transferred, as the structured clone of plain
 * arrays costs far more than the loss: numbers into a Float64Array (exact, so the worker
 * sees the same values), rows into one flat buffer. What is not
 * all numbers (an error, or entries the loss never reads) goes by structured clone.
 */
function part(
  values: ArrayLike<unknown>, rows: boolean, width: number, from: number, to: number, share: boolean, take: Take,
  transfer: Transferable[],
): [unknown, number] {
  if (rows) {
    const packed = packRows(values, width, from, to, share, take, transfer);
    return packed === null ? [Array.prototype.slice.call(values, from, to), 0] : [packed, width];
  }
  const a = from * width;
  const b = to * width;
  if (ArrayBuffer.isView(values)) return [sliceTyped(values as unknown as Typed, a, b, share, take, transfer), 0];
  const copy = new Float64Array(take((b - a) * 8), 0, b - a);
  for (let k = a; k < b; k++) {
    const v = values[k];
    if (typeof v !== 'number') return [Array.prototype.slice.call(values, a, b), 0];
    copy[k - a] = v;
  }
  transfer.push(copy.buffer);
  return [copy, 0];
}

/** Rows [from, to), each `width` numbers, in one typed array (Float32Array if every row is one), or null. */
function packRows(
  values: ArrayLike<unknown>, width: number, from: number, to: number, share: boolean, take: Take, transfer: Transferable[],
): Typed | null {
  const m = to - from;
  const first = values[from] as Typed;
  const f32 = first instanceof Float32Array;
  if (f32 || first instanceof Float64Array) {
    // Consecutive views of one buffer (the rows of a flat array): one view of them all, or one copy.
    const step = width * first.BYTES_PER_ELEMENT;
    let i = 0;
    for (; i < m; i++) {
      const row = values[from + i] as Typed;
      if (!(row instanceof first.constructor) || row.buffer !== first.buffer || row.length !== width || row.byteOffset !== first.byteOffset + i * step) break;
    }
    if (i === m) {
      const all = new (first.constructor as TypedConstructor)(first.buffer as ArrayBuffer, first.byteOffset, m * width);
      return sliceTyped(all, 0, m * width, share, take, transfer);
    }
  }
  return pack(values, width, from, m, f32, take, transfer) ?? (f32 ? pack(values, width, from, m, false, take, transfer) : null);
}

function pack(values: ArrayLike<unknown>, width: number, from: number, m: number, f32: boolean, take: Take, transfer: Transferable[]): Typed | null {
  const all = f32 ? new Float32Array(take(m * width * 4), 0, m * width) : new Float64Array(take(m * width * 8), 0, m * width);
  for (let i = 0; i < m; i++) {
    const row = values[from + i] as ArrayLike<unknown>;
    if (typeof row !== 'object' || row === null || row.length !== width) return null;
    if (ArrayBuffer.isView(row)) {
      if (f32 ? !(row instanceof Float32Array) : row instanceof BigInt64Array || row instanceof BigUint64Array) return null;
      all.set(row as Typed, i * width);
      continue;
    }
    if (f32) return null;
    for (let c = 0; c < width; c++) {
      const v = row[c];
      if (typeof v !== 'number') return null;
      all[i * width + c] = v;
    }
  }
  transfer.push(all.buffer);
  return all;
}

/** A slice's result: its totals (and losses), or the first error in it, at the first row of its chunk (-1: before any). */
type Outcome = { ok: true; partial: Partial } | { ok: false; chunk: number; error: Error; fromWorker: boolean };

interface Task {
  fn: string;
  settle(data: DoneMessage | FailedMessage): void;
  fail(why: string): void;
}

class Slot {
  ready = false;
  readonly tasks = new Map<number, Task>();
  constructor(public thread: Thread | null) {}
}

function rebuilt(m: FailedMessage): Error {
  const Class = m.name === 'TypeError' ? TypeError : m.name === 'RangeError' ? RangeError : Error;
  return new Class(m.message);
}

/** Neumaier's addition of (x, xCarry) to a (sum, carry) pair, as accumulators merge. */
function addCompensated(pair: [number, number], x: number, xCarry: number): void {
  const sum = pair[0];
  const t = sum + x;
  pair[1] += (Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum) + xCarry;
  pair[0] = t;
}

const value = (pair: [number, number]): number => (Number.isFinite(pair[0]) ? pair[0] + pair[1] : pair[0]);

const START_TIMEOUT_MS = 30_000;
/** The most workers a pool may have (why: FocalLossPoolOptions.workers). */
const MAX_WORKERS = 256;
/** Parts posted to a worker ahead of its results: one computing, one waiting. */
const DEPTH = 2;
/** Parts of copied input: about this many bytes of yPred (as float64) each. */
const PART_BYTES = 1 << 21;
/** Parts of shared input per worker: enough to balance uneven progress, few enough to cost nothing. */
const PARTS_PER_WORKER = 4;

/** Not API: the tests reach the Worker objects through this key to simulate crashes and to hold a part in flight (worker.ts's 'hold'). */
const WORKERS = Symbol.for('focal-loss-wasm.pool.workers');

class Pool implements FocalLossPool {
  private threads: Threads;
  private reason: string | undefined;
  private backendReason: string | undefined;
  private readonly slots: Slot[] = [];
  private module: WebAssembly.Module | null = null;
  private closed = false;
  private nextId = 0;
  private readonly buffers: Buffers;
  private readonly started: Promise<void>;
  private markStarted!: () => void;
  private readonly share = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
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
    this.kernel = (this.given !== undefined ? Promise.resolve(this.given) : compileKernel()).then((m) => {
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

  focalLoss(yTrue: unknown, yPred: unknown, third?: unknown, fourth?: unknown): Promise<never> {
    return this.call('focalLoss', yTrue, yPred, third, fourth) as Promise<never>;
  }

  binaryFocalLoss(yTrue: unknown, yPred: unknown, options?: unknown): Promise<never> {
    return this.call('binaryFocalLoss', yTrue, yPred, options, undefined) as Promise<never>;
  }

  private async call(loss: LossName, yTrue: unknown, yPred: unknown, third: unknown, fourth: unknown): Promise<number | Float64Array> {
    const closed = () => new Error(`${loss}: this pool is closed (close() was called); create a new pool`);
    if (this.closed) throw closed();
    this.start();
    await this.started;
    if (this.closed) throw closed();
    if (this.threads === 'main-thread') {
      const oneShot = (loss === 'focalLoss' ? focalLoss : binaryFocalLoss) as (...args: unknown[]) => number | Float64Array;
      return loss === 'focalLoss' ? oneShot(yTrue, yPred, third, fourth) : oneShot(yTrue, yPred, third);
    }
    const binary = loss === 'binaryFocalLoss';
    const s: Settings = binary ? readBinaryFocalLossOptions(loss, third) : readFocalLossArguments(loss, third, fourth);
    const batch = describeBatch(s.fn, yTrue, yPred, s.classes, binary);
    // What the one-shot call checks before it reads a row (backend, plan, weights' count, alpha's length), here.
    const main = selectInstance(s.backend, s.fn);
    main.exclusive(s.fn, () => runRange(main, loss, s, batch, 0, 0, null));
    return this.split(loss, s, batch);
  }

  /**
   * Runs the batch as parts (whole chunks each, so each chunk is checked as the one-shot call
   * checks it), handed to the workers as they finish earlier ones, and combines them.
   */
  private split(loss: LossName, s: Settings, batch: Batch): Promise<number | Float64Array> {
    const { fn } = s;
    const n = batch.n;
    const step = chunkRows(batch.classes);
    const chunks = Math.ceil(n / step);
    // The least busy workers first, so that concurrent small calls spread.
    const slots = this.slots.filter((slot) => slot.thread !== null).sort((a, b) => a.tasks.size - b.tasks.size);
    const width = loss === 'binaryFocalLoss' ? batch.classes : 1;
    const result = s.reduction === 'none' ? new Float64Array(n * width) : null;
    const inPlace = this.share && [batch.yTrue, batch.yPred, s.sampleWeight?.values].every(
      (v) => v === undefined || (ArrayBuffer.isView(v) && isShared(v)),
    );
    // Shared memory: a few parts per worker, for balance. Copies: parts of about PART_BYTES.
    const perPart = inPlace
      ? Math.ceil(chunks / (PARTS_PER_WORKER * Math.max(1, slots.length)))
      : Math.max(1, Math.floor(PART_BYTES / (step * batch.classes * 8)));
    const parts = Math.ceil(chunks / perPart);
    const bound = (k: number) => Math.min(n, k * perPart * step);
    const outcomes: Outcome[] = [];
    const main = selectInstance(s.backend, fn);
    const take: Take = (bytes) => this.buffers.take(bytes);

    /** A part on this thread: one that could not be posted (a value the structured clone cannot copy). */
    const here = (from: number, to: number): Outcome => {
      try {
        const losses = result === null ? null : result.subarray(from * width, to * width);
        return { ok: true, partial: main.exclusive(fn, () => runRange(main, loss, s, batch, from, to, losses)) };
      } catch (e) {
        const chunk = e instanceof ChunkError ? e.start : -1;
        return { ok: false, chunk, error: (e instanceof ChunkError ? e.error : e) as Error, fromWorker: false };
      }
    };

    return new Promise((resolve, reject) => {
      let next = 0;
      let running = 0;
      let over = false;
      // No part at or after the first failing chunk needs to run.
      let stop = n;
      const inFlight = new Map<Slot, number>();
      const record = (k: number, outcome: Outcome) => {
        outcomes[k] = outcome;
        if (!outcome.ok) stop = Math.min(stop, Math.max(0, outcome.chunk));
      };
      const finish = () => {
        if (over || running > 0 || (next < parts && bound(next) < stop)) return;
        over = true;
        try {
          resolve(this.combine(loss, s, batch, outcomes, result));
        } catch (error) {
          reject(error);
        }
      };
      const feed = (slot: Slot) => {
        while (!over && slot.thread !== null && (inFlight.get(slot) ?? 0) < DEPTH && next < parts && bound(next) < stop) {
          const k = next++;
          const from = bound(k);
          const to = bound(k + 1);
          try {
            const transfer: Transferable[] = [];
            const sampleWeight = s.sampleWeight === undefined
              ? undefined
              : { values: part(s.sampleWeight.values, false, 1, from, to, this.share, take, transfer)[0], length: to - from };
            const [yTrue, trueWidth] = part(batch.yTrue, batch.trueRows, width, from, to, this.share, take, transfer);
            const [yPred, predWidth] = part(batch.yPred, batch.predRows, batch.classes, from, to, this.share, take, transfer);
            // Packed rows go flat (the kernels read flat rows as they read rows, and making a view per row costs
            // more than the loss), except focalLoss's target rows, which only rows can be: the worker views those.
            const targetRows = trueWidth > 0 && loss === 'focalLoss';
            const delivered = { trueRows: batch.trueRows && (trueWidth === 0 || targetRows), predRows: batch.predRows && predWidth === 0 };
            const losses = result === null ? null : take((to - from) * width * 8);
            if (losses !== null) transfer.push(losses);
            const id = this.nextId++;
            const settings = { ...s, sampleWeight } as Settings;
            const slice = { ...batch, ...delivered, n: to - from, yTrue, yPred } as Batch;
            slot.thread.post({ type: 'run', id, loss, settings, batch: slice, targetRows: targetRows ? trueWidth : 0, losses }, transfer);
            slot.tasks.set(id, {
              fn,
              settle: (m) => {
                running--;
                inFlight.set(slot, inFlight.get(slot)! - 1);
                if (m.type === 'done') {
                  if (result !== null) result.set(new Float64Array(m.losses!, 0, (to - from) * width), from * width);
                  record(k, { ok: true, partial: m.partial });
                } else {
                  record(k, { ok: false, chunk: m.chunk < 0 ? -1 : from + m.chunk, error: rebuilt(m), fromWorker: true });
                }
                this.buffers.give(m.type === 'done' && m.losses !== null ? [m.losses, ...m.spare] : m.spare);
                feed(slot);
                finish();
              },
              fail: (why) => {
                if (over) return;
                over = true;
                reject(new Error(`${fn}: ${why}`));
              },
            });
            slot.thread.hold(true);
            running++;
            inFlight.set(slot, (inFlight.get(slot) ?? 0) + 1);
          } catch {
            record(k, here(from, to));
          }
        }
      };
      for (const slot of slots) feed(slot);
      // Without a live worker (none should be missing), every part runs here.
      while (slots.length === 0 && next < parts && bound(next) < stop) record(next, here(bound(next), bound(++next)));
      finish();
    });
  }

  private combine(loss: LossName, s: Settings, batch: Batch, outcomes: Outcome[], result: Float64Array | null): number | Float64Array {
    let first: Extract<Outcome, { ok: false }> | null = null;
    for (const o of outcomes) if (o !== undefined && !o.ok && (first === null || o.chunk < first.chunk)) first = o;
    if (first !== null) {
      if (first.fromWorker && first.chunk >= 0) {
        // The worker named rows by their place in its part: the same chunk, checked here, names them as the batch does.
        const main = selectInstance(s.backend, s.fn);
        const to = Math.min(batch.n, first.chunk + chunkRows(batch.classes));
        try {
          main.exclusive(s.fn, () => runRange(main, loss, s, batch, first!.chunk, to, null));
        } catch (e) {
          throw e instanceof ChunkError ? e.error : e;
        }
      }
      throw first.error;
    }
    if (result !== null) return result;
    const done = outcomes as Array<Extract<Outcome, { ok: true }>>;
    const sum: [number, number] = [0, 0];
    const weightSum: [number, number] = [0, 0];
    let count = 0;
    for (const { partial: p } of done) {
      addCompensated(sum, p.sum, p.sumCarry);
      addCompensated(weightSum, p.weightSum, p.weightCarry);
      count += p.count;
    }
    return reduce({ sum: value(sum), count, weightSum: value(weightSum) }, s.reduction as 'mean', s.normalizer);
  }
}

/**
 * A pool of workers computing focalLoss and binaryFocalLoss over row slices of a batch, each
 * with its own kernel instance; the partial sums (with their compensation terms) are merged
 * and reduced exactly as the one-shot call reduces them. Typed arrays on a SharedArrayBuffer
 * are read in place; other inputs are copied to the workers slice by slice. Where workers
 * cannot start, calls run on the calling thread and `info().reason` says why. Creating a
 * pool starts no thread: the workers start with its first call or `ready()`.
 */
export function createFocalLossPool(options?: FocalLossPoolOptions): FocalLossPool {
  const fn = 'createFocalLossPool';
  const o = ownOptions(fn, options, ['workers', 'module']);
  const workers = o.workers === undefined
    ? undefined
    : numberIn(fn, 'workers', o.workers, (v) => Number.isSafeInteger(v) && v >= 1 && v <= MAX_WORKERS,
      `an integer from 1 to ${MAX_WORKERS} (leave it out for one worker per core)`);
  const module = o.module as WebAssembly.Module | undefined;
  if (module !== undefined && !(typeof WebAssembly === 'object' && module instanceof WebAssembly.Module)) {
    throw new TypeError(`${fn}: module must be a WebAssembly.Module (the kernel), got ${describe(module)}`);
  }
  const env = environment();
  return new Pool(workers ?? Math.min(env.parallelism, MAX_WORKERS), env, env.spawn, module);
}
