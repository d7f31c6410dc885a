// Issue 8, item 15: every public function, every argument, arbitrary JS values and shapes.
//
// Property: a call either returns what its type says (a number >= 0, never NaN, finite unless
// the inputs can legitimately overflow; a Float64Array of such numbers; {loss, grad} with a
// NaN-free gradient; a workspace; a BackendInfo), or throws
//   - a TypeError or RangeError whose message starts with "<function>: " and names an argument
//     (and is never a raw engine message such as "Cannot mix BigInt ..."), or
//   - a plain Error that the README documents: a nested call refused ("... in progress"),
//     "backend wasm requested but ..." (not in Node), a workspace used after dispose(), or
//   - the very exception a hostile Proxy trap / getter / dataSync() of the input threw
//     (the library passes the caller's own exception through unchanged).
// Right after every call, known-good calls return their known values (written from the
// formula here) on every backend, a workspace made before the fuzzing still holds and computes
// its batch, and a fresh workspace works: a call that corrupts the library's state is caught
// at the input that did it.
//
// Failures are collected (not thrown at the first one) and grouped by a normalised message,
// so one run reports every distinct problem with a readable example of each; the test fails
// if there is any. FUZZ_SEED and FUZZ_RUNS (a multiplier) override the seed and the run count;
// FUZZ_SLOW=1 logs calls that take more than 20 ms.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { SIMD_WASM_BASE64 } from '../../src/generated/kernel-base64.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const BACKENDS = ['wasm', 'js'] as const;
type Backend = (typeof BACKENDS)[number];

// ---------------------------------------------------------------------------------------------
// Hostile inputs and how to describe them without touching them.

/** Exceptions (and thrown non-Errors) our own traps raise: the library may pass these through. */
const ours = new WeakSet<object>();
const OUR_THROWN_STRING = 'fuzz: a thrown non-Error value';
function trap(what: string): never {
  const error = new Error(`fuzz trap: ${what}`);
  ours.add(error);
  throw error;
}

/** Readable descriptions of the hostile objects we made (a Proxy must not be inspected). */
const labels = new WeakMap<object, string>();
const tag = <T extends object>(value: T, text: string): T => {
  labels.set(value, text);
  return value;
};

function describeInput(value: unknown, depth = 0): string {
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

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const SPECIAL_NUMBERS = [
  0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e-7, 0.5, 1, 1 - 2 ** -53, 2, 3, 7, -1,
  -100, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e39, 1e300, Number.MAX_VALUE, 0.1, 0.25, 0.75,
];
const anyNumber = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_NUMBERS) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 12 }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
);
const anyString = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('mean', 'sum', 'none', 'weightedMean', 'auto', 'wasm', 'js', 'f32', 'f64', '0', '1', '0.5', 'NaN', '__proto__', 'length'),
);
const anySymbol = fc.string({ maxLength: 3 }).map((s) => Symbol(s));
const anyBigInt = fc.oneof(fc.bigInt({ min: -5n, max: 5n }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }));
const scalar = fc.oneof(
  { weight: 6, arbitrary: anyNumber },
  { weight: 1, arbitrary: anyString },
  { weight: 1, arbitrary: anyBigInt },
  { weight: 1, arbitrary: anySymbol },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
);

const NUMBER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
const BIGINT_ARRAYS = [BigInt64Array, BigUint64Array];
const typedArray = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...NUMBER_ARRAYS), fc.array(anyNumber, { maxLength: 8 })).map(([C, xs]) => C.from(xs)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...BIGINT_ARRAYS), fc.array(fc.bigInt({ min: -3n, max: 3n }), { maxLength: 8 })).map(([C, xs]) => (C === BigUint64Array ? C.from(xs.map((x) => (x < 0n ? -x : x))) : C.from(xs))) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 16 }).map((n) => new DataView(new ArrayBuffer(n))) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 16 }).map((n) => new ArrayBuffer(n)) },
);

/** {length: weird, 0: ..., 2: ...}: array-likes whose length may be negative, fractional, huge or not a number. */
const arrayLike = fc.tuple(fc.oneof(anyNumber, scalar, fc.constantFrom(2 ** 31, 2 ** 40, 1e15)), fc.dictionary(fc.constantFrom('0', '1', '2', '3'), scalar, { maxKeys: 3 }))
  .map(([length, entries]) => ({ ...entries, length }));

