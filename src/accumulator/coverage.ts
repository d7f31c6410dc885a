// Which rows of a data set an accumulator has seen: sorted, disjoint half-open ranges. Partial
// states of one source merge only when their ranges are disjoint (a shard counted twice would
// otherwise count twice), and a merge of shards says which rows of the whole are missing.

/** Rows [from, to). */
export type RowRange = [from: number, to: number];

/** What an accumulator covers: a named data set, the rows of it seen, and its size if known. */
export interface Coverage {
  source: string;
  ranges: RowRange[];
  totalRows?: number;
}

/** The rows both range lists hold, or null. */
export function overlap(a: readonly RowRange[], b: readonly RowRange[]): RowRange | null {
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const from = Math.max(a[i][0], b[j][0]);
    const to = Math.min(a[i][1], b[j][1]);
    if (from < to) return [from, to];
    if (a[i][1] <= b[j][1]) i++;
    else j++;
  }
  return null;
}

/** The union, adjacent ranges joined. */
export function union(a: readonly RowRange[], b: readonly RowRange[]): RowRange[] {
  const all = [...a, ...b].filter(([from, to]) => from < to).sort((x, y) => x[0] - y[0]);
  const out: RowRange[] = [];
  for (const [from, to] of all) {
    const last = out[out.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** The rows of [0, total) the ranges miss. */
export function missing(ranges: readonly RowRange[], total: number): RowRange[] {
  const out: RowRange[] = [];
  let at = 0;
  for (const [from, to] of ranges) {
    if (from > at) out.push([at, Math.min(from, total)]);
    at = Math.max(at, to);
  }
  if (at < total) out.push([at, total]);
  return out.filter(([from, to]) => from < to);
}

/** Ranges as a message shows them: rows 0–99, 200–299 (at most `most` of them). */
export function showRanges(ranges: readonly RowRange[], most = 5): string {
  const shown = ranges.slice(0, most).map(([from, to]) => (to - from === 1 ? `${from}` : `${from}–${to - 1}`));
  return `${ranges.length === 1 && ranges[0][1] - ranges[0][0] === 1 ? 'row' : 'rows'} ${shown.join(', ')}${ranges.length > most ? `, … (${ranges.length} ranges)` : ''}`;
}
