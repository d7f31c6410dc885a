// The size of what an app ships when it imports focal-loss-wasm, bundled and minified by
// esbuild (the wasm kernels are inlined as base64): everything the main entry exports, and a
// typical import of focalLoss alone. Two budgets, so that growth is attributed: the kernels
// (both builds, as the bundle carries them) and the JS around them.
//
// History: 0.1's entry was 32.5 KiB gzip. Gradients for four input kinds, accumulators and the
// pool took it to 56 KiB. 0.3 adds the diagnostics kernels (row and element statistics), the
// focal family's kernels (asymmetric loss, Poly-1), the channels-first transposes, and in JS
// the maps' layouts, the diagnostics' tallies, readNpy and the class weights.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const BUDGET = { kernels: 40 * 1024, js: 40 * 1024 };
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

// The entry with the kernels' base64 emptied: what the JS alone weighs.
const withoutKernels = {
  name: 'without-kernels',
  setup(b) {
    b.onLoad({ filter: /kernel-base64\.js$/ }, () => ({
      contents: "export const SIMD_WASM_BASE64 = ''; export const SCALAR_WASM_BASE64 = '';",
      loader: 'js',
    }));
  },
};

async function bundle(contents, plugins = []) {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'warning',
    plugins,
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gzip: gzip(code) };
}

let kernels = 0;
for (const file of ['dist/kernel-simd.wasm', 'dist/kernel.wasm']) {
  const bytes = readFileSync(file);
  kernels += gzip(Buffer.from(bytes.toString('base64')));
  console.log(`${file}: ${kib(bytes.length)} (gzip ${kib(gzip(bytes))})`);
}
const all = await bundle("export * from './dist/index.js';");
const js = await bundle("export * from './dist/index.js';", [withoutKernels]);
const one = await bundle("export { focalLoss } from './dist/index.js';");
console.log(`bundle of the whole entry (esbuild --minify, both kernels inlined): ${kib(all.raw)}, gzip ${kib(all.gzip)}`);
console.log(`  the kernels as base64: gzip ${kib(kernels)}; budget ${kib(BUDGET.kernels)}`);
console.log(`  the JS without them: ${kib(js.raw)}, gzip ${kib(js.gzip)}; budget ${kib(BUDGET.js)}`);
console.log(`bundle of focalLoss alone: ${kib(one.raw)}, gzip ${kib(one.gzip)}`);
let over = false;
for (const [part, size] of [['kernels', kernels], ['js', js.gzip]]) {
  if (size > BUDGET[part]) {
    console.error(`size: the ${part} grew past their budget (${kib(size)} > ${kib(BUDGET[part])} gzip)`);
    over = true;
  }
}
if (over) process.exit(1);