type Hook = 'throws' | 'throwsString' | 'volatile' | 'reenter' | 'reenterSwallowed' | 'plain';
const hook = fc.constantFrom<Hook>('throws', 'throwsString', 'volatile', 'reenter', 'reenterSwallowed', 'plain');

/** A nested library call made from inside a trap; rethrown unless swallowed. */
function reenter(swallow: boolean, backend: Backend): void {
  try {
    lib.focalLoss([0], [[0.5, 0.5]], { backend, gamma: 0 });
  } catch (error) {
    if (!swallow) throw error;
  }
}

/** Traps misbehave only while the library is being called (not while fast-check or we inspect them). */
let armed = false;

function runHook(kind: Hook, key: PropertyKey, count: { n: number }, backend: Backend): { replace: boolean; value?: unknown } {
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
function hostile(target: object, kind: Hook, trapName: 'get' | 'has' | 'ownKeys' | 'getOwnPropertyDescriptor', every: number, backend: Backend): object {
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
const proxyOf = (target: fc.Arbitrary<object>) =>
  fc.tuple(target, hook, fc.constantFrom('get', 'get', 'get', 'has', 'ownKeys', 'getOwnPropertyDescriptor') as fc.Arbitrary<'get'>, fc.integer({ min: 1, max: 4 }), fc.constantFrom(...BACKENDS))
    .map(([t, k, name, every, backend]) => hostile(t, k, name, every, backend));

/** An object with getters on some keys (own, enumerable), for options and rows. */
function withGetters(base: Record<string, unknown> | unknown[], keys: string[], kind: Hook, backend: Backend): object {
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

/** TensorFlow.js- and ONNX-Runtime-like objects, well-formed or not. */
const tensorLike = (values: fc.Arbitrary<unknown>) =>
  fc.oneof(
    fc.tuple(values, fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), anyNumber), { maxLength: 3 })).map(([v, shape]) =>
      tag({ dataSync: () => v, shape }, `tfTensor(${describeInput(v)}, shape ${describeInput(shape)})`)),
    fc.tuple(values, fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), anyNumber, anyBigInt), { maxLength: 3 })).map(([v, dims]) =>
      tag({ data: v, dims }, `ortTensor(${describeInput(v)}, dims ${describeInput(dims)})`)),
    fc.constant(0).map(() => tag({ dataSync: () => (armed ? trap('dataSync') : []), shape: [2, 2] }, 'tfTensor(dataSync throws)')),
    fc.constantFrom(3, 'x', null).map((d) => tag({ dataSync: d, shape: [1] }, `tfTensor(dataSync = ${describeInput(d)})`)),
  );

const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'value' },
    { weight: 5, arbitrary: scalar },
    { weight: 2, arbitrary: tie('array') },
    { weight: 2, arbitrary: typedArray },
    { weight: 1, arbitrary: arrayLike },
    { weight: 1, arbitrary: tie('rows') },
    { weight: 1, arbitrary: tie('proxy') },
    { weight: 1, arbitrary: tensorLike(fc.oneof(typedArray, fc.array(anyNumber, { maxLength: 6 }))) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true }) },
  ),
  array: fc.oneof(fc.array(tie('value'), { maxLength: 5 }), fc.sparseArray(tie('value'), { maxLength: 6 })),
  rows: fc.array(fc.oneof(fc.array(anyNumber, { maxLength: 4 }), typedArray, tie('value')), { maxLength: 5 }),
  proxy: proxyOf(fc.oneof(fc.array(tie('value'), { maxLength: 4 }) as fc.Arbitrary<object>, fc.array(anyNumber, { maxLength: 6 }), fc.object())),
}));

// Plausible batches: mostly valid, with the occasional odd entry, so calls get past the first checks.
const odd = fc.oneof(scalar, typedArray, arrayLike);
const mostly = <T>(good: fc.Arbitrary<T>, weight = 12) => fc.oneof({ weight, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: odd });
const probability = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 5e-324, 1 - 2 ** -53, 1e-7, 0.5) },
);
const logit = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(-1000, 1000, 0, 1e39, -Infinity, -1e308, 1e308));

