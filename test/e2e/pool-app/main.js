// The pool smoke-test app every bundler builds: a 2-worker pool against the one-shot calls,
// on SharedArrayBuffer inputs where the page is cross-origin isolated, on copies elsewhere.
import { binaryFocalLoss, createFocalLossPool, focalLoss } from 'focal-loss-wasm';

const n = 20_000;
const classes = 10;
const canShare = globalThis.crossOriginIsolated === true;
const buffer = (bytes) => (canShare ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
const labels = new Int32Array(buffer(4 * n)).map((_, i) => (i * 7) % classes);
const logits = new Float32Array(buffer(4 * n * classes)).map((_, i) => Math.sin(i) * 6);
const rows = Array.from({ length: n }, (_, i) => Array.from({ length: classes }, (_, c) => (1 + ((i + c) % 4)) / 25));
const targets = Float64Array.from(logits, (v) => (v > 0 ? 1 : 0));
const relative = (a, b) => Math.abs(a - b) / Math.abs(b);

async function run() {
  const pool = createFocalLossPool({ workers: 2 });
  const info = await pool.ready();
  const errors = [
    relative(await pool.focalLoss(labels, logits, { fromLogits: true }), focalLoss(labels, logits, { fromLogits: true })),
    relative(await pool.focalLoss(Array.from(labels), rows, { gamma: 1.5, reduction: 'sum' }), focalLoss(Array.from(labels), rows, { gamma: 1.5, reduction: 'sum' })),
    relative(await pool.binaryFocalLoss(targets, logits, { fromLogits: true }), binaryFocalLoss(targets, logits, { fromLogits: true })),
  ];
  const bad = Array.from(labels);
  bad[n - 1] = -1;
  const rejected = await pool.focalLoss(bad, rows).then(() => 'resolved', (e) => `${e.name}: ${e.message}`);
  await pool.close();
  return { info, crossOriginIsolated: canShare, errors, rejected };
}

run().then(
  (results) => {
    document.body.textContent = JSON.stringify(results);
    window.__pool = results;
  },
  (error) => {
    window.__pool = { failed: String(error) };
  },
);
