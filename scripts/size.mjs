// The size of what an app ships when it imports focal-loss-wasm, bundled and minified by
// esbuild (the wasm kernels are inlined): everything the main entry exports, and a typical
// import of focalLoss alone. Fails when the whole entry grows past the budget.
//
// The budget: 0.1's entry was 32.5 KiB gzip with a 36 KiB budget. Gradients for four input
// kinds, accumulators and the pool's main-thread code took the kernels from 25 to 46 KiB
// (33 KiB of base64 gzip, both builds) and the JS to about 16 KiB.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const BUDGET_GZIP = 56 * 1024;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

async function bundle(contents) {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

for (const file of ['dist/kernel-simd.wasm', 'dist/kernel.wasm']) {
  const bytes = readFileSync(file);
  console.log(`${file}: ${kib(bytes.length)} (gzip ${kib(gzipSync(bytes, { level: 9 }).length)})`);
}
const all = await bundle("export * from './dist/index.js';");
const one = await bundle("export { focalLoss } from './dist/index.js';");
console.log(`bundle of the whole entry (esbuild --minify, both kernels inlined): ${kib(all.raw)}, gzip ${kib(all.gzip)}; budget ${kib(BUDGET_GZIP)} gzip`);
console.log(`bundle of focalLoss alone: ${kib(one.raw)}, gzip ${kib(one.gzip)}`);
if (all.gzip > BUDGET_GZIP) {
  console.error(`size: the bundle grew past its budget (${kib(all.gzip)} > ${kib(BUDGET_GZIP)} gzip)`);
  process.exit(1);
}
