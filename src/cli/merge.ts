/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { accumulatorFromState, type AccumulatorState, type FocalLossAccumulator } from '../accumulator/accumulator.js';
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
