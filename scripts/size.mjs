// The size of what an app ships when it imports focal-loss-wasm: the package bundled and
// minified by esbuild (the wasm kernels are inlined in it). Fails over the budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const BUDGET_GZIP = 36 * 1024;

const result = await build({
  entryPoints: ['dist/index.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
const code = result.outputFiles[0].contents;
const gzip = gzipSync(code, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const file of ['dist/kernel-simd.wasm', 'dist/kernel.wasm']) {
  const bytes = readFileSync(file);
  console.log(`${file}: ${kib(bytes.length)} (gzip ${kib(gzipSync(bytes, { level: 9 }).length)})`);
}
console.log(`bundle (esbuild --minify, both kernels inlined): ${kib(code.length)}, gzip ${kib(gzip)}; budget ${kib(BUDGET_GZIP)} gzip`);
if (gzip > BUDGET_GZIP) {
  console.error(`size: the bundle grew past its budget (${kib(gzip)} > ${kib(BUDGET_GZIP)} gzip)`);
  process.exit(1);
}
