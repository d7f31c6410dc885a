/** "1 row", "2 rows", "1 class", "3 classes": a count with its noun in the right number. */
export function count(n: number, singular: string, plural = /(s|x|ch|sh)$/.test(singular) ? `${singular}es` : `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

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
