import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { balancedAlpha, EPOCHS, startRun, step } from '../../demo/experiment.js';
import { root } from '../packed.js';

// The demo's Train panel states what its training gives (#train-measured in demo/index.html).
// Here the panel's own experiment (demo/experiment.ts: the same data, seeds and epochs) runs for
// each setting the text names, so the text cannot drift from what the page shows.

const html = readFileSync(join(root, 'demo/index.html'), 'utf8');
const measured = /<p id="train-measured">([^]*?)<\/p>/.exec(html)![1].replace(/\s+/g, ' ');
const defaultGamma = Number(/id="train-gamma"[^>]*value="([^"]+)"/.exec(html)![1]);

function run(gamma: number, alpha?: number[]): string[] {
  const r = startRun({ gamma, alpha });
  for (let e = 0; e < EPOCHS; e++) step(r);
  return [r.recalls.at(-1)!.toFixed(2), r.precisions.at(-1)!.toFixed(2)];
}

it('the Train panel states the recall and precision its own training reaches', () => {
  const claim = new RegExp(
    `after ${EPOCHS} epochs: with the defaults \\(γ = ${defaultGamma}, class-balanced α\\), focal loss reaches minority recall (\\S+) at ` +
      'precision (\\S+); cross-entropy (\\S+) at (\\S+)\\. The gain is α’s: γ = (\\S+) without α gives recall (\\S+) at precision (\\S+), ' +
      'and cross-entropy with the same α \\(γ = 0\\) gives (\\S+) at (\\S+)\\.',
  ).exec(measured);
  expect(claim, measured).not.toBeNull();
  const [, ...stated] = claim!;
  expect(Number(stated[4])).toBe(defaultGamma);
  const got = [...run(defaultGamma, balancedAlpha), ...run(0), stated[4], ...run(defaultGamma), ...run(0, balancedAlpha)];
  expect(got).toEqual(stated);
});
