// Measures the wasm kernel's vectorised ln and (1 - p)^γ in ulp against mpmath, over
// 2^20 inputs spread across (0, 1]: uniform, log-uniform down to subnormals, and p near 1
// where ln p is tiny. Run with `npm run bench:accuracy` (needs python3 with mpmath).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { focalLoss, wasmBuild } from '../dist/index.js';

const N = 1 << 20;
let s = 12345;
const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
const p = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const kind = i % 4;
  if (kind === 0) p[i] = rand();
  else if (kind === 1) p[i] = Math.pow(2, -1074 * rand());
  else if (kind === 2) p[i] = 1 - Math.pow(2, -53 * rand());
  else p[i] = 0.5 + rand() / 2;
}
const labels = new Uint8Array(N);
const options = { epsilon: 0, reduction: 'none', backend: 'wasm' };
// With one class, γ = 0 and α = 1 the loss is exactly -ln p as the kernel computes it.
const negLog = focalLoss(labels, p, { ...options, gamma: 0 });
const focal = focalLoss(labels, p, { ...options, gamma: 2.3 });

const dir = mkdtempSync(join(tmpdir(), 'focal-accuracy-'));
for (const [name, data] of [['p', p], ['neglog', negLog], ['focal', focal]]) {
  writeFileSync(join(dir, `${name}.f64`), new Uint8Array(data.buffer));
}
console.log(`wasm kernel: ${wasmBuild() === 'simd' ? 'SIMD (f64x2)' : wasmBuild()}, ${N} inputs`);
console.log(execFileSync('python3', [new URL('./accuracy.py', import.meta.url).pathname, dir], { encoding: 'utf8' }));
