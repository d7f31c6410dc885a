/// <reference types="node" />
import { readFileSync } from 'node:fs';
import {
  accumulatorFromState, type AccumulatorState, type CoverageSummary, type FocalLossAccumulator,
} from '../accumulator/accumulator.js';
import { showRanges } from '../accumulator/coverage.js';
import { InputError } from './input-error.js';
import { optionError } from './library-errors.js';

/** Reads one state file written by --state-out (or by the library's state()). */
export function readState(path: string): AccumulatorState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : String(error)}`);
  }
  try {
    return JSON.parse(text) as AccumulatorState;
  } catch (error) {
    throw new InputError(`${path} is not JSON (expected an accumulator state written by --state-out): ${(error as Error).message}`);
  }
}

/**
 * The reduce step: one accumulator holding every state's data. States merge in any order and
 * grouping (a commutative monoid), but only when made with the same loss and options.
 */
export function mergeStates(paths: readonly string[]): FocalLossAccumulator {
  let merged: FocalLossAccumulator | null = null;
  for (const path of paths) {
    const state = readState(path);
    try {
      if (merged === null) {
        merged = accumulatorFromState('fromState', state);
      } else {
        merged.merge(state);
      }
    } catch (error) {
      const e = optionError(error);
      if (e instanceof InputError) throw new InputError(`${path}: ${e.message}`);
      throw e;
    }
  }
  return merged!;
}

/**
 * Refuses a merge that leaves rows of a data set out (a shard's state not given): its loss
 * would be taken for the whole's. States that overlap never merge (a shard counted twice).
 */
export function checkCovered(coverage: readonly CoverageSummary[]): void {
  for (const c of coverage) {
    if (c.missing === undefined || c.missing.length === 0) continue;
    throw new InputError(
      `the states do not cover ${c.source}: ${showRanges(c.missing)} of its ${c.totalRows} are missing; ` +
      'merge the states of the shards that read them too, or pass --allow-partial for the loss of the rows covered',
    );
  }
}
