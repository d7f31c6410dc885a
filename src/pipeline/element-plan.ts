import type { KernelInstance } from '../backend/instance.js';
import type { Batch } from '../shape.js';
import { explainBinary } from './explain.js';
import { reserve, type Needs } from './plan.js';
import { rowSource } from './rows.js';
import type { KernelKind, Plan } from './run.js';

/**
 * The plan of an element-wise loss (binary focal, asymmetric): rows of K predictions against
 * rows of K targets in [0, 1] (K = 1 for flat input), both read as f64, no ignored samples.
 */
export function elementPlan(
  kind: KernelKind, batch: Batch, fn: string, fromLogits: boolean, instance: KernelInstance, needs: Needs,
): Plan {
  const { n, classes } = batch;
  reserve(fn, instance, classes, needs, 8 * classes, 8 * classes, 1, !batch.layout.rowMajor);
  const scratch = instance.scratch;
  const pred = rowSource(batch, 'yPred', batch.yPred, batch.predRows, instance, scratch.f64('pred'), null);
  const targets = rowSource(batch, 'yTrue', batch.yTrue, batch.trueRows, instance, scratch.f64('target'), null);
  return {
    kind,
    n,
    classes,
    ignore: 0,
    hasIgnore: false,
    chunkLabels: null,
    fill: (start, m) => [pred.fill(start, m), targets.fill(start, m)],
    explain: (i) => explainBinary(batch, i, fromLogits),
  };
}
