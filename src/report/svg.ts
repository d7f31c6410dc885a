// Small helpers for charts written as SVG and HTML text: the same markup serves a file the
// CLI writes (no script, no network) and the demo page, which inserts it.

/** Text for HTML or SVG content and attribute values. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An element with attributes and (escaped) text or (raw) children. */
export function tag(name: string, attributes: Record<string, string | number | undefined>, inner: string | string[] = ''): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escape(typeof v === 'number' ? round(v) : v!)}"`)
    .join('');
  return `<${name}${attrs}>${Array.isArray(inner) ? inner.join('') : inner}</${name}>`;
}

export const text = (x: number, y: number, content: string, attributes: Record<string, string | number> = {}): string =>
  tag('text', { x, y, ...attributes }, escape(content));

/** Coordinates to 0.1 px. */
const round = (v: number): string => String(Math.round(v * 10) / 10);

/** A number as a chart or table shows it: 0.25, 12, 1.5e9, 3e-5 (4 significant digits). */
export function format(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return String(Number(value.toPrecision(4)));
}

export const percent = (share: number | null): string => (share === null ? '–' : `${(100 * share).toFixed(1)}%`);

/** An SVG of width × height user units (CSS pixels at its natural size), labelled for assistive technology. */
export function svg(width: number, height: number, label: string, body: string[]): string {
  return tag('svg', {
    xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${round(width)} ${round(height)}`, width, height, role: 'img',
    'aria-label': label, 'font-family': 'system-ui, sans-serif', 'font-size': FONT,
  }, body);
}

/** Chart text size in CSS px. */
export const FONT = 12;

export const COLOURS = { count: '#2b6cb0', loss: '#9c4221', easy: '#276749', hard: '#9c4221', axis: '#718096', ideal: '#4a5568' };
