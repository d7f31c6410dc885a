// Reading the page's input fields: every value is checked here, and every message names the
// field as the page labels it (γ, α, y_pred, samples), never a parser's "position 8".

/** A field's value is unusable; `field` is the control to flag, `message` names it. */
export class FieldError extends Error {
  constructor(
    readonly field: HTMLElement | null,
    message: string,
  ) {
    super(message);
  }
}

interface NumberRule {
  /** The field's name as the page shows it. */
  name: string;
  min?: number;
  max?: number;
  integer?: boolean;
  /** What to tell someone who left it empty. */
  hint: string;
}

/** A number field's value: present, a number, finite, an integer if asked, within [min, max]. */
export function readNumber(input: HTMLInputElement, rule: NumberRule): number {
  const { name, min = -Infinity, max = Infinity } = rule;
  const text = input.value.trim();
  if (input.validity.badInput) throw new FieldError(input, `${name} is not a number: ${rule.hint}`);
  if (text === '') throw new FieldError(input, `${name} is empty: ${rule.hint}`);
  const value = Number(text);
  if (Number.isNaN(value)) throw new FieldError(input, `${name} = “${text}” is not a number: ${rule.hint}`);
  if (!Number.isFinite(value)) throw new FieldError(input, `${name} = ${text} is too large: it must be finite`);
  if (rule.integer && !Number.isInteger(value)) throw new FieldError(input, `${name} = ${text} must be a whole number`);
  if (value < min) {
    const why = min === 0 ? 'is negative' : `is below ${min.toLocaleString('en')}`;
    throw new FieldError(input, `${name} = ${text} ${why}: ${name} must be ≥ ${min.toLocaleString('en')}`);
  }
  if (value > max) throw new FieldError(input, `${name} = ${text} is above ${max.toLocaleString('en')}: ${name} must be ≤ ${max.toLocaleString('en')}`);
  return value;
}

/** A JSON list typed into a field; `example` shows what one looks like. */
export function readJsonList(field: HTMLTextAreaElement | HTMLInputElement, name: string, example: string): unknown[] {
  const text = field.value.trim();
  if (text === '') throw new FieldError(field, `${name} is empty: write a list such as ${example}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Engines word this differently; only the position is worth keeping, as a quote of the text.
    const at = /position (\d+)/.exec(String((error as Error).message));
    const where = at ? ` near “${text.slice(Math.max(0, Number(at[1]) - 8), Number(at[1]) + 8).trim()}”` : '';
    throw new FieldError(field, `${name} is not a valid list${where}: write numbers separated by commas in square brackets, such as ${example}`);
  }
  if (!Array.isArray(value)) throw new FieldError(field, `${name} must be a list in square brackets, such as ${example}`);
  return value;
}

/** α typed as one number, one weight per class in brackets, or nothing (no weighting). */
export function readAlpha(input: HTMLInputElement, name = 'α'): number | number[] | undefined {
  const text = input.value.trim();
  if (text === '') return undefined;
  if (text.startsWith('[')) {
    const weights = readJsonList(input, name, '[0.25, 1, 1]');
    weights.forEach((w, c) => {
      if (typeof w !== 'number') throw new FieldError(input, `${name}[${c}] is not a number: each class weight must be a number ≥ 0`);
      if (w < 0) throw new FieldError(input, `${name}[${c}] = ${w} is negative: each class weight must be ≥ 0`);
    });
    return weights as number[];
  }
  const value = Number(text);
  if (Number.isNaN(value)) {
    throw new FieldError(input, `${name} = “${text}” is not a number: write one number ≥ 0, a list per class such as [0.25, 1, 1], or leave it empty`);
  }
  if (value < 0) throw new FieldError(input, `${name} = ${text} is negative: ${name} must be ≥ 0`);
  if (!Number.isFinite(value)) throw new FieldError(input, `${name} = ${text} is too large: it must be finite`);
  return value;
}

/** The library's words for its arguments, and the words this page uses for the same fields. */
const PAGE_NAMES: Array<[RegExp, string]> = [
  [/pass fromLogits: true/g, 'tick “from logits”'],
  [/\bfromLogits\b/g, '“from logits”'],
  [/\byPred\b/g, 'y_pred'],
  [/\byTrue\b/g, 'y_true'],
  [/\balpha\b/g, 'α'],
  [/\bgamma\b/g, 'γ'],
];

/**
 * A library error in the page's words: without the function name, with the page's field
 * names; `fields` maps those names to the controls, to flag the one the message names first.
 */
export function fromLibrary(error: unknown, fields: Record<string, HTMLElement>): FieldError {
  if (error instanceof FieldError) return error;
  let message = error instanceof Error ? error.message : String(error);
  message = message.replace(/^\w+: /, '');
  for (const [pattern, replacement] of PAGE_NAMES) message = message.replace(pattern, replacement);
  const named = Object.keys(fields)
    .map((name) => [name, message.indexOf(name)] as const)
    .filter(([, at]) => at >= 0)
    .sort((a, b) => a[1] - b[1]);
  return new FieldError(named.length ? fields[named[0][0]] : null, message);
}

/**
 * Shows `error` in `output` (an aria-live region) and flags its field, or clears both when
 * `error` is null. Every control in `controls` loses an earlier flag.
 */
export function report(output: HTMLElement, error: FieldError | null, controls: HTMLElement[]): void {
  for (const control of controls) {
    control.removeAttribute('aria-invalid');
    if (control.getAttribute('aria-describedby') === output.id) control.removeAttribute('aria-describedby');
  }
  // The region stays in the page while empty, so screen readers announce what is written into it.
  output.textContent = error?.message ?? '';
  if (error?.field) {
    error.field.setAttribute('aria-invalid', 'true');
    error.field.setAttribute('aria-describedby', output.id);
  }
}
