import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

  // The package is read offline too (its README's pictures), but it is installed far more often
  // than read: at most 400 kB packed, no picture nothing shows, no payload in a declaration file.
  it('packs into at most 400 kB: pictures only where Markdown shows them, declarations without payloads', () => {
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    expect(statSync(join(dir, tarball)).size).toBeLessThanOrEqual(400_000);
    const pkg = join(dir, 'node_modules/focal-loss-wasm');
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: pkg, encoding: 'utf8' }).trim().split('\n');
    const markdown = files.filter((f) => f.endsWith('.md')).map((f) => readFileSync(join(pkg, f), 'utf8')).join('\n');
    const unshown = files.filter((f) => /\.(jpe?g|png|svg)$/.test(f) && !markdown.includes(f.replace(/^\.\//, '')));
    expect(unshown).toEqual([]);
    const payloads = files.filter((f) => f.endsWith('.d.ts') && /[A-Za-z0-9+/]{1000}/.test(readFileSync(join(pkg, f), 'utf8')));
    expect(payloads).toEqual([]);
  });

  it('holds what its Markdown links to and shows (the README on npm and in node_modules)', () => {
    const pkg = join(dir, 'node_modules/focal-loss-wasm');
    const pages = execFileSync('find', ['.', '-name', '*.md', '-not', '-path', './node_modules/*'], { cwd: pkg, encoding: 'utf8' }).trim().split('\n');
    expect(pages).toContain('./README.md');
    const missing: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(pkg, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|#|mailto:)/.test(target)) continue;
        if (!existsSync(join(pkg, dirname(page), target.split('#')[0]))) missing.push(`${page}: ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('type-checks typical calls against the shipped declarations', () => {
    writeFileSync(
      join(dir, 'use.ts'),
      `import { focalLoss, focalLossGrad, binaryFocalLoss, binaryFocalLossGrad, createWorkspace, type FocalLossOptions } from 'focal-loss-wasm';
      const a: number = focalLoss([0, 1], [[0.5, 0.5], [0.2, 0.8]]);
      const b: number = focalLoss([[1, 0], [0, 1]], [[0.5, 0.5], [0.2, 0.8]], { alpha: 0.25, labelSmoothing: 0.1 });
      const c: Float64Array = focalLoss(Int32Array.of(0, 1), new Float32Array(4), { reduction: 'none', fromLogits: true });
      const d: number = focalLoss([0, 1], [[0.5, 0.5], [0.2, 0.8]], 2, [1, 2]);
      const e: number = binaryFocalLoss([0, 1], [0.3, 0.9], { alpha: 0.25 });
      const f: Float64Array = binaryFocalLoss([[0, 1]], [[0.3, 0.9]], { reduction: 'none' });
      const options: FocalLossOptions = { gamma: 1, sampleWeight: [1, 2], reduction: 'weightedMean' };
      const g: number = createWorkspace({ rows: 2, classes: 2 }).loss(options);
      // The array types carry through: a Float32Array gradOut comes back as one, an f32 workspace holds them.
      const h: Float32Array = focalLossGrad([0], [[0.5, 0.5]], { gradOut: new Float32Array(2) }).grad;
      const i: Float64Array = focalLossGrad([0], [[0.5, 0.5]]).grad;
      const j: Float32Array = binaryFocalLossGrad([1], [0.5], { reduction: 'none', gradOut: new Float32Array(1) }).grad;
      const k: Float32Array = createWorkspace({ rows: 1, classes: 2, dtype: 'f32' }).predictions;
      const l: Float64Array = createWorkspace({ rows: 1, classes: 2 }).lossAndGrad().grad;
      export { a, b, c, d, e, f, g, h, i, j, k, l };`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    node([tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'use.ts']);
  });

  it('rejects, at compile time, what the API does not accept (issue 8, item 14)', () => {
    // Each @ts-expect-error line must fail to compile: if it compiles, tsc reports the
    // directive as unused and this test fails. The other lines must compile.
    writeFileSync(
      join(dir, 'types.ts'),
      `import { focalLoss, createWorkspace, type Dtype, type FocalLossOptions, type WorkspaceLossOptions } from 'focal-loss-wasm';
      const y = [0, 1];
      const p = [[0.5, 0.5], [0.2, 0.8]];
      const ws = createWorkspace({ rows: 2, classes: 2 });

      // @ts-expect-error labelSmoothing needs target rows; a workspace has class indices
      ws.loss({ labelSmoothing: 0.1 });
      // @ts-expect-error the backend is fixed when the workspace is created
      ws.loss({ backend: 'js' });
      // @ts-expect-error the backend is fixed when the workspace is created
      ws.lossAndGrad({ backend: 'wasm' });
      // @ts-expect-error not a reduction
      focalLoss(y, p, { reduction: 'bogus' });
      // @ts-expect-error reduction 'none' returns a Float64Array
      const n: number = focalLoss(y, p, { reduction: 'none' });
      // @ts-expect-error reduction 'none' returns a Float64Array (workspace)
      const m: number = ws.loss({ reduction: 'none' });
      // @ts-expect-error not a dtype
      createWorkspace({ rows: 1, classes: 2, dtype: 'f16' });
      // @ts-expect-error unknown key
      createWorkspace({ rows: 1, classes: 2, dtpye: 'f32' });
      // @ts-expect-error gamma is a number
      focalLoss(y, p, { gamma: [2] });
      // @ts-expect-error an f32 workspace's predictions are a Float32Array
      const x64: Float64Array = createWorkspace({ rows: 1, classes: 2, dtype: 'f32' }).predictions;

      const f: Float64Array = ws.loss({ reduction: 'none' });
      const g: Float64Array = ws.lossAndGrad({ reduction: 'none' }).loss;
      const dtype: Dtype = 'f32';
      const made = createWorkspace({ rows: 2, classes: 2, dtype });
      const o: FocalLossOptions = { gamma: 1, alpha: [1, 2], reduction: 'sum' };
      const x: number = focalLoss(y, p, o);
      const w: WorkspaceLossOptions = { gamma: 1, alpha: 0.25 };
      const z: number = made.loss(w);
      export { n, m, f, g, x, z, x64 };`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    try {
      node([tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'types.ts']);
    } catch (error) {
      throw new Error(`tsc rejected types.ts:\n${(error as { stdout?: string }).stdout ?? error}`);
    }
  });

  it('types tensors structurally: TF.js and ONNX Runtime tensors, { data, shape }, int64 labels, maps (issue 16, item 21)', () => {
    mkdirSync(join(dir, 'node_modules', '@tensorflow'), { recursive: true });
    if (!existsSync(join(dir, 'node_modules', '@tensorflow', 'tfjs-core'))) {
      symlinkSync(join(root, 'node_modules', '@tensorflow', 'tfjs-core'), join(dir, 'node_modules', '@tensorflow', 'tfjs-core'));
    }
    // An ONNX Runtime tensor as onnxruntime-common declares it (not a dependency here).
    writeFileSync(
      join(dir, 'tensors.ts'),
      `import * as tf from '@tensorflow/tfjs-core';
      import {
        binaryFocalLoss, createBinaryFocalLossAccumulator, createFocalLossAccumulator, createFocalLossPool, createWorkspace, focalLoss,
        focalLossGrad,
      } from 'focal-loss-wasm';
      interface OrtTensor {
        readonly dims: readonly number[];
        readonly type: 'float32' | 'int64' | 'float16' | 'string';
        readonly data: Float32Array | BigInt64Array | Uint16Array | string[];
        readonly size: number;
      }
      declare const logits: OrtTensor;
      declare const labels: OrtTensor;
      const t4 = tf.zeros([2, 3, 4, 5]);
      const l3 = tf.zeros([2, 4, 5], 'int32');
      const a: number = focalLoss(l3, t4, { axis: 1, fromLogits: true });
      const b: number = focalLoss(labels, logits, { axis: 1 });
      const c: number = focalLoss({ data: new Int32Array(40), shape: [2, 4, 5] }, { data: new Float32Array(120), shape: [2, 3, 4, 5] }, { axis: 1 });
      const d: number = focalLoss(BigInt64Array.of(0n), new Float32Array(3), { shape: [1, 3] });
      const e: number = binaryFocalLoss(t4, t4, { axis: 1 });
      const f: Float64Array | Float32Array = focalLossGrad(l3, t4, { axis: 1 }).grad;
      const g: number = focalLoss([[0, 1]], [[[0.5, 0.5], [0.2, 0.8]]]);
      createFocalLossAccumulator({ axis: 1 }).update(l3, t4).update(labels, logits);
      createBinaryFocalLossAccumulator().update(logits, logits);
      const h: Promise<number> = createFocalLossPool().focalLoss(l3, t4, { axis: 1 });

      // @ts-expect-error an object that is no tensor
      focalLoss([0], { values: [0.5, 0.5] });
      // @ts-expect-error a shape without values
      focalLoss([0], { shape: [1, 2] });
      // @ts-expect-error data that is not an array
      focalLoss([0], { data: 'ab', shape: [2] });
      // @ts-expect-error predictions are numbers, not BigInts
      focalLoss([0], BigInt64Array.of(1n, 2n));
      // @ts-expect-error binary targets are numbers, not BigInts
      binaryFocalLoss(BigInt64Array.of(1n), [0.5]);
      // @ts-expect-error accumulators take each chunk's shape from the chunk
      createFocalLossAccumulator({ shape: [1, 2] });
      // @ts-expect-error axis is a number
      focalLoss([0], [[0.5, 0.5]], { axis: '1' });
      // @ts-expect-error a workspace's layout is fixed when it is created
      createWorkspace({ rows: 1, classes: 2 }).loss({ axis: 1 });
      export { a, b, c, d, e, f, g, h };`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    try {
      node([tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'tensors.ts']);
    } catch (error) {
      throw new Error(`tsc rejected tensors.ts:\n${(error as { stdout?: string }).stdout ?? error}`);
    }
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
