import type { FromWorker, ToWorker } from './protocol.js';

// Worker threads behind the few operations a pool uses, Node's worker_threads or the
// browser's Web Workers, and which of them this environment has. Node's modules are reached
// through process.getBuiltinModule, never a static import, so bundles for browsers stay clean.

/** Where a pool's calls run. */
export type Threads = 'worker_threads' | 'web-workers' | 'main-thread';

/** One worker thread, Node's or the browser's, behind the few operations the pool uses. */
export interface Thread {
  post(message: ToWorker, transfer: Transferable[]): void;
  terminate(): unknown;
  /** Node: keep the process alive only while the worker starts or has work (ref/unref). */
  hold(busy: boolean): void;
  /** The Worker object itself (for the tests' crash simulations). */
  readonly raw: unknown;
}

export interface Listener {
  message(data: FromWorker): void;
  failure(why: string): void;
}

export type Spawn = (listener: Listener) => Thread;

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

export const message = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

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

export interface Environment {
  threads: Threads;
  spawn: Spawn | null;
  parallelism: number;
  reason?: string;
}

export function environment(): Environment {
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