type Container = 'plain' | 'typed' | 'rowsPlain' | 'rowsTyped' | 'rowsMixed' | 'tensor' | 'proxy' | 'getters';
const container = fc.constantFrom<Container>('plain', 'typed', 'rowsPlain', 'rowsTyped', 'rowsMixed', 'tensor', 'proxy', 'getters');
const holeChance = fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }) });

/** n × c values laid out as `kind` says. */
function layout(values: unknown[], n: number, c: number, kind: Container, ctor: Float64ArrayConstructor, hole: number, h: Hook, backend: Backend): unknown {
  const flat = values.slice(0, n * c);
  const rowsOf = () => Array.from({ length: n }, (_, i) => flat.slice(i * c, (i + 1) * c));
  const numeric = (xs: unknown[]) => xs.map((x) => (typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : NaN));
  const withHole = <T extends unknown[]>(xs: T): T => {
    if (hole >= 0 && hole < xs.length) delete xs[hole];
    return xs;
  };
  switch (kind) {
    case 'plain':
      return withHole(flat);
    case 'typed':
      return ctor.from(numeric(flat));
    case 'rowsPlain':
      return withHole(rowsOf().map((r) => withHole(r)));
    case 'rowsTyped':
      return rowsOf().map((r) => ctor.from(numeric(r)));
    case 'rowsMixed':
      return rowsOf().map((r, i) => (i % 2 === 0 ? Float32Array.from(numeric(r)) : i % 3 === 0 ? Float64Array.from(numeric(r)) : r));
    case 'tensor':
      return tag({ dataSync: () => ctor.from(numeric(flat)), shape: [n, c] }, `tfTensor(${describeInput(ctor.from(numeric(flat)))}, [${n}, ${c}])`);
    case 'proxy':
      return hostile(rowsOf(), h, 'get', 3, backend);
    case 'getters': {
      const rows = rowsOf();
      const target = rows[Math.min(rows.length - 1, Math.max(0, hole))] ?? rows[0];
      if (target) {
        const at = String(Math.max(0, hole) % c);
        const value = target[Number(at)];
        const count = { n: 0 };
        Object.defineProperty(target, at, { enumerable: true, get: () => { const r = runHook(h, at, count, backend); return r.replace ? r.value : value; } });
      }
      return rows;
    }
  }
}

const typedCtor = fc.constantFrom(Float64Array, Float32Array, Int32Array, Uint8Array, Float64Array) as unknown as fc.Arbitrary<Float64ArrayConstructor>;

const optionValue = {
  gamma: mostly(fc.oneof(fc.constantFrom(0, 0.5, 1, 1.5, 2, 2.5, 3, 16, 17, 1071, 1e4, 1e6), fc.double({ min: 0, max: 20, noNaN: true }))),
  alphaScalar: mostly(fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.constantFrom(0, 0.25, 1, 1e300))),
  reduction: mostly(fc.constantFrom('mean', 'sum', 'none', 'weightedMean')),
  fromLogits: mostly(fc.boolean()),
  epsilon: mostly(fc.constantFrom(0, 1e-7, 'auto', 1e-3, 1e-300, 0.49)),
  labelSmoothing: mostly(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }))),
  normalizer: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: mostly(fc.oneof(fc.double({ min: 1e-3, max: 100, noNaN: true }), fc.constantFrom(5e-324, 1e300))) }),
  backend: mostly(fc.constantFrom('auto', 'wasm', 'js')),
  checkRows: mostly(fc.oneof(fc.boolean(), fc.double({ min: 1e-9, max: 0.9, noNaN: true }))),
  ignoreIndex: mostly(fc.constantFrom(-100, -1, 0, 1, 2 ** 31, 0.5)),
};

interface Plausible {
  n: number;
  c: number;
  yTrue: unknown;
  yPred: unknown;
  options: Record<string, unknown>;
  form: 'options' | 'positional' | 'none';
  positional: [unknown, unknown];
}

