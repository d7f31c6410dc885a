#!/usr/bin/env node
// Writes a demo data set without NumPy: DIR/preds.npy (ROWS x CLASSES float32 logits) and
// DIR/labels.npy (ROWS int64 class indices), streamed, so ROWS can be large.
//
//   node examples/bullmq/make-data.mjs DIR [ROWS=1000000] [CLASSES=10]
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [dir, rowsArg = '1000000', classesArg = '10'] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: node examples/bullmq/make-data.mjs DIR [ROWS] [CLASSES]');
  process.exit(2);
}
const rows = Number(rowsArg);
const classes = Number(classesArg);
mkdirSync(dir, { recursive: true });

/** An .npy 1.0 header: magic, version, length, and the dict padded so the data starts at a multiple of 64. */
function header(descr, shape) {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const length = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const bytes = Buffer.alloc(10 + length, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(bytes);
  bytes.writeUInt16LE(length, 8);
  bytes.write(dict, 10, 'latin1');
  bytes[10 + length - 1] = 0x0a;
  return bytes;
}

// A small deterministic generator (xorshift), so the files are the same on every run.
let seed = 0x9e3779b9;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

const predFd = openSync(join(dir, 'preds.npy'), 'w');
const labelFd = openSync(join(dir, 'labels.npy'), 'w');
writeSync(predFd, header('<f4', [rows, classes]));
writeSync(labelFd, header('<i8', [rows]));
const step = 65536;
const logits = new Float32Array(step * classes);
const labels = new BigInt64Array(step);
for (let start = 0; start < rows; start += step) {
  const m = Math.min(step, rows - start);
  for (let i = 0; i < m; i++) {
    const label = Math.floor(random() * classes);
    labels[i] = BigInt(label);
    // Logits that favour the true class a little, as a half-trained model's would.
    for (let c = 0; c < classes; c++) logits[i * classes + c] = 3 * (random() - 0.5) + (c === label ? 1.5 : 0);
  }
  writeSync(predFd, new Uint8Array(logits.buffer, 0, m * classes * 4));
  writeSync(labelFd, new Uint8Array(labels.buffer, 0, m * 8));
}
closeSync(predFd);
closeSync(labelFd);
console.log(`wrote ${join(dir, 'preds.npy')} (${rows} x ${classes} float32 logits) and ${join(dir, 'labels.npy')} (int64)`);
console.log(`now: node examples/bullmq/evaluate.mjs ${join(dir, 'labels.npy')} ${join(dir, 'preds.npy')} 16 '{"fromLogits":true}'`);
