// The contenders of each workload, shared by the suite (bench/run.mjs) and the tour
// (bench/tour.mjs). Each has a stable `key` (joins results across runs and Node versions), a
// `role` (what kind of contender: the report's columns and colours), a `name`, and:
//   setup()    untimed, before each measurement (switch the tfjs backend, build a workspace once)
//   run()      the timed call
//   check()    one untimed call whose result is compared with the float64 reference:
//              { loss } or { loss, grad }; defaults to { loss: run() }
//   teardown() after the workload
//   exact:     which reference the result is compared with ('f64', 'f32': the Float32Array copy)
// Nothing here touches the data until setup/run, so a lineup can be listed before its data exists.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { backendInfo, createFocalLossAccumulator, createWorkspace, focalLoss, focalLossGrad } from '../dist/index.js';
import { asymmetricLineup } from './asymmetric.mjs';
import { gatherFloor, handFlat, handFlatGrad, textbook, tfLoss, tfLossAndGrad, tfOneHot, useTf } from './contenders.mjs';
import { mapLineup } from './maps.mjs';

/** Where the suite records the memory of one-shot calls (before the first workspace exists). */
export const memory = { oneShot: undefined };

const flatKind = (w) => (w.fromLogits ? 'Float32Array' : 'Float64Array');

function disposeAll(tensors) {
  for (const k of Object.keys(tensors)) {
    tensors[k]?.dispose();
    delete tensors[k];
  }
}

/** The loss contenders of W1-W5. */
function lossLineup(w, data, { tfBackends }) {
  const d = () => data.current;
  const opts = () => ({ gamma: w.gamma, alpha: d().alpha, fromLogits: w.fromLogits });
  const kind = flatKind(w);
  const nestedKind = w.nested ? 'number[][]' : `${kind} rows`;
  const list = [
    { key: 'textbook', role: 'textbook', name: `textbook loop (${nestedKind})`, run: () => textbook(d().yTrue, d().rows, w.gamma, d().alpha, w.fromLogits) },
    { key: 'hand', role: 'hand', name: `hand-written flat JS (${kind})`, run: () => handFlat(d().yTrue, d().flat, w.classes, w.gamma, d().alpha, w.fromLogits) },
    { key: 'js', role: 'js', name: `focalLoss, JS path (${kind})`, run: () => focalLoss(d().yTrue, d().flat, { ...opts(), backend: 'js' }) },
    { key: 'wasm', role: 'wasm', name: `focalLoss, wasm (${kind})`, run: () => focalLoss(d().yTrue, d().flat, { ...opts(), backend: 'wasm' }) },
  ];
  if (w.f32) {
    list.push({
      key: 'wasm-f32', role: 'wasm', exact: 'f32', name: 'focalLoss, wasm (Float32Array copy)',
      run: () => focalLoss(d().yTrue, d().flat32, { ...opts(), backend: 'wasm' }),
    });
  }
  if (w.nested) {
    list.push({ key: 'js-nested', role: 'js-nested', name: `focalLoss, JS path (${nestedKind})`, run: () => focalLoss(d().yTrue, d().rows, { ...opts(), backend: 'js' }) });
    list.push({ key: 'wasm-nested', role: 'wasm-nested', name: `focalLoss, wasm (${nestedKind})`, run: () => focalLoss(d().yTrue, d().rows, { ...opts(), backend: 'wasm' }) });
  }
  let ws = null;
  list.push({
    key: 'workspace', role: 'workspace', name: 'workspace kernel (wasm, data already in place)',
    setup: () => {
      if (ws) return;
      // Created after the one-shot contenders' first calls, so their memory bound is seen alone.
      memory.oneShot ??= backendInfo().memoryBytes;
      ws = createWorkspace({ rows: d().n, classes: w.classes, dtype: kind === 'Float32Array' ? 'f32' : 'f64', fromLogits: w.fromLogits });
      ws.predictions.set(d().flat);
      ws.labels.set(d().yTrue);
    },
    run: () => ws.loss(opts()),
    teardown: () => {
      ws?.dispose();
      ws = null;
    },
  });
  if (!w.fromLogits) {
    list.push({ key: 'floor', role: 'floor', name: 'p_t gather floor (read p_t only)', run: () => gatherFloor(d().yTrue, d().flat, w.classes), noValue: true });
  }
  for (const backend of tfBackends) {
    const tensors = {};
    const make = () => ({
      // tfjs takes no Float64Array: converting is part of what creating the tensor costs.
      pred: tf.tensor2d(d().flat instanceof Float64Array ? new Float32Array(d().flat) : d().flat, [d().n, w.classes]),
      labels: tf.tensor1d(d().yTrue, 'int32'),
      alpha: d().alpha ? tf.tensor1d(d().alpha) : null,
    });
    list.push({
      key: `tfjs-${backend}`, role: 'tfjs', backend, name: `TensorFlow.js ${backend}, tensor creation included`,
      setup: () => useTf(backend),
      run: () => tf.tidy(() => { const t = make(); return tfLoss(t.pred, t.labels, t.alpha, w.gamma, w.fromLogits); }),
    });
    if (w.f32 && backend === 'wasm') {
      list.push({
        key: 'tfjs-wasm-f32', role: 'tfjs', backend, exact: 'f32', name: 'TensorFlow.js wasm, tensor creation included (Float32Array copy)',
        setup: () => useTf(backend),
        run: () => tf.tidy(() => {
          const pred = tf.tensor2d(d().flat32, [d().n, w.classes]);
          const alpha = d().alpha ? tf.tensor1d(d().alpha) : null;
          return tfLoss(pred, tf.tensor1d(d().yTrue, 'int32'), alpha, w.gamma, w.fromLogits);
        }),
      });
    }
    list.push({
      key: `tfjs-${backend}-prebuilt`, role: 'tfjs-ops', backend, name: `TensorFlow.js ${backend}, tensors prebuilt`,
      setup: async () => {
        await useTf(backend);
        if (!tensors.pred) Object.assign(tensors, make());
      },
      run: () => tfLoss(tensors.pred, tensors.labels, tensors.alpha, w.gamma, w.fromLogits),
      teardown: () => disposeAll(tensors),
    });
  }
  return { list, release: () => {} };
}