/** A plausible call of focalLoss / focalLossGrad (binary: of binaryFocalLoss). */
const plausible = (binary: boolean): fc.Arbitrary<Plausible> =>
  fc.record({ n: fc.integer({ min: 1, max: 7 }), c: fc.integer({ min: 1, max: 5 }) }).chain(({ n, c }) =>
    fc.record({
      n: fc.constant(n),
      c: fc.constant(c),
      targetKind: fc.constantFrom('labels', 'labels', 'labels', 'rows'),
      labelValues: fc.array(mostly(fc.integer({ min: 0, max: c - 1 }), 20), { minLength: n, maxLength: n }),
      targetValues: fc.array(mostly(fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }))), { minLength: n * c, maxLength: n * c }),
      labelContainer: fc.constantFrom('plain', 'plain', 'Int32Array', 'Uint8Array', 'Float64Array', 'tensor', 'getters'),
      predValues: fc.boolean().chain((logits) => fc.array(mostly(logits ? logit : probability, 25), { minLength: n * c, maxLength: n * c })),
      // Most probability rows sum to 1 (softmax outputs), so checkRows and the loss get past their checks.
      normalize: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      predContainer: container,
      trueContainer: container,
      ctor: typedCtor,
      hole: holeChance,
      hook,
      backendForHooks: fc.constantFrom(...BACKENDS),
      options: fc.record({
        gamma: optionValue.gamma,
        alpha: fc.oneof(optionValue.alphaScalar, mostly(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: c, maxLength: c }))),
        reduction: optionValue.reduction,
        fromLogits: optionValue.fromLogits,
        epsilon: optionValue.epsilon,
        labelSmoothing: optionValue.labelSmoothing,
        sampleWeight: mostly(fc.array(fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.constantFrom(0, 1e300, 5e-324)), { minLength: n, maxLength: n })),
        normalizer: optionValue.normalizer,
        backend: optionValue.backend,
        classes: mostly(fc.constant(c)),
        ...(binary ? {} : { ignoreIndex: optionValue.ignoreIndex, checkRows: optionValue.checkRows }),
        gradOut: mostly(fc.constantFrom('f64', 'f32', 'short')),
      }, { requiredKeys: [] }),
      unknownKey: fc.oneof({ weight: 20, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('gama', 'dtpye', 'alpah', 'weights') }),
      optionHook: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hook }),
      form: fc.constantFrom('options', 'options', 'options', 'positional', 'none'),
      positional: fc.tuple(fc.oneof(optionValue.gamma, fc.constant(undefined)), fc.oneof(optionValue.alphaScalar, fc.constant(undefined), fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: c, maxLength: c }))),
    }).map((r) => {
      const labelsPlain = r.labelValues.slice();
      let yTrue: unknown;
      if (binary || r.targetKind === 'rows') {
        yTrue = layout(r.targetValues, n, c, binary ? r.predContainer : r.trueContainer, r.ctor, r.hole, r.hook, r.backendForHooks);
      } else {
        const numeric = labelsPlain.map((x) => (typeof x === 'number' ? x : NaN));
        yTrue = {
          plain: () => (r.hole >= 0 && r.hole < n ? (delete labelsPlain[r.hole], labelsPlain) : labelsPlain),
          Int32Array: () => Int32Array.from(numeric),
          Uint8Array: () => Uint8Array.from(numeric),
          Float64Array: () => Float64Array.from(numeric),
          tensor: () => tag({ dataSync: () => Int32Array.from(numeric), shape: [n] }, `tfTensor(Int32Array ${describeInput(numeric)}, [${n}])`),
          getters: () => withGetters(labelsPlain, [String(Math.max(0, r.hole) % n)], r.hook, r.backendForHooks),
        }[r.labelContainer]!();
      }
      const predValues = r.predValues.slice();
      if (r.normalize) {
        for (let i = 0; i < n; i++) {
          const row = predValues.slice(i * c, (i + 1) * c);
          if (!row.every((x) => typeof x === 'number' && x >= 0 && x <= 1)) continue;
          const sum = (row as number[]).reduce((a, b) => a + b, 0);
          if (sum > 0) row.forEach((x, k) => (predValues[i * c + k] = (x as number) / sum));
        }
      }
      const yPred = layout(predValues, n, c, r.predContainer, r.ctor, -1, r.hook, r.backendForHooks);
      const options: Record<string, unknown> = { ...r.options };
      if (r.unknownKey !== null) options[r.unknownKey] = 2;
      if ('gradOut' in options) {
        const size = n * c;
        options.gradOut = options.gradOut === 'f64' ? new Float64Array(size) : options.gradOut === 'f32' ? new Float32Array(size) : options.gradOut === 'short' ? new Float64Array(Math.max(0, size - 1)) : options.gradOut;
      }
      const finalOptions = r.optionHook === null ? options : withGetters(options, Object.keys(options).slice(0, 2), r.optionHook, r.backendForHooks);
      return { n, c, yTrue, yPred, options: finalOptions as Record<string, unknown>, form: r.form as Plausible['form'], positional: r.positional as [unknown, unknown] };
    }),
  );

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

