/**
 * The number a CSV field holds, or undefined when it holds none. Numbers are what NumPy's
 * savetxt and pandas' to_csv write: decimal or scientific notation (`-1.5`, `.5`, `3e-08`), and
 * `nan`, `inf`, `-inf` in any case; a field may be quoted and padded with spaces or tabs.
 * JavaScript's other spellings are not numbers in a file: `0x1`, `0b1`, `0o7`, `1_000`,
 * `Infinity`, and an empty or blank field (Number() reads it as 0).
 */
export function csvNumber(field: string): number | undefined {
  const v = +field;
  return v === v && decimal(field) ? v : spelled(field);
}

/**
 * Whether a field Number() reads is in decimal or scientific notation: Number() also reads
 * 0x, 0b and 0o integers, Infinity and a blank field, which start or end otherwise. Checks
 * the ends only, so the common field costs two character reads.
 */
function decimal(field: string): boolean {
  let a = 0;
  let b = field.length - 1;
  while (a <= b && (field.charCodeAt(a) === 32 || field.charCodeAt(a) === 9)) a++;
  while (b >= a && (field.charCodeAt(b) === 32 || field.charCodeAt(b) === 9)) b--;
  if (a > b) return false;
  const first = field.charCodeAt(a);
  const last = field.charCodeAt(b);
  if (!((last >= 48 && last <= 57) || last === 46)) return false;
  // 0x1F, 0b1, 0o7: a zero followed by a letter (a decimal zero is followed by a digit, ".", "e" or nothing).
  if (first === 48) {
    const next = field.charCodeAt(a + 1) | 32;
    return next !== 120 && next !== 98 && next !== 111;
  }
  return (first >= 49 && first <= 57) || first === 46 || first === 43 || first === 45;
}

/** nan and inf as NumPy and pandas write them, or a quoted number. */
function spelled(field: string): number | undefined {
  const s = unquote(field);
  const quoted = s.length !== field.trim().length;
  switch (s.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
  }
  return quoted && s.charCodeAt(0) !== 34 ? csvNumber(s) : undefined;
}

/** Whether a field is an integer written as one (no point, no exponent): "3", "-1", not "3.0". */
export function isIntegerField(field: string): boolean {
  return /^[-+]?\d+$/.test(unquote(field));
}

/** A field without its surrounding spaces and double quotes. */
export function unquote(field: string): string {
  const s = field.trim();
  return s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"' ? s.slice(1, -1).trim() : s;
}