/** The loss-and-gradient contenders of G1, G2: each writes or holds the gradient of the mean loss. */
function gradLineup(w, data, { tfBackends }) {
  const d = () => data.current;
  const opts = () => ({ gamma: w.gamma, alpha: d().alpha, fromLogits: true });
  const outputs = {};
  // Each contender has its own preallocated Float32Array gradient, allocated untimed in setup.
  const out = (key) => (outputs[key] ??= new Float32Array(d().n * w.classes));
  const lib = (key, backend) => () => focalLossGrad(d().yTrue, d().flat, { ...opts(), backend, gradOut: out(key) });
  const list = [
    {
      key: 'hand', role: 'hand', name: 'hand-written flat JS loss + gradient (into a Float32Array)',
      setup: () => void out('hand'),
      run: () => handFlatGrad(d().yTrue, d().flat, w.classes, w.gamma, d().alpha, out('hand')),
      check: () => ({ loss: handFlatGrad(d().yTrue, d().flat, w.classes, w.gamma, d().alpha, out('hand')), grad: out('hand') }),
    },
    { key: 'js', role: 'js', name: 'focalLossGrad, JS path (gradOut Float32Array)', setup: () => void out('js'), run: lib('js', 'js'), check: lib('js', 'js') },
    { key: 'wasm', role: 'wasm', name: 'focalLossGrad, wasm (gradOut Float32Array)', setup: () => void out('wasm'), run: lib('wasm', 'wasm'), check: lib('wasm', 'wasm') },
  ];
  let ws = null;
  list.push({
    key: 'workspace', role: 'workspace', name: 'workspace lossAndGrad (wasm, zero copy)',
    setup: () => {
      if (ws) return;
      memory.oneShot ??= backendInfo().memoryBytes;
      ws = createWorkspace({ rows: d().n, classes: w.classes, dtype: 'f32', fromLogits: true, gradients: true });
      ws.predictions.set(d().flat);
      ws.labels.set(d().yTrue);
    },
    run: () => ws.lossAndGrad({ gamma: w.gamma, alpha: d().alpha }),
    check: () => ws.lossAndGrad({ gamma: w.gamma, alpha: d().alpha }),
    teardown: () => {
      ws?.dispose();
      ws = null;
    },
  });
  for (const backend of tfBackends) {
    const tensors = {};
    // Tensor creation included: logits and labels become tensors, the labels a one-hot mask,
    // and the gradient is read back into JS (as focalLossGrad's gradOut holds it). The arrays
    // are read inside tf.tidy but not returned from it: tidy walks its result for tensors, and
    // walking a Float32Array of N·C numbers would be charged to TensorFlow.js.
    const created = () => {
      const r = {};
      tf.tidy(() => {
        const x = tf.tensor2d(d().flat, [d().n, w.classes]);
        const oneHot = tfOneHot(tf.tensor1d(d().yTrue, 'int32'), w.classes);
        const { value, grad } = tfLossAndGrad(x, oneHot, w.gamma);
        r.loss = value.dataSync()[0];
        r.grad = grad.dataSync();
      });
      return r;
    };
    list.push({ key: `tfjs-${backend}`, role: 'tfjs', backend, name: `TensorFlow.js ${backend} tf.grad, tensor creation included`, setup: () => useTf(backend), run: created, check: created });
    // Prebuilt: logits and one-hot mask exist; the gradient is left in a tensor (read only to check it).
    const prebuilt = (read) => {
      const r = {};
      tf.tidy(() => {
        const { value, grad } = tfLossAndGrad(tensors.x, tensors.oneHot, w.gamma);
        r.loss = value.dataSync()[0];
        if (read) r.grad = grad.dataSync();
      });
      return read ? r : r.loss;
    };
    list.push({
      key: `tfjs-${backend}-prebuilt`, role: 'tfjs-ops', backend, name: `TensorFlow.js ${backend} tf.grad, tensors prebuilt`,
      setup: async () => {
        await useTf(backend);
        if (!tensors.x) {
          tensors.x = tf.tensor2d(d().flat, [d().n, w.classes]);
          tensors.oneHot = tf.tidy(() => tfOneHot(tf.tensor1d(d().yTrue, 'int32'), w.classes));
        }
      },
      run: () => prebuilt(false),
      check: () => prebuilt(true),
      teardown: () => disposeAll(tensors),
    });
  }
  return {
    list,
    release: () => {
      for (const k of Object.keys(outputs)) delete outputs[k];
    },
  };
}

