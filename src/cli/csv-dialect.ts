import { InputError, quote } from './input-error.js';

/** The delimiters --delimiter takes, by name and as the character itself. */
const NAMED: Record<string, string> = {
  comma: ',', ',': ',', semicolon: ';', ';': ';', tab: '\t', '\t': '\t', '\\t': '\t', space: ' ', ' ': ' ', pipe: '|', '|': '|',
};

/** --delimiter's value as the character. */
export function parseDelimiter(text: string): string {
  const delimiter = NAMED[text.toLowerCase()];
  if (delimiter === undefined) {
    throw new InputError(`--delimiter expects comma, semicolon, tab, space or pipe (or , ; | itself), got ${quote(text)}`);
  }
  return delimiter;
}

/**
 * The delimiter of a CSV file, told from its first line: the most frequent of tab, semicolon
 * and comma outside double quotes (ties in that order: a line such as 0;0,5;0,5, semicolons
 * with decimal commas, is semicolon-separated); else a space, as np.savetxt writes by default,
 * when the line holds one between fields; else a comma (one column).
 */
export function detectDelimiter(line: string): string {
  const counts = new Map<string, number>([['\t', 0], [';', 0], [',', 0]]);
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  let most = 0;
  for (const [ch, n] of counts) {
    if (n > most) {
      best = ch;
      most = n;
    }
  }
  if (most > 0) return best;
  return / /.test(line.trim()) ? ' ' : ',';
}

/** How a message names a delimiter. */
export function delimiterName(delimiter: string): string {
  return { ',': 'comma', ';': 'semicolon', '\t': 'tab', ' ': 'space', '|': 'pipe' }[delimiter] ?? quote(delimiter);
}
