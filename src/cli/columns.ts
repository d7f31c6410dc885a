import { clip, InputError, quote } from './input-error.js';

/** A table's columns as the CLI selects among them: names (null without a header) and which are not to be read as data. */
export interface Columns {
  /** Column names, or null when the file has no header line. */
  names: readonly string[] | null;
  count: number;
  /** The columns a default, a range or a pattern never selects (pandas' row index); naming one is refused. */
  excluded: ReadonlySet<number>;
  /** The file, for messages. */
  path: string;
}

/**
 * The columns a --pred-columns value selects, in its order: a comma-separated list of
 *  - a name (`z3`) or a 0-based index (`3`);
 *  - a range of names, both ends included as in pandas' `df.loc` (`z0:z9`), or of indices, the
 *    end excluded as in `df.iloc` (`2:12`);
 *  - a pattern with `*` (`z*`, `prob_*`): every column whose name matches, in the file's order.
 */
export function selectColumns(spec: string, columns: Columns, flag = '--pred-columns'): number[] {
  const out: number[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    if (part === '') throw new InputError(`${flag} ${quote(spec)}: an empty column name; separate names with single commas`);
    if (part.includes('*')) {
      const pattern = new RegExp(`^${part.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      const matched = (columns.names ?? []).flatMap((name, k) => (pattern.test(name) && !columns.excluded.has(k) ? [k] : []));
      if (matched.length === 0) throw new InputError(`${flag} ${quote(part)} matches no column of ${columns.path}: ${available(columns)}`);
      out.push(...matched);
      continue;
    }
    const range = /^([^:]*):([^:]*)$/.exec(part);
    if (range !== null) {
      const [, from, to] = range;
      if (/^\d*$/.test(from) && /^\d*$/.test(to)) {
        const start = from === '' ? 0 : Number(from);
        const end = to === '' ? columns.count : Number(to);
        if (end > columns.count || start >= end) {
          throw new InputError(`${flag} ${quote(part)}: columns START:END (END excluded) within 0:${columns.count} of ${columns.path}`);
        }
        for (let k = start; k < end; k++) if (!columns.excluded.has(k)) out.push(k);
      } else {
        const start = column(from, columns, flag);
        const end = column(to, columns, flag);
        if (end < start) throw new InputError(`${flag} ${quote(part)}: ${quote(to)} comes before ${quote(from)} in ${columns.path}`);
        for (let k = start; k <= end; k++) if (!columns.excluded.has(k)) out.push(k);
      }
      continue;
    }
    out.push(column(part, columns, flag));
  }
  const twice = out.find((k, i) => out.indexOf(k) !== i);
  if (twice !== undefined) throw new InputError(`${flag} ${quote(spec)} selects column ${name(twice, columns)} twice`);
  return out;
}

/** The column a name or a 0-based index names. */
export function column(given: string, columns: Columns, flag: string): number {
  let k = columns.names?.indexOf(given) ?? -1;
  if (k < 0 && /^\d+$/.test(given)) {
    k = Number(given);
    if (k >= columns.count) throw new InputError(`${flag} ${given}: ${columns.path} has columns 0 to ${columns.count - 1}`);
  }
  if (k < 0) throw new InputError(`${flag} ${quote(given)} names no column of ${columns.path}: ${available(columns)}`);
  if (columns.excluded.has(k)) {
    throw new InputError(`${flag} ${clip(given)}: column ${k} of ${columns.path} is pandas' row index (a column with no name), not data`);
  }
  return k;
}

/** How a message names a column: its index and, when it has one, its name. */
export function name(k: number, columns: Columns): string {
  const n = columns.names?.[k];
  return n === undefined || n === '' ? `${k}` : `${k} (${quote(n)})`;
}

function available(columns: Columns): string {
  if (columns.names === null) return `it has no header line; give 0-based indices (0 to ${columns.count - 1})`;
  const shown = columns.names.slice(0, 8).map(quote).join(', ');
  return `its columns are ${columns.names.length > 8 ? `${shown}, … (${columns.names.length} in all)` : shown}`;
}
