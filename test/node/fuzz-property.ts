// The property of the fuzz tests (fuzz.test.ts), checked after every call: what the call
// returned or threw (attempt), and that known-good calls, written from the formula here, still
// give their values (knownGood, afterCall). Problems are recorded in `failures`, grouped by a
// normalised message.
import * as lib from '../../src/index.js';
import { SIMD_WASM_BASE64 } from '../../src/generated/kernel-base64.js';
import { arm, BACKENDS, type Backend, describeInput, labels, ours, OUR_THROWN_STRING } from './fuzz-hostile.js';

// ---------------------------------------------------------------------------------------------
// The property.

const ARGUMENTS: Record<string, string[]> = {
  focalLoss: ['yTrue', 'yPred', 'options', 'third argument', 'fourth argument', 'gamma', 'alpha', 'reduction', 'fromLogits', 'epsilon', 'labelSmoothing', 'sampleWeight', 'normalizer', 'backend', 'ignoreIndex', 'classes', 'checkRows', 'option'],
  focalLossGrad: [],
  binaryFocalLoss: [],
  binaryFocalLossGrad: [],
  createWorkspace: ['rows', 'classes', 'dtype', 'fromLogits', 'gradients', 'backend', 'options', 'option', 'predictions', 'labels'],
  'workspace.loss': ['options', 'option', 'labels', 'predictions', 'gamma', 'alpha', 'reduction', 'fromLogits', 'epsilon', 'sampleWeight', 'normalizer', 'ignoreIndex', 'checkRows', 'backend', 'labelSmoothing', 'classes'],
  'workspace.lossAndGrad': [],
  init: ['module', 'bytes', 'source'],
};
ARGUMENTS.focalLossGrad = [...ARGUMENTS.focalLoss, 'gradOut'];
ARGUMENTS.binaryFocalLoss = ARGUMENTS.focalLoss;
ARGUMENTS.binaryFocalLossGrad = ARGUMENTS.focalLossGrad;
ARGUMENTS['workspace.lossAndGrad'] = ARGUMENTS['workspace.loss'];

// Engine messages that mean an exception escaped unhandled. (init's compile errors quote the
// engine's reason after "init: the bytes do not compile as WebAssembly", which is fine.)
const RAW_ENGINE = /Cannot mix BigInt|Cannot convert a Symbol|Cannot convert a BigInt|Cannot use 'in' operator|Invalid typed array length|Array buffer allocation failed|is not a function|Cannot read properties|is not iterable|Maximum call stack/;
const FUNCTION_NAMES = ['focalLoss', 'focalLossGrad', 'binaryFocalLoss', 'binaryFocalLossGrad', 'createWorkspace', 'workspace.loss', 'workspace.lossAndGrad', 'workspace.gradients', 'workspace.predictions', 'workspace.labels', 'init'];

export const failures = new Map<string, { count: number; example: string }>();
export let inputs = 0;
/** How the calls ended: returned a value, threw the library's error, or passed our trap's exception through. */
export const outcomes = { returned: 0, rejected: 0, passedThrough: 0 };

function fail(signature: string, example: string): void {
  const key = signature.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, '#').replace(/"[^"]*"/g, '"…"').slice(0, 160);
  const seen = failures.get(key);
  if (seen) seen.count++;
  else failures.set(key, { count: 1, example: example.slice(0, 1200) });
}

/** Whether the inputs can make a correct result overflow to +Infinity (or its gradient). */
function mayOverflow(args: unknown[]): boolean {
  let found = false;
  const seen = new Set<unknown>();
  const visit = (v: unknown, key: string, depth: number) => {
    if (found || depth > 4) return;
    if (typeof v === 'number') {
      if ((key === 'epsilon' && v === 0) || Math.abs(v) > 1e100 || (v !== 0 && Math.abs(v) < 1e-100)) found = true;
      return;
    }
    if (typeof v === 'boolean') {
      if (key === 'fromLogits' && v) found = true;
      return;
    }
    if (typeof v !== 'object' && typeof v !== 'function') return;
    if (v === null || seen.has(v)) return;
    seen.add(v);
    if (labels.has(v as object)) {
      // Hostile or tensor-like: we cannot look inside without running its traps; assume the worst.
      found = true;
      return;
    }
    if (ArrayBuffer.isView(v)) {
      if (!(v instanceof DataView)) for (const x of Array.from(v as unknown as ArrayLike<unknown>)) visit(typeof x === 'bigint' ? 0 : x, key, depth + 1);
      return;
    }
    let descriptors: Record<string, PropertyDescriptor>;
    try {
      descriptors = Object.getOwnPropertyDescriptors(v);
    } catch {
      found = true;
      return;
    }
    for (const [k, d] of Object.entries(descriptors)) {
      if ('get' in d && d.get !== undefined) found = true;
      else visit(d.value, /^\d+$/.test(k) ? key : k, depth + 1);
    }
  };
  args.forEach((a) => visit(a, '', 0));
  return found;
}

