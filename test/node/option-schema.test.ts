import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  asymmetricLoss, asymmetricLossGrad, binaryFocalLoss, createAsymmetricLossAccumulator, createBinaryFocalLossAccumulator,
  createFocalLossAccumulator, createWorkspace, focalLoss, focalLossGrad,
} from '../../src/index.js';
import { tfAsymmetricLoss, tfBinaryFocalLoss, tfFocalLoss } from '../../src/tfjs.js';
import { OPTIONS, type OptionSpec, type Surface } from '../../src/options/schema.js';
import { root } from '../packed.js';

describe('the option schema is the one list of options', () => {
  it('the documented options interfaces list exactly the schema\'s options of their surface (type check)', () => {
    const file = join(root, 'test/types/option-keys.ts');
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022, skipLibCheck: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  // Each surface, called with one option: refused ones say why, the others are taken.
  const surfaces: Record<Surface, Partial<Record<string, (options: Record<string, unknown>) => unknown>>> = {
    call: {
      focalLoss: (o) => focalLoss([0, 1], [[0.6, 0.4], [0.3, 0.7]], o),
      binaryFocalLoss: (o) => binaryFocalLoss([0, 1], [0.4, 0.7], o),
      asymmetricLoss: (o) => asymmetricLoss([0, 1], [0.4, 0.7], o),
    },
    grad: {
      focalLoss: (o) => focalLossGrad([0, 1], [[0.6, 0.4], [0.3, 0.7]], o),
      asymmetricLoss: (o) => asymmetricLossGrad([0, 1], [0.4, 0.7], o),
    },
    accumulator: {
      focalLoss: (o) => createFocalLossAccumulator(o),
      binaryFocalLoss: (o) => createBinaryFocalLossAccumulator(o),
      asymmetricLoss: (o) => createAsymmetricLossAccumulator(o),
    },
    workspace: {
      focalLoss: (o) => {
        const ws = createWorkspace({ rows: 2, classes: 2 });
        ws.predictions.set([0.6, 0.4, 0.3, 0.7]);
        ws.labels.set([0, 1]);
        try {
          return ws.loss(o);
        } finally {
          ws.dispose();
        }
      },
    },
    tfjs: { focalLoss: (o) => tfFocalLoss(o), binaryFocalLoss: (o) => tfBinaryFocalLoss(o), asymmetricLoss: (o) => tfAsymmetricLoss(o) },
  };
  for (const o of OPTIONS as readonly OptionSpec[]) {
    for (const [surface, byLoss] of Object.entries(surfaces) as Array<[Surface, typeof surfaces.call]>) {
      for (const [loss, call] of Object.entries(byLoss)) {
        if (!o.losses.includes(loss as never)) continue;
        const reason = o.refused?.[surface];
        if (reason === undefined) continue;
        it(`${surface} of ${loss} refuses ${o.name}, saying why`, () => {
          expect(() => call!({ [o.name]: o.default ?? 1 })).toThrow(TypeError);
          expect(() => call!({ [o.name]: o.default ?? 1 })).toThrow(reason);
        });
      }
    }
  }

  it('every option with a flag is in the CLI\'s usage, and the usage names no other loss flag', () => {
    const usage = execFileSync(process.execPath, [join(root, 'dist/cli.js'), '--help'], { encoding: 'utf8' });
    const flags = new Set((OPTIONS as readonly OptionSpec[]).flatMap((o) => (o.cli === undefined ? [] : [o.cli.flag])));
    for (const flag of flags) expect(usage).toContain(`  ${flag}`);
    const loss = usage.slice(usage.indexOf('Loss:'), usage.indexOf('Output:'));
    const listed = [...loss.matchAll(/^ {2}(--[a-z0-9-]+)/gm)].map((m) => m[1]).filter((f) => f !== '--binary' && f !== '--asymmetric');
    expect(listed.sort()).toEqual([...flags].sort());
  });
});
