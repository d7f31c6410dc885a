// What the suite and the tour share: the machine description, the reference check of one
// call, statistics, and the progress line on stderr.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo, wasmBuild } from '../dist/index.js';
import { referenceAsymmetric } from './asymmetric.mjs';
import { gradientError, lossError, reference, referenceGrad } from './contenders.mjs';

export const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The CPU model: os.cpus() names it, else /proc/cpuinfo's "model name", else 'unknown'. */
function cpuModel() {
  const model = os.cpus()[0]?.model?.trim();
  if (model) return model;
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * What touching fresh memory costs, ns per 4 KiB page (median of 3 × 16 MiB): on a VM that
 * hands freed pages back to its host (free page reporting) every first touch is a fault on the
 * host, tens of µs instead of a fraction of one; contenders that allocate large buffers on every
 * call (TensorFlow.js creating tensors from a Float64Array, dataSync) pay it on each call.
 */
export function freshPageCost() {
  const pages = 4096;
  const costs = [];
  for (let k = 0; k < 3; k++) {
    const start = process.hrtime.bigint();
    const bytes = new Uint8Array(pages * 4096);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    costs.push(Number(process.hrtime.bigint() - start) / pages);
  }
  return Math.round(median(costs));
}

/** The machine, the engine, this library's wasm build and TensorFlow.js's, for the report. */
export async function environment() {
  const flag = async (name) => {
    try {
      return await tf.env().getAsync(name);
    } catch {
      return null;
    }
  };
  return {
    machine: {
      cpu: cpuModel(),
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.arch()}`,
      freshPageNs: freshPageCost(),
    },
    node: process.version,
    v8: process.versions.v8,
    wasm: { ...backendInfo(), build: wasmBuild() === 'simd' ? 'SIMD (f64x2)' : wasmBuild() ?? 'unavailable' },
    tfjs: {
      version: tf.version_core,
      // What the wasm backend detects (registered by @tensorflow/tfjs-backend-wasm).
      wasmSimd: await flag('WASM_HAS_SIMD_SUPPORT'),
      wasmThreads: await flag('WASM_HAS_MULTITHREAD_SUPPORT'),
    },
  };
}

/** The fresh-page cost for a reader: "25 µs per 4 KiB page". */
export const pageCost = (ns) => (ns === undefined || ns === null ? '?' : ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs per 4 KiB page` : `${ns} ns per 4 KiB page`);

/** One line describing the environment, for the console. */
export function describeEnvironment(env) {
  const m = env.machine;
  const tfw = env.tfjs.wasmSimd === null ? '' : `, its wasm backend ${env.tfjs.wasmSimd ? 'SIMD' : 'scalar'}${env.tfjs.wasmThreads ? ', threaded' : ', one thread'}`;
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform} (first touch of fresh memory: ${pageCost(m.freshPageNs)}); Node ${env.node} (V8 ${env.v8}); ` +
    `wasm kernel: ${env.wasm.build}; TensorFlow.js ${env.tfjs.version}${tfw}`;
}

/** The float64 references of a workload's data: { f64, f32 } ({ loss, grad } for G workloads). */
export function references(w, d) {
  if (w.asymmetric) return { f64: referenceAsymmetric(d.targets, d.flat, w.asymmetric) };
  const poly1 = w.poly1 ?? 0;
  // Maps are checked against their values channels-last (rows of C).
  const flat = d.flatLast ?? d.flat;
  if (w.grad) {
    return { f64: referenceGrad(d.yTrue, flat, w.classes, w.gamma, d.alpha, poly1), plain: poly1 ? referenceGrad(d.yTrue, flat, w.classes, w.gamma, d.alpha) : null };
  }
  return {
    f64: { loss: reference(d.yTrue, flat, w.classes, w.gamma, d.alpha, w.fromLogits, undefined, poly1) },
    plain: poly1 ? { loss: reference(d.yTrue, flat, w.classes, w.gamma, d.alpha, w.fromLogits) } : null,
    f32: d.flat32 ? { loss: reference(d.yTrue, d.flat32, w.classes, w.gamma, d.alpha, w.fromLogits) } : null,
  };
}

/** Result of a contender's check() against its reference: { loss, grad } relative errors. */
export function errorsOf(c, result, refs) {
  if (c.noValue) return { loss: null, grad: null };
  const ref = refs[c.exact ?? 'f64'];
  const r = typeof result === 'number' ? { loss: result } : result;
  return {
    loss: lossError(r?.loss, ref.loss),
    grad: ref.grad ? gradientError(r?.grad, ref.grad) : null,
  };
}

/** Progress on stderr: one line rewritten in place on a TTY, plain lines otherwise. */
export function progress() {
  const tty = Boolean(process.stderr.isTTY);
  let shown = false;
  const clear = () => {
    if (tty && shown) process.stderr.write('\r\x1b[2K');
    shown = false;
  };
  return {
    tty,
    /** The transient status (TTY only; elsewhere `plain` lines carry the news). */
    status(text) {
      if (!tty) return;
      const width = process.stderr.columns || 100;
      process.stderr.write(`\r\x1b[2K${text.length >= width ? `${text.slice(0, width - 2)}…` : text}`);
      shown = true;
    },
    /** A line that stays (both on a TTY and off it). */
    line(text) {
      clear();
      process.stderr.write(`${text}\n`);
    },
    /** A line only when stderr is not a TTY (the TTY has the status line instead). */
    plain(text) {
      if (!tty) process.stderr.write(`${text}\n`);
    },
    done: clear,
  };
}

export const bar = (fraction, width = 24) => {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
};

export const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/** Wall and CPU time of a synchronous or async function: CPU share < 1 means it waited for a core. */
export async function timed(fn) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = await fn();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { value, wall, cpuShare: wall > 0 ? (used.user + used.system) / 1e6 / wall : null };
}

/** Results file stem: latest-node20, quick-node24, ... */
export const stem = (kind) => `${kind}-node${process.versions.node.split('.')[0]}`;

/** A warning when other processes are running (load average above ~1 per 2 cores beyond ours). */
export function busyWarning() {
  const [load] = os.loadavg();
  const cores = os.cpus().length;
  return load > 1.5
    ? `⚠ load average ${load.toFixed(1)} on ${cores} cores: other processes are running, so times will be inflated (each measurement's CPU share is recorded)`
    : null;
}

/**
 * Measures one workload in a child process (bench/worker.mjs, same Node and flags as this one).
 * `on.status(text)`, `on.step()`, `on.line(text)`, `on.round(k)` follow its progress. Resolves to
 * { result } or, when the process died before reporting, { result: null, failure } (a message
 * with the exit code or signal and the last line it printed).
 */
export function runWorker(args, on = {}) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./worker.mjs', import.meta.url)), args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let result = null;
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('message', (m) => {
      if (m.type === 'result') result = m.result;
      else if (m.type === 'status') on.status?.(m.text);
      else if (m.type === 'step') on.step?.();
      else if (m.type === 'line') on.line?.(m.text);
      else if (m.type === 'round') on.round?.(m.round);
    });
    let settled = false;
    const finish = (failure) => {
      if (settled) return;
      settled = true;
      resolve(result ? { result } : { result: null, failure });
    };
    child.on('error', (error) => finish(`could not start the worker process: ${error.message}`));
    child.on('close', (code, signal) => {
      const lines = output.split('\n').filter((l) => /\S/.test(l) && !/^\s+at |^Node\.js v/.test(l));
      const last = lines.find((l) => /FATAL ERROR/.test(l)) ?? lines.find((l) => /^\s*\w*Error\b/.test(l)) ?? lines.pop() ?? '';
      finish(`the worker process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${last ? ` (${last.trim().slice(0, 300)})` : ''}`);
    });
  });
}
