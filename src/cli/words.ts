/** "1 row", "2 rows", "1 class", "3 classes": a count with its noun in the right number. */
export function count(n: number, singular: string, plural = /(s|x|ch|sh)$/.test(singular) ? `${singular}es` : `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A count for reading: digits grouped (3,001 samples). */
export function grouped(n: number, singular: string): string {
  return count(n, singular).replace(/^\d+/, n.toLocaleString('en-US'));
}
