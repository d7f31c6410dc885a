import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cases, expectClose } from '../helpers.js';
import { installPacked, root } from '../packed.js';

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const worked = cases.find((c) => c.positional)!;
const call = `focalLoss(${JSON.stringify(worked.yTrue)}, ${JSON.stringify(worked.yPred)}, ${worked.positional![0]})`;

let dir: string;
beforeAll(() => {
  dir = installPacked();
});

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8' }).trim();

describe('the published package', () => {
  it('is ESM only, side-effect free, with types first in exports', () => {
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(Object.keys(manifest.exports['.'])[0]).toBe('types');
    expect(manifest.exports['./wasm']).toMatch(/\.wasm$/);
  });

  it('ships dist (with declarations and both kernels) and nothing of the sources', () => {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: join(dir, 'node_modules/focal-loss-wasm'), encoding: 'utf8' });
    for (const file of ['./dist/index.js', './dist/index.d.ts', './dist/kernel-simd.wasm', './dist/kernel.wasm', './package.json']) {
      expect(files).toContain(file);
    }
    expect(files).not.toMatch(/\.\/(src|test|assembly|bench)\//);
  });

  it('type-checks typical calls against the shipped declarations', () => {
    writeFileSync(
      join(dir, 'use.ts'),
      `import { focalLoss, binaryFocalLoss, createWorkspace, type FocalLossOptions } from 'focal-loss-wasm';
      const a: number = focalLoss([0, 1], [[0.5, 0.5], [0.2, 0.8]]);
      const b: number = focalLoss([[1, 0], [0, 1]], [[0.5, 0.5], [0.2, 0.8]], { alpha: 0.25, labelSmoothing: 0.1 });
      const c: Float64Array = focalLoss(Int32Array.of(0, 1), new Float32Array(4), { reduction: 'none', fromLogits: true });
      const d: number = focalLoss([0, 1], [[0.5, 0.5], [0.2, 0.8]], 2, [1, 2]);
      const e: number = binaryFocalLoss([0, 1], [0.3, 0.9], { alpha: 0.25 });
      const f: Float64Array = binaryFocalLoss([[0, 1]], [[0.3, 0.9]], { reduction: 'none' });
      const options: FocalLossOptions = { gamma: 1, sampleWeight: [1, 2], reduction: 'weightedMean' };
      const g: number = createWorkspace({ rows: 2, classes: 2 }).loss(options);
      export { a, b, c, d, e, f, g };`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    node([tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'use.ts']);
  });

  it('works through import in Node', () => {
    expectClose(Number(node(['--input-type=module', '-e', `import { focalLoss } from 'focal-loss-wasm'; console.log(${call});`])), worked.expected.mean);
  });

  it.runIf(process.features.require_module)('works through require() where Node can require ESM (no top-level await)', () => {
    expectClose(Number(node(['-e', `const { focalLoss } = require('focal-loss-wasm'); console.log(${call});`])), worked.expected.mean);
  });

  it('exposes the raw kernel as focal-loss-wasm/wasm, ready for init()', () => {
    const script = `import { readFileSync, writeFileSync } from 'node:fs'; import { createRequire } from 'node:module';
      import { init, focalLoss, wasmBuild } from 'focal-loss-wasm';
      const bytes = readFileSync(createRequire(import.meta.url).resolve('focal-loss-wasm/wasm'));
      console.log(JSON.stringify({ ...init(new WebAssembly.Module(bytes)), build: wasmBuild() }), ${call});`;
    const [info, value] = node(['--input-type=module', '-e', script]).split(' ');
    expect(JSON.parse(info)).toMatchObject({ backend: 'wasm', build: 'simd' });
    expectClose(Number(value), worked.expected.mean);
  });
});