function checkNumber(x: unknown, overflow: boolean, what: string): string | null {
  if (typeof x !== 'number') return `${what} is ${typeof x}`;
  if (Number.isNaN(x)) return `${what} is NaN`;
  if (x < 0) return `${what} is negative (${x})`;
  if (!Number.isFinite(x) && !overflow) return `${what} is ${x} although no input can overflow it`;
  return null;
}

export function checkLoss(result: unknown, overflow: boolean, what: string): string | null {
  if (result instanceof Float64Array) {
    for (let i = 0; i < result.length; i++) {
      const bad = checkNumber(result[i], overflow, `${what}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  return checkNumber(result, overflow, what);
}

export function checkGrad(result: unknown, overflow: boolean, what: string): string | null {
  if (typeof result !== 'object' || result === null) return `${what} returned ${typeof result}`;
  const { loss, grad } = result as { loss: unknown; grad: unknown };
  const bad = checkLoss(loss, overflow, `${what}.loss`);
  if (bad) return bad;
  if (!(grad instanceof Float64Array || grad instanceof Float32Array)) return `${what}.grad is not a Float64Array/Float32Array`;
  for (let i = 0; i < grad.length; i++) {
    if (Number.isNaN(grad[i])) return `${what}.grad[${i}] is NaN`;
    if (!Number.isFinite(grad[i]) && !overflow) return `${what}.grad[${i}] is ${grad[i]} although no input can overflow it`;
  }
  return null;
}

/** Runs one fuzz call and records anything that breaks the property. */
export function attempt(fn: string, args: unknown[], call: () => unknown, validate: (result: unknown, overflow: boolean) => string | null): void {
  inputs++;
  const example = () => `${fn}(${args.map((a) => describeInput(a)).join(', ')})`;
  let result: unknown;
  try {
    arm(true);
    const started = performance.now();
    try {
      result = call();
    } finally {
      arm(false);
      if (process.env.FUZZ_SLOW && performance.now() - started > 20) console.log(`slow ${(performance.now() - started).toFixed(0)} ms: ${fn}(${args.map((a) => describeInput(a)).join(', ')})`.slice(0, 600));
    }
  } catch (error) {
    if (error === OUR_THROWN_STRING || (typeof error === 'object' && error !== null && ours.has(error))) {
      outcomes.passedThrough++;
      return;
    }
    outcomes.rejected++;
    if (!(error instanceof Error)) {
      fail(`${fn}: threw a non-Error ${typeof error}`, example());
      return;
    }
    const message = error.message;
    if (error.constructor === TypeError || error.constructor === RangeError) {
      if (!message.startsWith(`${fn}: `)) fail(`${fn}: ${error.constructor.name} not starting with "${fn}: ": ${message}`, example());
      else if (RAW_ENGINE.test(message)) fail(`${fn}: raw engine message: ${message}`, example());
      else if (!ARGUMENTS[fn].some((a) => new RegExp(`(^|[^A-Za-z])${a.replace('.', '\\.')}([^A-Za-z]|$)`).test(message.slice(fn.length + 2)))) {
        fail(`${fn}: message names no argument: ${message}`, example());
      }
      return;
    }
    if (error.constructor === Error) {
      const prefix = FUNCTION_NAMES.find((name) => message.startsWith(`${name}: `));
      if (prefix !== undefined && /in progress/.test(message)) return; // a refused nested call (from our traps)
      if (prefix !== undefined && /backend "wasm" requested but/.test(message)) return;
      if (fn.startsWith('workspace.') && /the workspace was disposed/.test(message)) return;
      fail(`${fn}: undocumented plain Error: ${message}`, example());
      return;
    }
    fail(`${fn}: ${error.constructor.name}: ${message}`, example());
    return;
  }
  outcomes.returned++;
  const bad = validate(result, mayOverflow(args));
  if (bad) fail(`${fn}: ${bad}`, example());
}

// ---------------------------------------------------------------------------------------------
// Known-good calls, from the formula: -(1 - p_t)^2 ln p_t, mean over the 2 samples.

const ROWS = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]];
const LABELS = [0, 1];
const GOOD = (-(0.3 ** 2) * Math.log(0.7) - 0.2 ** 2 * Math.log(0.8)) / 2;
// d/dp of -(1 - p)^2 ln p is 2 (1 - p) ln p - (1 - p)^2 / p; halved by the mean.
const GOOD_GRAD_0 = (2 * 0.3 * Math.log(0.7) - 0.3 ** 2 / 0.7) / 2;
const GOOD_LOGITS = (() => {
  let total = 0;
  ROWS.forEach((r, i) => {
    const sum = r.reduce((s, x) => s + Math.exp(x), 0);
    const logP = r[LABELS[i]] - Math.log(sum);
    total += -((1 - Math.exp(logP)) ** 2) * logP;
  });
  return total / 2;
})();
const GOOD_BINARY = (-(0.7 ** 2) * Math.log(0.3) - 0.2 ** 2 * Math.log(0.8)) / 2;
const near = (a: unknown, b: number, tol: number) => typeof a === 'number' && Math.abs(a - b) <= tol * Math.abs(b);

export const kernelBytes = () => Uint8Array.from(atob(SIMD_WASM_BASE64), (ch) => ch.charCodeAt(0));
const standing = new Map<Backend, lib.Workspace>();
export function makeStanding(): void {
  for (const backend of BACKENDS) {
    const ws = lib.createWorkspace({ rows: 2, classes: 3, backend });
    ws.predictions.set(ROWS.flat());
    ws.labels.set(LABELS);
    standing.set(backend, ws);
  }
}

let checks = 0;

/**
 * null, or what is wrong with the library now. Every time: focalLoss, the standing workspace
 * and a fresh one (which would land on any memory a failed call left dangling), per backend;
 * every 8th time (and when asked) the rest.
 */
export function knownGood(full = ++checks % 8 === 0): string | null {
  try {
    for (const backend of BACKENDS) {
      const loss = lib.focalLoss(LABELS, ROWS, { backend });
      if (!near(loss, GOOD, 1e-15)) return `focalLoss on ${backend} = ${loss}, want ${GOOD}`;
      const ws = standing.get(backend)!;
      const held = Array.from(ws.predictions).join(',') + '|' + Array.from(ws.labels).join(',');
      if (held !== `${ROWS.flat().join(',')}|${LABELS.join(',')}`) return `a workspace made before the fuzzing (${backend}) now holds ${held}`;
      const standingLoss = ws.loss();
      if (!near(standingLoss, GOOD, 1e-15)) return `a workspace made before the fuzzing (${backend}) computes ${standingLoss}, want ${GOOD}`;
      const fresh = lib.createWorkspace({ rows: 2, classes: 3, backend });
      fresh.predictions.set(ROWS.flat());
      fresh.labels.set(LABELS);
      const withAlpha = fresh.loss({ alpha: [2, 2, 2] });
      const plain = fresh.loss();
      fresh.dispose();
      if (!near(withAlpha, 2 * GOOD, 1e-15) || !near(plain, GOOD, 1e-15)) return `a fresh workspace (${backend}) computes ${withAlpha} and ${plain}, want ${2 * GOOD} and ${GOOD}`;
      if (!full) continue;
      const flat = lib.focalLoss(LABELS, Float64Array.from(ROWS.flat()), { backend });
      if (!near(flat, GOOD, 1e-15)) return `focalLoss (flat) on ${backend} = ${flat}, want ${GOOD}`;
      const logits = lib.focalLoss(LABELS, ROWS, { backend, fromLogits: true });
      if (!near(logits, GOOD_LOGITS, 1e-14)) return `focalLoss (logits) on ${backend} = ${logits}, want ${GOOD_LOGITS}`;
      const binary = lib.binaryFocalLoss([1, 1], [0.3, 0.8], { backend });
      if (!near(binary, GOOD_BINARY, 1e-15)) return `binaryFocalLoss on ${backend} = ${binary}, want ${GOOD_BINARY}`;
      const { grad } = lib.focalLossGrad(LABELS, ROWS, { backend });
      if (!near(grad[0], GOOD_GRAD_0, 1e-14)) return `focalLossGrad on ${backend}: grad[0] = ${grad[0]}, want ${GOOD_GRAD_0}`;
    }
    const info = lib.backendInfo();
    if (info.backend !== 'wasm' || 'reason' in info) return `backendInfo() = ${JSON.stringify(info)}`;
    if (lib.wasmBuild() !== 'simd') return `wasmBuild() = ${lib.wasmBuild()}`;
    return null;
  } catch (error) {
    return `threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`;
  }
}

/** Checks the library after a fuzz call; if it is broken, records it and resets the wasm kernel. */
export function afterCall(fn: string, args: unknown[]): void {
  const problem = knownGood();
  if (problem === null) return;
  fail(`after ${fn}: the known-good calls fail: ${problem}`, `${fn}(${args.map((a) => describeInput(a)).join(', ')})`);
  // Start over from a fresh wasm instance so one broken state is not reported for every later input.
  for (const ws of standing.values()) ws.dispose();
  lib.init(kernelBytes());
  makeStanding();
}

export const isBackendInfo = (r: unknown) =>
  typeof r === 'object' && r !== null && (r as lib.BackendInfo).backend === 'wasm' && typeof (r as lib.BackendInfo).memoryBytes === 'number'
    ? null
    : `returned ${describeInput(r)}`;

export function validateWorkspace(ws: unknown): string | null {
  if (typeof ws !== 'object' || ws === null) return `returned ${describeInput(ws)}`;
  const w = ws as lib.Workspace;
  if (!Number.isSafeInteger(w.rows) || !Number.isSafeInteger(w.classes) || !(w.dtype === 'f64' || w.dtype === 'f32')) return `returned a workspace of ${w.rows} × ${w.classes} ${w.dtype}`;
  return null;
}
