// The fuzz tests' arbitraries (fuzz.test.ts): any JS value (numbers at the edges, strings,
// BigInts, Symbols, typed arrays, array-likes, sparse arrays, tensor-likes, hostile Proxies
// and getters), and plausible calls of the loss functions, mostly valid with odd entries, so
// that calls get past the first checks.
import fc from 'fast-check';
import { armed, BACKENDS, type Backend, describeInput, type Hook, hostile, runHook, tag, trap, withGetters } from './fuzz-hostile.js';

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const SPECIAL_NUMBERS = [
  0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e-7, 0.5, 1, 1 - 2 ** -53, 2, 3, 7, -1,
  -100, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e39, 1e300, Number.MAX_VALUE, 0.1, 0.25, 0.75,
];
export const anyNumber = fc.oneof(
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

const hook = fc.constantFrom<Hook>('throws', 'throwsString', 'volatile', 'reenter', 'reenterSwallowed', 'plain');

const proxyOf = (target: fc.Arbitrary<object>) =>
  fc.tuple(target, hook, fc.constantFrom('get', 'get', 'get', 'has', 'ownKeys', 'getOwnPropertyDescriptor') as fc.Arbitrary<'get'>, fc.integer({ min: 1, max: 4 }), fc.constantFrom(...BACKENDS))
    .map(([t, k, name, every, backend]) => hostile(t, k, name, every, backend));

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

export const { value: anyValue } = fc.letrec((tie) => ({
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
export const mostly = <T>(good: fc.Arbitrary<T>, weight = 12) => fc.oneof({ weight, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: odd });
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

export interface Plausible {
  n: number;
  c: number;
  yTrue: unknown;
  yPred: unknown;
  options: Record<string, unknown>;
  form: 'options' | 'positional' | 'none';
  positional: [unknown, unknown];
}

/** A plausible call of focalLoss / focalLossGrad (binary: of binaryFocalLoss). */
export const plausible = (binary: boolean): fc.Arbitrary<Plausible> =>
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