const failures = new Map<string, { count: number; example: string }>();
let inputs = 0;
/** How the calls ended: returned a value, threw the library's error, or passed our trap's exception through. */
const outcomes = { returned: 0, rejected: 0, passedThrough: 0 };

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

function checkLoss(result: unknown, overflow: boolean, what: string): string | null {
  if (result instanceof Float64Array) {
    for (let i = 0; i < result.length; i++) {
      const bad = checkNumber(result[i], overflow, `${what}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  return checkNumber(result, overflow, what);
}

function checkGrad(result: unknown, overflow: boolean, what: string): string | null {
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
function attempt(fn: string, args: unknown[], call: () => unknown, validate: (result: unknown, overflow: boolean) => string | null): void {
  inputs++;
  const example = () => `${fn}(${args.map((a) => describeInput(a)).join(', ')})`;
  let result: unknown;
  try {
    armed = true;
    const started = performance.now();
    try {
      result = call();
    } finally {
      armed = false;
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

const kernelBytes = () => Uint8Array.from(atob(SIMD_WASM_BASE64), (ch) => ch.charCodeAt(0));
const standing = new Map<Backend, lib.Workspace>();
function makeStanding(): void {
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
function knownGood(full = ++checks % 8 === 0): string | null {
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
function afterCall(fn: string, args: unknown[]): void {
  const problem = knownGood();
  if (problem === null) return;
  fail(`after ${fn}: the known-good calls fail: ${problem}`, `${fn}(${args.map((a) => describeInput(a)).join(', ')})`);
  // Start over from a fresh wasm instance so one broken state is not reported for every later input.
  for (const ws of standing.values()) ws.dispose();
  lib.init(kernelBytes());
  makeStanding();
}

const isBackendInfo = (r: unknown) =>
  typeof r === 'object' && r !== null && (r as lib.BackendInfo).backend === 'wasm' && typeof (r as lib.BackendInfo).memoryBytes === 'number'
    ? null
    : `returned ${describeInput(r)}`;

function validateWorkspace(ws: unknown): string | null {
  if (typeof ws !== 'object' || ws === null) return `returned ${describeInput(ws)}`;
  const w = ws as lib.Workspace;
  if (!Number.isSafeInteger(w.rows) || !Number.isSafeInteger(w.classes) || !(w.dtype === 'f64' || w.dtype === 'f32')) return `returned a workspace of ${w.rows} × ${w.classes} ${w.dtype}`;
  return null;
}

// The modules init() gets besides arbitrary values: valid wasm that is not the kernel.
const EMPTY_MODULE = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
const IMPORTS_MODULE = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x6d, 1, 0x66, 0, 0);
const initSource = fc.oneof(
  { weight: 6, arbitrary: anyValue },
  { weight: 1, arbitrary: fc.constantFrom(EMPTY_MODULE, IMPORTS_MODULE, EMPTY_MODULE.buffer, kernelBytes().subarray(0, 100)) },
  { weight: 1, arbitrary: fc.constant(0).map(() => tag(new WebAssembly.Module(EMPTY_MODULE), 'WebAssembly.Module(empty)')) },
  { weight: 1, arbitrary: fc.constant(0).map(() => tag(new WebAssembly.Module(IMPORTS_MODULE), 'WebAssembly.Module(needs imports)')) },
);

// ---------------------------------------------------------------------------------------------

const runs = (n: number) => ({ numRuns: Math.round(n * SCALE), seed: SEED, endOnFailure: true });

describe('fuzz: every public function, arbitrary arguments (issue 8, item 15)', () => {
  beforeAll(() => {
    makeStanding();
    expect(knownGood(true)).toBeNull();
  });

  afterAll(() => {
    const summary = [...failures.entries()].map(([signature, { count, example }]) => `  ${count} × ${signature}\n      e.g. ${example}`);
    console.log(`fuzz (seed ${SEED}): ${inputs} inputs tried (${outcomes.returned} returned, ${outcomes.rejected} threw the library's error, ${outcomes.passedThrough} passed a trap's exception through), ${failures.size} distinct problems${summary.length ? `:\n${summary.join('\n')}` : ''}`);
  });

  it('focalLoss / focusedLoss: arbitrary values for every argument', () => {
    fc.assert(
      fc.property(fc.tuple(anyValue, anyValue, fc.oneof(anyValue, fc.constant(undefined)), fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyValue })), fc.boolean(), (args, alias) => {
        const f = alias ? lib.focusedLoss : lib.focalLoss;
        attempt('focalLoss', args, () => (f as (...a: unknown[]) => unknown)(...args), (r, o) => checkLoss(r, o, 'result'));
        afterCall('focalLoss', args);
      }),
      runs(900),
    );
  });

  it('focalLossGrad, binaryFocalLoss, binaryFocalLossGrad: arbitrary values for every argument', () => {
    fc.assert(
      fc.property(fc.constantFrom('focalLossGrad', 'binaryFocalLoss', 'binaryFocalLossGrad'), fc.tuple(anyValue, anyValue, fc.oneof(anyValue, fc.constant(undefined))), (fn, args) => {
        const f = lib[fn as 'focalLossGrad'] as (...a: unknown[]) => unknown;
        attempt(fn, args, () => f(...args), (r, o) => (fn === 'binaryFocalLoss' ? checkLoss(r, o, 'result') : checkGrad(r, o, fn)));
        afterCall(fn, args);
      }),
      runs(1200),
    );
  });

  it('createWorkspace, workspace methods, init, backendInfo, wasmBuild: arbitrary values', () => {
    const sizes = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
      { weight: 1, arbitrary: anyNumber },
      { weight: 1, arbitrary: fc.constantFrom(1e6, 600, 2 ** 29 + 8, 2 ** 31, 65536) },
    );
    const createOptions = fc.oneof(
      { weight: 3, arbitrary: fc.record({ rows: sizes, classes: sizes, dtype: mostly(fc.constantFrom('f64', 'f32'), 6), fromLogits: mostly(fc.boolean(), 6), gradients: mostly(fc.boolean(), 6), backend: mostly(fc.constantFrom('auto', 'wasm', 'js'), 6), dtpye: fc.constant('f32') }, { requiredKeys: ['rows', 'classes'] }) },
      { weight: 1, arbitrary: anyValue },
    );
    const action = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), options: createOptions, fill: fc.array(anyNumber, { maxLength: 12 }), labels: fc.array(fc.oneof(fc.integer({ min: -2, max: 8 }), anyNumber), { maxLength: 8 }), calls: fc.array(fc.tuple(fc.constantFrom('loss', 'lossAndGrad', 'predictions', 'labels', 'gradients', 'dispose'), fc.oneof({ weight: 3, arbitrary: plausible(false).map((p) => p.options) }, { weight: 2, arbitrary: anyValue }, { weight: 1, arbitrary: fc.constant(undefined) })), { maxLength: 4 }) }),
      fc.record({ kind: fc.constant('init' as const), source: initSource }),
      fc.record({ kind: fc.constant('info' as const), args: fc.array(anyValue, { maxLength: 2 }) }),
    );
    fc.assert(
      fc.property(action, (a) => {
        if (a.kind === 'init') {
          attempt('init', [a.source], () => lib.init(a.source as never), isBackendInfo);
          afterCall('init', [a.source]);
          return;
        }
        if (a.kind === 'info') {
          attempt('backendInfo', a.args, () => (lib.backendInfo as (...x: unknown[]) => unknown)(...a.args), isBackendInfo);
          attempt('wasmBuild', a.args, () => (lib.wasmBuild as (...x: unknown[]) => unknown)(...a.args), (r) => (r === 'simd' ? null : `returned ${describeInput(r)}`));
          afterCall('backendInfo', a.args);
          return;
        }
        const made: lib.Workspace[] = [];
        attempt('createWorkspace', [a.options], () => made[made.push(lib.createWorkspace(a.options as never)) - 1], validateWorkspace);
        for (const w of made) {
          try {
            if (w.rows * w.classes <= 1e5) {
              w.predictions.set(a.fill.slice(0, w.rows * w.classes).map((x) => (typeof x === 'number' ? x : 0)));
              w.labels.set(a.labels.slice(0, w.rows).map((x) => (typeof x === 'number' ? x : 0)));
              for (const [method, arg] of a.calls) {
                const fn = `workspace.${method}`;
                if (method === 'loss') attempt(fn, [arg], () => w.loss(arg as never), (r) => checkLoss(r, true, 'result'));
                else if (method === 'lossAndGrad') attempt(fn, [arg], () => w.lossAndGrad(arg as never), (r) => checkGrad(r, true, fn));
                else if (method === 'dispose') w.dispose();
                else attempt(fn, [], () => w[method as 'predictions'], (r) => (ArrayBuffer.isView(r) ? null : `returned ${describeInput(r)}`));
              }
            }
          } finally {
            w.dispose();
          }
        }
        afterCall('createWorkspace', [a.options]);
      }),
      runs(900),
    );
  });

  for (const binary of [false, true]) {
    const name = binary ? 'binaryFocalLoss / binaryFocalLossGrad' : 'focalLoss / focalLossGrad';
    it(`${name}: plausible batches with odd entries, holes, hostile getters and Proxies`, () => {
      fc.assert(
        fc.property(plausible(binary), fc.boolean(), (p, grad) => {
          const fn = binary ? (grad ? 'binaryFocalLossGrad' : 'binaryFocalLoss') : grad ? 'focalLossGrad' : 'focalLoss';
          let args: unknown[];
          if (p.form === 'none') args = [p.yTrue, p.yPred];
          else if (p.form === 'positional' && fn === 'focalLoss') args = [p.yTrue, p.yPred, ...p.positional];
          else args = [p.yTrue, p.yPred, p.options];
          const f = lib[fn as 'focalLoss'] as (...a: unknown[]) => unknown;
          attempt(fn, args, () => f(...args), (r, o) => (grad ? checkGrad(r, o, fn) : checkLoss(r, o, 'result')));
          afterCall(fn, args);
        }),
        runs(binary ? 1000 : 1400),
      );
    });
  }

  it('workspaces: plausible batches and options', () => {
    fc.assert(
      fc.property(plausible(false), fc.constantFrom(...BACKENDS), fc.constantFrom('f64', 'f32'), fc.boolean(), (p, backend, dtype, grad) => {
        const ws = lib.createWorkspace({ rows: p.n, classes: p.c, backend, dtype: dtype as lib.Dtype });
        try {
          ws.predictions.set(Array.from({ length: p.n * p.c }, (_, k) => {
            const rows = p.yPred as unknown;
            let v: unknown;
            try {
              v = ArrayBuffer.isView(rows) || (Array.isArray(rows) && !Array.isArray(rows[0]) && !ArrayBuffer.isView(rows[0])) ? (rows as ArrayLike<unknown>)[k] : undefined;
            } catch {
              v = undefined;
            }
            return typeof v === 'number' ? v : ((k * 7) % 10) / 10;
          }));
          ws.labels.set(Array.from({ length: p.n }, (_, i) => (i * 3) % (p.c + 1)));
          const { labelSmoothing: _s, backend: _b, classes: _c, gradOut: _g, ...rest } = (labels.has(p.options) ? {} : p.options) as Record<string, unknown>;
          const fn = grad ? 'workspace.lossAndGrad' : 'workspace.loss';
          attempt(fn, [rest], () => (grad ? ws.lossAndGrad(rest as never) : ws.loss(rest as never)), (r, o) => (grad ? checkGrad(r, o || true, fn) : checkLoss(r, o, 'result')));
        } finally {
          ws.dispose();
        }
        afterCall('workspace', [p.options]);
      }),
      runs(700),
    );
  });

  it('tried several thousand inputs, and found no problem', () => {
    expect(knownGood(true)).toBeNull();
    expect(inputs).toBeGreaterThanOrEqual(Math.round(5000 * SCALE));
    const report = [...failures.entries()].map(([signature, { count, example }]) => `${count} × ${signature}\n    e.g. ${example}`);
    expect(report, `${inputs} inputs`).toEqual([]);
  });
});
