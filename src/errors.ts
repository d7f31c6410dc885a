// Error builders, kept out of the hot loops: those only test a condition and call one of
// these. Every message starts with the function's name and names the argument, the index
// and the value as it was given.

/** A value as an error message shows it; never throws (Symbols, BigInts and hostile Proxies included). */
export function show(value: unknown): string {
  try {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      case 'bigint':
        return `${value}n (a BigInt)`;
      case 'symbol':
        return `${value.toString()} (a Symbol)`;
      case 'function':
        return `a function${value.name ? ` ${value.name}` : ''}`;
      case 'object':
        return value === null ? 'null' : describeObject(value);
      default:
        return Object.is(value, -0) ? '-0' : String(value);
    }
  } catch {
    return 'an object that cannot be inspected';
  }
}

function describeObject(value: object): string {
  if (Array.isArray(value)) {
    const head = value.slice(0, 4).map((v) => (typeof v === 'object' && v !== null ? '…' : show(v)));
    return `an array [${head.join(', ')}${value.length > 4 ? ', …' : ''}] of length ${value.length}`;
  }
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as ArrayLike<unknown>).length;
    return `a ${value.constructor.name}${length === undefined ? '' : ` of length ${length}`}`;
  }
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}

/** A value with its type, for "must be ..., got ..." messages: the string "abc", the number 3, an array [...]. */
export function describe(value: unknown): string {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return `the ${type} ${show(value)}`;
  return show(value);
}

export function notANumber(fn: string, where: string, value: unknown): TypeError {
  return new TypeError(`${fn}: ${where} = ${show(value)} is not a number`);
}

/** A label that is not a class index (or the ignore index); `shape` names the batch's N × C. */
export function labelError(
  fn: string, where: string, label: unknown, classes: number, ignoreIndex: number | undefined, shape = '',
): Error {
  if (label === undefined) return new TypeError(`${fn}: ${where} is missing (undefined): every sample needs a label`);
  if (typeof label !== 'number') return notANumber(fn, where, label);
  const ignore = ignoreIndex === undefined ? '' : ` (or the ignoreIndex ${ignoreIndex})`;
  let hint = '';
  if (classes === 1) {
    hint = '; C was taken as 1 class because yPred has one value per label: for one-hot or soft labels pass ' +
      'them as rows (yTrue[i] = [...]), and for binary targets use binaryFocalLoss';
  }
  return new RangeError(
    `${fn}: ${where} = ${show(label)} is not a class index: expected an integer in [0, ${classes})${ignore}${shape}${hint}`,
  );
}

/** `where` names the entry, e.g. "yPred[3][1]" or "yPred[7] (sample 3, class 1)". */
export function probabilityError(fn: string, where: string, value: unknown): Error {
  if (typeof value !== 'number') return notANumber(fn, where, value);
  const hint = Number.isNaN(value) ? '' : '; if yPred holds logits, pass fromLogits: true';
  return new RangeError(`${fn}: ${where} = ${show(value)} is not a probability in [0, 1]${hint}`);
}

/** A target outside [0, 1] (one-hot, soft or binary targets). */
export function targetError(fn: string, where: string, value: unknown): Error {
  if (typeof value !== 'number') return notANumber(fn, where, value);
  return new RangeError(`${fn}: ${where} = ${show(value)} is not a target in [0, 1]`);
}

/** The first entry of logit row i that is NaN or +Infinity, or the row (`rowName`) when all are -Infinity. */
export function logitError(fn: string, i: number, row: ArrayLike<unknown>, name: (c: number) => string, rowName: string): Error {
  for (let c = 0; c < row.length; c++) {
    const v = row[c];
    if (typeof v !== 'number') return notANumber(fn, name(c), v);
    if (Number.isNaN(v) || v === Infinity) {
      return new RangeError(`${fn}: ${name(c)} = ${show(v)} is not a valid logit (sample ${i})`);
    }
  }
  return new RangeError(`${fn}: ${rowName} has no finite logit: every entry of sample ${i}'s row is -Infinity`);
}

/** A row that is not an array of `classes` values. */
export function rowError(fn: string, argument: string, i: number, row: unknown, classes: number, shape: string): Error {
  const where = `${argument}[${i}]`;
  const length = typeof row === 'object' && row !== null ? (row as { length?: unknown }).length : undefined;
  if (typeof length !== 'number') {
    return new TypeError(`${fn}: ${where} must be a row of ${classes} numbers, got ${describe(row)}`);
  }
  return new RangeError(`${fn}: ragged ${argument}: row ${i} has length ${length}, expected ${classes}${shape}`);
}

/** Where the i-th value of a flat row-major buffer of rows of `classes` sits. */
export function flatName(argument: string, i: number, classes: number, c: number): string {
  return classes === 1 ? `${argument}[${i}]` : `${argument}[${i * classes + c}] (sample ${i}, class ${c})`;
}
