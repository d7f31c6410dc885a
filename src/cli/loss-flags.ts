import type { LossName } from '../options/loss-names.js';
import { OPTIONS, type CliFlag, type OptionSpec } from '../options/schema.js';
import { InputError, quote } from './input-error.js';

// The loss's flags are the option schema's: each option with a `cli` entry is a flag, parsed
// here by its kind and then checked by the library as any option is. Which loss a run
// computes is chosen by a switch.

/** The loss a run computes, and its options as the library takes them. */
export interface LossFlags {
  loss: LossName;
  options: Record<string, unknown>;
}

/** The switches that choose a loss other than the default focalLoss, and how usage describes them. */
const LOSS_SWITCHES: ReadonlyArray<{ flag: string; loss: LossName; help: string }> = [
  {
    flag: '--binary',
    loss: 'binaryFocalLoss',
    help: 'sigmoid (binary / multi-label) focal loss: targets and predictions of\none shape, (N,) or (N, K)',
  },
  {
    flag: '--asymmetric',
    loss: 'asymmetricLoss',
    help: 'asymmetric loss (multi-label): targets and predictions as --binary',
  },
];
const DEFAULT_LOSS: LossName = 'focalLoss';

/** The switch that chooses a loss other than the default. */
export const lossSwitch = (loss: LossName): string => LOSS_SWITCHES.find((s) => s.loss === loss)!.flag;

/** Each flag with the option it sets for each loss that takes it. */
const FLAGS = new Map<string, Map<LossName, OptionSpec & { cli: CliFlag }>>();
for (const o of OPTIONS as readonly OptionSpec[]) {
  if (o.cli === undefined) continue;
  const byLoss = FLAGS.get(o.cli.flag) ?? new Map();
  for (const loss of o.losses) byLoss.set(loss, o as OptionSpec & { cli: CliFlag });
  FLAGS.set(o.cli.flag, byLoss);
}

const first = (flag: string) => FLAGS.get(flag)!.values().next().value!;

/** Loss flags that take a value, and the switches (options that are switches, and the loss switches). */
export const LOSS_VALUED: readonly string[] = [...FLAGS.keys()].filter((f) => first(f).cli.value !== 'switch');
export const LOSS_SWITCHES_ALL: readonly string[] = [
  ...[...FLAGS.keys()].filter((f) => first(f).cli.value === 'switch'), ...LOSS_SWITCHES.map((s) => s.flag),
];

/** The loss and its options from the flags given; throws InputError for a flag that does not fit. */
export function lossFlags(values: ReadonlyMap<string, string>, switches: ReadonlySet<string>): LossFlags {
  const chosen = LOSS_SWITCHES.filter((s) => switches.has(s.flag));
  if (chosen.length > 1) throw new InputError(`${chosen.map((s) => s.flag).join(' and ')} choose different losses; give one`);
  const loss = chosen[0]?.loss ?? DEFAULT_LOSS;
  const options: Record<string, unknown> = Object.create(null);
  for (const [flag, byLoss] of FLAGS) {
    const kind = first(flag).cli.value;
    const text = values.get(flag);
    if (kind === 'switch' ? !switches.has(flag) : text === undefined) continue;
    const option = byLoss.get(loss);
    if (option === undefined) {
      const takers = LOSS_SWITCHES.filter((s) => byLoss.has(s.loss)).map((s) => s.flag);
      const others = byLoss.has(DEFAULT_LOSS) ? ['the default focal loss'] : [];
      throw new InputError(`${flag} applies to ${[...others, ...takers].join(' and ')}; it cannot be used with ${chosen[0].flag}`);
    }
    options[option.name] = parse(flag, option.cli, text, chosen[0]?.flag);
  }
  return { loss, options };
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function number(flag: string, text: string): number {
  if (!NUMBER.test(text.trim())) throw new InputError(`${flag} expects a number, got ${quote(text)}`);
  return Number(text);
}

function parse(flag: string, cli: CliFlag, text: string | undefined, lossSwitch: string | undefined): unknown {
  switch (cli.value) {
    case 'switch':
      return true;
    case 'number':
      if (text!.includes(',') && lossSwitch !== undefined) {
        throw new InputError(`${flag} with ${lossSwitch} is one number (${cli.help}), not a list`);
      }
      return number(flag, text!);
    case 'numbers': {
      const parts = text!.split(',');
      return parts.length === 1 ? number(flag, text!) : parts.map((p) => number(flag, p.trim()));
    }
    case 'integer':
      if (!/^[-+]?\d+$/.test(text!.trim()) || !Number.isSafeInteger(Number(text))) {
        throw new InputError(`${flag} expects an integer, got ${quote(text!)}`);
      }
      return Number(text);
    case 'number-or-auto':
      return text === 'auto' ? 'auto' : number(flag, text!);
    case 'choice': {
      const choices = cli.placeholder!.split('|');
      if (!choices.includes(text!)) throw new InputError(`${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got ${quote(text!)}`);
      return text;
    }
  }
}

/** The usage lines of the loss section: the loss switches, then each option flag. */
export function lossUsage(): string {
  const lines: Array<[string, string]> = LOSS_SWITCHES.map((s) => [s.flag, s.help]);
  for (const flag of FLAGS.keys()) {
    const { cli } = first(flag);
    lines.push([cli.placeholder === undefined ? flag : `${flag} ${cli.placeholder}`, cli.help]);
  }
  return lines.map(([left, help]) => {
    const [head, ...rest] = help.split('\n');
    return [`  ${left.padEnd(23)}${head}`, ...rest.map((r) => `${' '.repeat(25)}${r}`)].join('\n');
  }).join('\n');
}
