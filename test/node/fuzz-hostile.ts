// The fuzz tests' hostile inputs (fuzz.test.ts): Proxies and getters whose traps throw, throw
// a non-Error, change their answer or call the library again, armed only while the library is
// being called; the exceptions they throw, known so that the library may pass them through;
// and readable descriptions of inputs that never run a trap.
import * as lib from '../../src/index.js';

export const BACKENDS = ['wasm', 'js'] as const;
export type Backend = (typeof BACKENDS)[number];

// ---------------------------------------------------------------------------------------------
// Hostile inputs and how to describe them without touching them.

/** Exceptions (and thrown non-Errors) our own traps raise: the library may pass these through. */
export const ours = new WeakSet<object>();
export const OUR_THROWN_STRING = 'fuzz: a thrown non-Error value';
export function trap(what: string): never {
  const error = new Error(`fuzz trap: ${what}`);
  ours.add(error);
  throw error;
}

/** Readable descriptions of the hostile objects we made (a Proxy must not be inspected). */
export const labels = new WeakMap<object, string>();
export const tag = <T extends object>(value: T, text: string): T => {
  labels.set(value, text);
  return value;
};

export function describeInput(value: unknown, depth = 0): string {
  if (depth > 3) return '…';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(value);
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'function':
      return labels.get(value) ?? 'function';
  }
  if (value === null) return 'null';
  const known = labels.get(value as object);
  if (known !== undefined) return known;
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    if (value instanceof DataView) return `DataView(${value.byteLength})`;
    const items = Array.from(value as unknown as ArrayLike<unknown>).slice(0, 8).map((v) => describeInput(v, depth + 1));
    return `${name}.of(${items.join(', ')}${(value as unknown as ArrayLike<unknown>).length > 8 ? ', …' : ''})`;
  }
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  try {
    const descriptors = Object.getOwnPropertyDescriptors(value);
    const show = (key: string) => {
      const d = descriptors[key];
      return 'value' in d ? describeInput(d.value, depth + 1) : '<getter>';
    };
    if (Array.isArray(value)) {
      const parts: string[] = [];
      for (let i = 0; i < Math.min(value.length, 8); i++) parts.push(String(i) in descriptors ? show(String(i)) : '<hole>');
      return `[${parts.join(', ')}${value.length > 8 ? `, … (${value.length})` : ''}]`;
    }
    const keys = Object.keys(descriptors).slice(0, 10);
    const proto = Object.getPrototypeOf(value);
    const prefix = proto === null ? 'Object.create(null) ' : proto !== Object.prototype ? `${proto?.constructor?.name ?? '?'} ` : '';
    return `${prefix}{${keys.map((k) => `${k}: ${show(k)}`).join(', ')}}`;
  } catch {
    return '<uninspectable>';
  }
}

export type Hook = 'throws' | 'throwsString' | 'volatile' | 'reenter' | 'reenterSwallowed' | 'plain';

/** A nested library call made from inside a trap; rethrown unless swallowed. */
function reenter(swallow: boolean, backend: Backend): void {
  try {
    lib.focalLoss([0], [[0.5, 0.5]], { backend, gamma: 0 });
  } catch (error) {
    if (!swallow) throw error;
  }
}

/** Traps misbehave only while the library is being called (not while fast-check or we inspect them). */
export let armed = false;
/** Arms the traps for a library call (attempt() does), and disarms them after it. */
export function arm(on: boolean): void {
  armed = on;
}

export function runHook(kind: Hook, key: PropertyKey, count: { n: number }, backend: Backend): { replace: boolean; value?: unknown } {
  if (!armed || typeof key === 'symbol') return { replace: false };
  switch (kind) {
    case 'throws':
      return trap(`get ${String(key)}`);
    case 'throwsString':
      throw OUR_THROWN_STRING;
    case 'volatile':
      // A valid-looking value first, then anything else.
      count.n++;
      return count.n === 1 ? { replace: false } : { replace: true, value: [NaN, -1, 2, undefined, 'x', 1e300][count.n % 6] };
    case 'reenter':
      reenter(false, backend);
      return { replace: false };
    case 'reenterSwallowed':
      reenter(true, backend);
      return { replace: false };
    default:
      return { replace: false };
  }
}

/** A Proxy over `target` whose traps misbehave as `kind` says, on the keys `when` picks. */
export function hostile(target: object, kind: Hook, trapName: 'get' | 'has' | 'ownKeys' | 'getOwnPropertyDescriptor', every: number, backend: Backend): object {
  const count = { n: 0 };
  let reads = 0;
  const handler: ProxyHandler<object> = {};
  if (trapName === 'get') {
    handler.get = (t, key, receiver) => {
      if (typeof key === 'string' && reads++ % every === 0) {
        const r = runHook(kind, key, count, backend);
        if (r.replace) return r.value;
      }
      return Reflect.get(t, key, receiver);
    };
  } else if (trapName === 'has') {
    handler.has = (t, key) => (runHook(kind, key, count, backend), Reflect.has(t, key));
  } else if (trapName === 'ownKeys') {
    handler.ownKeys = (t) => (runHook(kind, 'ownKeys', count, backend), Reflect.ownKeys(t));
  } else {
    handler.getOwnPropertyDescriptor = (t, key) => (runHook(kind, key, count, backend), Reflect.getOwnPropertyDescriptor(t, key));
  }
  return tag(new Proxy(target, handler), `Proxy(${describeInput(target)}, ${trapName}: ${kind} every ${every} on ${backend})`);
}

/** An object with getters on some keys (own, enumerable), for options and rows. */
export function withGetters(base: Record<string, unknown> | unknown[], keys: string[], kind: Hook, backend: Backend): object {
  const out = (Array.isArray(base) ? base.slice() : { ...base }) as Record<string, unknown>;
  const count = { n: 0 };
  for (const key of keys) {
    const value = out[key];
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        const r = runHook(kind, key, count, backend);
        return r.replace ? r.value : value;
      },
    });
  }
  return tag(out, `getters(${kind} on ${keys.join(',')}, ${backend}) ${describeInput(base)}`);
}