/** The accumulator contenders of A1: one update over the batch, without and with diagnostics (summary() included), each backend. */
function accumulatorLineup(w, data) {
  const d = () => data.current;
  const update = (backend, diagnostics) => () => {
    const acc = createFocalLossAccumulator({ gamma: w.gamma, fromLogits: w.fromLogits, backend, diagnostics }).update(d().yTrue, d().flat);
    if (diagnostics) acc.summary();
    return acc.result();
  };
  const list = ['wasm', 'js'].flatMap((backend) => [
    { key: `accumulator-${backend}`, role: backend, name: `accumulator update, ${backend}`, run: update(backend, false) },
    { key: `accumulator-${backend}-diagnostics`, role: backend, name: `accumulator update with diagnostics, ${backend}`, run: update(backend, true) },
  ]);
  return { list, release: () => {} };
}

/**
 * P1, P2: the library with Poly-1 and without it (checked against the plain reference), on
 * both backends, and the workspace where it takes the input.
 */
function polyLineup(w, data) {
  const d = () => data.current;
  const opts = (poly1) => ({ gamma: w.gamma, alpha: d().alpha, fromLogits: w.fromLogits, poly1 });
  const outputs = {};
  const out = (key) => (outputs[key] ??= new Float32Array(d().n * w.classes));
  const call = (key, backend, poly1) => (w.grad
    ? () => focalLossGrad(d().yTrue, d().flat, { ...opts(poly1), backend, gradOut: out(key) })
    : () => focalLoss(d().yTrue, d().flat, { ...opts(poly1), backend }));
  const what = w.grad ? 'focalLossGrad' : 'focalLoss';
  const list = [];
  for (const backend of ['js', 'wasm']) {
    for (const [suffix, poly1, exact] of [['', w.poly1, undefined], ['-plain', 0, 'plain']]) {
      const key = `${backend}${suffix}`;
      const run = call(key, backend, poly1);
      list.push({
        key, role: backend, exact, name: `${what}, ${backend === 'js' ? 'JS path' : 'wasm'}, ${poly1 ? `Poly-1 ε = ${poly1}` : 'plain focal loss'}`,
        setup: () => void (w.grad && out(key)), run, check: run,
      });
    }
  }
  return {
    list,
    release: () => {
      for (const k of Object.keys(outputs)) delete outputs[k];
    },
  };
}

/**
 * The contenders of workload `w` and `dispose()`, which runs every teardown and drops the
 * gradient buffers. `data.current` is read only when a contender runs, so the list can be made
 * (and counted) before the data exists. `keys` keeps only those contenders; `tfBackends` the
 * TensorFlow.js backends to include.
 */
export function lineup(w, data, { tfBackends = ['cpu', 'wasm'], keys = null } = {}) {
  const make = w.map ? mapLineup : w.asymmetric ? asymmetricLineup : w.poly1 ? polyLineup : w.grad ? gradLineup : w.accumulator ? accumulatorLineup : lossLineup;
  const { list, release } = make(w, data, { tfBackends });
  const contenders = keys ? list.filter((c) => keys.includes(c.key)) : list;
  const dispose = () => {
    for (const c of list) {
      try {
        c.teardown?.();
      } catch {
        // A teardown that fails (a tensor already gone) must not stop the others.
      }
    }
    release();
  };
  return { contenders, dispose };
}
