import { show } from './show.js';

// Every error the library raises about its input is written once, as a template whose
// references (an entry of an argument, an option, a sample) stay structured in the error's
// `detail`. The message is that template in the library's words; the CLI and the TF.js
// adapter render the same detail in theirs (file rows and flags, tensor names) without
// reading the message's text.

/** An argument, or one entry of it: `index` is the position in a flat argument; `sample` and `class` locate it in the batch. */
export interface EntryRef {
  readonly ref: 'entry';
  /** 'yTrue', 'yPred', 'sampleWeight', or an option ('alpha'). */
  readonly argument: string;
  readonly index?: number;
  readonly sample?: number;
  /** The class (binary: label column). */
  readonly class?: number;
  /** Its coordinates in the argument's shape, for maps (null: every index along the class axis). */
  readonly coords?: ReadonlyArray<number | null>;
}

/** A sample of the batch, as in "(sample 3)". */
export interface SampleRef {
  readonly ref: 'sample';
  readonly sample: number;
}

/** An option, as advice: "pass fromLogits: true" names it with the value to give. */
export interface OptionRef {
  readonly ref: 'option';
  readonly name: string;
  readonly value?: unknown;
}

/** The batch's shape as the library sees it, an aside a caller with shapes of its own (the CLI) leaves out. */
export interface ShapeRef {
  readonly ref: 'shape';
  readonly text: string;
}

/**
 * Advice whose words depend on who gives it: 'logits' (the values look like logits) and
 * 'oneClass' (C came out as 1: one-hot labels passed flat, or binary targets).
 */
export interface AdviceRef {
  readonly ref: 'advice';
  readonly advice: 'logits' | 'oneClass';
}

export type Ref = EntryRef | SampleRef | OptionRef | ShapeRef | AdviceRef;

/** What an error says, as text and references, and the function that raised it. */
export interface ErrorDetail {
  readonly fn: string;
  readonly parts: ReadonlyArray<string | Ref>;
}

/** An error with its detail: always a TypeError, RangeError or Error as well. */
export interface DetailedError extends Error {
  readonly detail: ErrorDetail;
}

/** How references become words. */
export interface Naming {
  entry(ref: EntryRef): string;
  sample(ref: SampleRef): string;
  option(ref: OptionRef): string;
  shape(ref: ShapeRef): string;
  advice(ref: AdviceRef): string;
}

export const entry = (argument: string, at: Omit<EntryRef, 'ref' | 'argument'> = {}): EntryRef => ({ ref: 'entry', argument, ...at });
export const sample = (i: number): SampleRef => ({ ref: 'sample', sample: i });
export const option = (name: string, value?: unknown): OptionRef =>
  (value === undefined ? { ref: 'option', name } : { ref: 'option', name, value });
export const shapeAside = (text: string): ShapeRef => ({ ref: 'shape', text });
export const advice = (what: AdviceRef['advice']): AdviceRef => ({ ref: 'advice', advice: what });

/** The library's words: yPred[3][1], yPred[7] (sample 3, class 1), yPred[0, 2, 1, 3], "pass fromLogits: true". */
export const libraryNaming: Naming = {
  entry({ argument, index, sample, class: c, coords }) {
    if (coords !== undefined) return `${argument}[${coords.map((x) => x ?? ':').join(', ')}]`;
    if (index !== undefined) return sample !== undefined && c !== undefined ? `${argument}[${index}] (sample ${sample}, class ${c})` : `${argument}[${index}]`;
    return `${argument}${sample === undefined ? '' : `[${sample}]`}${c === undefined ? '' : `[${c}]`}`;
  },
  sample: ({ sample: i }) => `sample ${i}`,
  option: ({ name, value }) => (value === undefined ? name : `${name}: ${show(value)}`),
  shape: ({ text }) => text,
  advice: ({ advice: what }) => (what === 'logits'
    ? 'if yPred holds logits, pass fromLogits: true'
    : 'C was taken as 1 class because yPred has one value per label: for one-hot or soft labels pass them as rows (yTrue[i] = [...]), and for binary targets use binaryFocalLoss'),
};

/** The message: the function's name, then the detail in `naming`'s words. */
export function render(detail: ErrorDetail, naming: Naming = libraryNaming): string {
  return `${detail.fn}: ${renderWords(detail.parts, naming)}`;
}

export function renderWords(parts: Words, naming: Naming): string {
  return parts.map((part) => (typeof part === 'string' ? part : naming[part.ref](part as never))).join('');
}

type ErrorClass = new (message: string) => Error;

/** Text with references, to splice into an error's template. */
export type Words = ReadonlyArray<string | Ref>;

/** Words from a template: interpolated references stay structured, Words are spliced in, anything else is text. */
export function words(strings: TemplateStringsArray, ...values: unknown[]): Words {
  const parts: Array<string | Ref> = [];
  strings.forEach((text, k) => {
    if (text !== '') parts.push(text);
    if (k >= values.length) return;
    const v = values[k];
    if (Array.isArray(v)) parts.push(...(v as Words));
    else parts.push(isRef(v) ? v : String(v));
  });
  return parts;
}

/** An error from a template: fail(RangeError, fn)`${entry('yPred', …)} = ${show(v)} is not …` (as words()). */
export function fail(Class: ErrorClass, fn: string) {
  return (strings: TemplateStringsArray, ...values: unknown[]): DetailedError => withDetail(Class, { fn, parts: words(strings, ...values) });
}

/** The error of a detail, in the library's words. */
export function withDetail(Class: ErrorClass, detail: ErrorDetail): DetailedError {
  const error = new Class(render(detail)) as Error & { detail: ErrorDetail };
  Object.defineProperty(error, 'detail', { value: detail, enumerable: false });
  return error;
}

/** The detail of an error the library raised, or null. */
export function detailOf(error: unknown): ErrorDetail | null {
  const detail = error instanceof Error ? (error as Partial<DetailedError>).detail : undefined;
  return detail === undefined ? null : detail;
}

/** The same error raised by another function (the TF.js adapter's errors carry its name). */
export function renamed(error: unknown, fn: string): unknown {
  const detail = detailOf(error);
  if (detail === null) return error;
  const Class = (error as Error).constructor as ErrorClass;
  return withDetail(Class, { ...detail, fn });
}

const isRef = (v: unknown): v is Ref =>
  typeof v === 'object' && v !== null && ['entry', 'sample', 'option', 'shape', 'advice'].includes((v as { ref?: unknown }).ref as string);
