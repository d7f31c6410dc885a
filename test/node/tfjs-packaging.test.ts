// How focal-loss-wasm/tfjs ships: the main entry never pulls in TensorFlow.js, the tfjs entry
// imports only @tensorflow/tfjs-core, and the packed package's tfjs entry imports and
// type-checks in a project that has TensorFlow.js.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { installPacked, root } from '../packed.js';

describe('packaging', () => {
  it('the main entry never imports @tensorflow/tfjs-core; the tfjs entry imports only it', async () => {
    const main = await build({ entryPoints: [join(root, 'dist/index.js')], bundle: true, write: false, metafile: true, format: 'esm', logLevel: 'silent' });
    expect(Object.keys(main.metafile.inputs).filter((f) => f.includes('@tensorflow') || f.endsWith('tfjs.js'))).toEqual([]);
    const adapter = await build({
      entryPoints: [join(root, 'dist/tfjs.js')], bundle: true, write: false, metafile: true, format: 'esm', logLevel: 'silent',
      packages: 'external',
    });
    const external = Object.values(adapter.metafile.outputs)[0].imports.filter((i) => i.external).map((i) => i.path);
    expect([...new Set(external)]).toEqual(['@tensorflow/tfjs-core']);
  });

  describe('the packed package', () => {
    let dir: string;
    beforeAll(() => {
      dir = installPacked();
      // The peer dependency, as an app that uses TensorFlow.js has it.
      mkdirSync(join(dir, 'node_modules', '@tensorflow'), { recursive: true });
      for (const p of ['tfjs-core', 'tfjs-backend-cpu']) {
        symlinkSync(join(root, 'node_modules', '@tensorflow', p), join(dir, 'node_modules', '@tensorflow', p));
      }
    }, 120_000);

    it('exports focal-loss-wasm/tfjs with its declarations, importable in Node', () => {
      const script = `import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu';
        import { tfFocalLoss } from 'focal-loss-wasm/tfjs';
        await tf.setBackend('cpu');
        console.log(tfFocalLoss({ gamma: 0 })(tf.tensor1d([0], 'int32'), tf.tensor2d([[0.5, 0.5]])).dataSync()[0]);`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
      expect(Number(out.trim().split('\n').pop())).toBeCloseTo(Math.log(2), 6);
    });

    it('type-checks a model.compile-style use against the shipped declarations', () => {
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      const file = join(dir, 'use-tfjs.ts');
      execFileSync('sh', ['-c', `cat > ${file}`], {
        input: `import * as tf from '@tensorflow/tfjs-core';
          import { tfFocalLoss, tfBinaryFocalLoss, type TfLossFunction } from 'focal-loss-wasm/tfjs';
          const loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar = tfFocalLoss({ gamma: 2, alpha: [1, 2], fromLogits: true });
          const binary: TfLossFunction = tfBinaryFocalLoss({ alpha: 0.25, reduction: 'sum' });
          export { loss, binary };`,
      });
      execFileSync('sh', ['-c', `echo '{ "type": "module" }' > package.json`], { cwd: dir });
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'use-tfjs.ts'], { cwd: dir, encoding: 'utf8' });
    });
  });
});
