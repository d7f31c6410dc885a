/**
 * An error in what the user gave the CLI: a flag, a value, a file or the data in it. The CLI
 * prints its message (no stack) and exits with code 2; anything else is a bug and exits with 1.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Exit code for an InputError (usage, bad values, bad files, bad data). */
export const EXIT_INPUT = 2;
/** Exit code for an unexpected failure (a bug, or an I/O error from the system). */
export const EXIT_FAILURE = 1;

/** Longest text of the input a message quotes: a message stays one readable line whatever the file holds. */
const QUOTED_CHARACTERS = 80;

/** Text from the input, cut to QUOTED_CHARACTERS with "…". */
export function clip(text: string): string {
  return text.length > QUOTED_CHARACTERS ? `${text.slice(0, QUOTED_CHARACTERS)}…` : text;
}

/** Text from the input, quoted for a message (JSON escapes), cut to QUOTED_CHARACTERS with "…". */
export function quote(text: string): string {
  return JSON.stringify(clip(text));
}
