// The Train panel's experiment, apart from the page so that a test can rerun it: the data, the
// seeds, the epochs, and one model's run on a loss, scored on the held-out draw after each epoch.
import { classBalancedAlpha } from 'focal-loss-wasm';
import { createClassifier, evaluate, scratchFor, trainEpoch, type Classifier, type Loss, type Scratch } from './classifier.js';
import { imbalanced, MINORITY } from './dataset.js';

export const EPOCHS = 300;
const SEEDS = { train: 1, test: 2, weights: 7 };

export const train = imbalanced(SEEDS.train);
/** Ten times the training draw: a recall is then a share of 500 minority points, not of 50. */
export const test = imbalanced(SEEDS.test, 10_000);

/** Training samples per class: [majority, minority]. */
export const counts = [0, 0];
for (const label of train.labels) counts[label]++;

/** classBalancedAlpha of the counts, to 3 significant digits: the value the page shows is the value it trains with. */
export const balancedAlpha = Array.from(classBalancedAlpha(counts), (w) => Number(w.toPrecision(3)));

export interface Run {
  loss: Loss;
  model: Classifier;
  scratch: Scratch;
  /** Held-out minority recall and precision after each epoch. */
  recalls: number[];
  precisions: number[];
  accuracy: number;
}

/** A run from the same initial weights as every other. */
export function startRun(loss: Loss): Run {
  const model = createClassifier(SEEDS.weights);
  return { loss, model, scratch: scratchFor(model, train.labels.length), recalls: [], precisions: [], accuracy: 0 };
}

const testLogits = new Float64Array(2 * test.labels.length);

/** One epoch of training, then the held-out scores. */
export function step(run: Run): void {
  trainEpoch(run.model, train, run.loss, run.scratch);
  const { recall, precision, accuracy } = evaluate(run.model, test, MINORITY, testLogits);
  run.recalls.push(recall);
  run.precisions.push(precision);
  run.accuracy = accuracy;
}
