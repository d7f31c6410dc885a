import { show } from '../errors/show.js';
import type { LossName } from './loss-names.js';
import { ownOptions } from './read.js';
import { HABITS, optionsOf, type Surface } from './schema.js';
import { fail } from '../errors/detail.js';

/**
 * The options one surface of a loss is given, checked by the schema: own properties only, each
 * read once; an option this surface refuses is a TypeError saying why, an unknown one gets a
 * "did you mean"; absent options take their defaults. `defaults` overrides schema defaults
 * (a workspace's fromLogits).
 */
export function readOptions(
  fn: string, loss: LossName, surface: Surface, value: unknown, defaults?: Record<string, unknown>,
): Record<string, unknown> {
  const known = optionsOf(loss, surface);
  const habits: Record<string, string> = Object.create(null);
  for (const [other, [name, note]] of Object.entries(HABITS)) {
    if (known.has(name)) habits[other] = `${show(name)}?${note === undefined ? '' : ` ${note}`}`;
  }
  const given = ownOptions(fn, value, [...known.keys()], 'options', habits);
  const read: Record<string, unknown> = Object.create(null);
  for (const [name, option] of known) {
    const v = given[name];
    if (v === undefined) {
      // Own properties only, here too: an Object.prototype.gamma must not become a default.
      const fallback = defaults !== undefined && Object.hasOwn(defaults, name) ? defaults[name] : option.default;
      if (fallback !== undefined) read[name] = fallback;
      continue;
    }
    const reason = option.refused?.[surface];
    if (reason !== undefined) throw fail(TypeError, fn)`option ${show(name)} is not supported here: ${reason}`;
    read[name] = option.read(fn, v);
  }
  return read;
}
