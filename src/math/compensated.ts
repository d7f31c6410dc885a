import { sumError } from '../kernels/math/sum.js';

/**
 * A sum with its Neumaier carry, as plain data (it travels in accumulator states and between
 * pool threads as it is): long sums stay exact to a few ulp, and partial sums merge exactly,
 * carries included.
 */
export type Compensated = [sum: number, carry: number];

export const compensated = (sum = 0, carry = 0): Compensated => [sum, carry];

/** Adds x, with the carry of the partial sum it comes from (0 for a plain term). */
export function addTo(pair: Compensated, x: number, xCarry = 0): void {
  const sum = pair[0];
  const t = sum + x;
  pair[1] += sumError(sum, x, t) + xCarry;
  pair[0] = t;
}

/** The pair's value. Once a term was infinite the carry is Inf - Inf = NaN: the sum itself is then the answer. */
export const valueOf = (pair: Readonly<Compensated>): number => (Number.isFinite(pair[0]) ? pair[0] + pair[1] : pair[0]);
