import { count } from '../errors/show.js';

export { count };

/** A count for reading: digits grouped (3,001 samples). */
export function grouped(n: number, singular: string): string {
  return count(n, singular).replace(/^\d+/, n.toLocaleString('en-US'));
}
