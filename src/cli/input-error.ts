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
