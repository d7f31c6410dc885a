// A pool worker (Node worker_threads or a browser module Web Worker): instantiates the kernel
// module the pool posts once, then computes the parts of rows it is sent, one at a time, and
// returns their compensated totals (and per-sample losses and gradients when asked). It never
// imports the loader, so it does not carry the inlined kernel: the module comes by message.
import type { KernelInstance } from '../backend/instance.js';
import { JsInstance } from '../backend/js-instance.js';
import { instantiate } from '../backend/kernel-module.js';
import type { WasmInstance } from '../backend/wasm-instance.js';
import { fail } from '../errors/detail.js';
import { Layout } from '../layout/layout.js';
import { LOSSES } from '../losses/registry.js';
import { evaluateRange, prepare } from '../pipeline/evaluate.js';
import { partTally } from '../pipeline/diagnostics.js';
import { failedChunk } from '../pipeline/run.js';
import type { FromWorker, RunMessage, ToWorker } from './protocol.js';

interface NodePort {
  on(event: 'message' | 'messageerror', listener: (data: ToWorker) => void): void;
  postMessage(data: FromWorker, transfer?: Transferable[]): void;
}

const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (id: string) => { parentPort: NodePort | null } } }).process;
const parentPort = nodeProcess?.getBuiltinModule?.('node:worker_threads').parentPort ?? null;
const scope = globalThis as unknown as {
  postMessage(data: FromWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror', listener: (event: MessageEvent<ToWorker>) => void): void;
};

const post = (data: FromWorker, transfer: Transferable[] = []): void =>
  parentPort !== null ? parentPort.postMessage(data, transfer) : scope.postMessage(data, transfer);

const js = new JsInstance();
let wasm: WasmInstance | null = null;
let reason = 'the pool sent no wasm module';
/** Test-only (protocol.ts's HoldMessage): the flag the next part holds on. */
let hold: Int32Array | null = null;

function instanceFor(m: RunMessage): KernelInstance {
  const { backend, fn } = m.settings;
  if (backend === 'js') return js;
  if (wasm !== null) return wasm;
  if (backend === 'wasm') throw fail(Error, fn)`backend "wasm" requested but wasm kernel failed to load: ${reason}`;
  return js;
}

/** Target rows packed into one typed array, as an array of views of it: what the caller's rows were, without their cost to post. */
function unpack(values: Float64Array, width: number, n: number): Float64Array[] {
  const rows = new Array<Float64Array>(n);
  for (let i = 0; i < n; i++) rows[i] = values.subarray(i * width, (i + 1) * width);
  return rows;
}

/** The buffers of the part's copies (not shared memory, which is the caller's), to send back for reuse. */
function spare(m: RunMessage): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const value of [m.batch.yTrue, m.batch.yPred, m.settings.sampleWeight?.values]) {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
  }
  return [...buffers];
}

/** Waits, if a test asked to hold this part, until the test releases it (released before: no wait). */
function held(): void {
  const flag = hold;
  hold = null;
  if (flag !== null && Atomics.compareExchange(flag, 0, 0, 1) === 0) {
    Atomics.notify(flag, 0);
    Atomics.wait(flag, 0, 1);
  }
}

function run(m: RunMessage): void {
  held();
  const spec = LOSSES[m.loss];
  const { n, classes } = m.batch;
  const losses = m.losses === null ? null : new Float64Array(m.losses, 0, n * (spec.reduces === 'elements' ? classes : 1));
  const grad = m.grad === null ? null : new (m.grad.f32 ? Float32Array : Float64Array)(m.grad.buffer, 0, n * classes);
  const back = spare(m);
  const returned = [m.losses, m.grad?.buffer].filter((b): b is ArrayBuffer => b !== null && b !== undefined);
  try {
    const instance = instanceFor(m);
    const { samples, classes: C, inner } = m.batch.layout;
    const batch = {
      ...m.batch,
      layout: new Layout(samples, C, inner),
      ...(m.targetRows === 0 ? {} : { yTrue: unpack(m.batch.yTrue as Float64Array, m.targetRows, n) }),
    };
    const needs = { losses: losses !== null, grad: grad !== null, perClass: m.perClass, diagnostics: m.diagnostics !== null };
    const part = m.diagnostics === null ? null : partTally(m.diagnostics, spec.reduces === 'elements', batch, m.settings, m.weightExponent);
    const { totals, perClass } = instance.exclusive(m.settings.fn, () => {
      const job = prepare(spec, m.settings, batch, instance, needs, undefined, m.weightExponent);
      return evaluateRange(job, 0, n, { losses, grad, observe: part?.observe }, m.grad?.scale ?? 1);
    });
    const diagnostics = part?.tally.data() ?? null;
    post({ type: 'done', id: m.id, totals, losses: m.losses, grad: m.grad?.buffer ?? null, perClass, diagnostics, spare: back }, [...returned, ...back]);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    back.push(...returned);
    post({ type: 'failed', id: m.id, chunk: failedChunk(error), name: e.name, message: e.message, spare: back }, back);
  }
}

function receive(m: ToWorker): void {
  // A malformed message is a bug in the pool: it throws here, uncaught, and the pool replaces the worker.
  if (m.type === 'run') return run(m);
  if (m.type === 'hold') {
    hold = m.flag;
    return;
  }
  if (m.type !== 'init') throw new Error(`focal-loss-wasm pool worker: unknown message ${String((m as { type: unknown }).type)}`);
  if (m.module !== null) {
    try {
      wasm = instantiate(m.module, 'createFocalLossPool');
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
  }
  post(wasm !== null ? { type: 'ready', wasm: true } : { type: 'ready', wasm: false, reason });
}

// A message that cannot be read here would leave its call waiting: crash instead, and the pool replaces this worker.
const unreadable = (): never => {
  throw new Error('focal-loss-wasm pool worker: a message from the pool could not be deserialized');
};
if (parentPort !== null) {
  parentPort.on('message', receive);
  parentPort.on('messageerror', unreadable);
} else {
  scope.addEventListener('message', (event) => receive(event.data));
  scope.addEventListener('messageerror', unreadable);
}
