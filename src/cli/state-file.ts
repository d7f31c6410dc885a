/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import { realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from './input-error.js';

/** A file the run reads, and the flag that named it (for the message). */
export interface ReadFile {
  flag: string;
  path: string;
}

/**
 * Refuses a --state-out (or another output) that names one of the run's own inputs, before anything is read: by
 * resolved path, and by file identity (device and inode), which also catches a symbolic or
 * hard link to the input under another name.
 */
export function checkStateOutTarget(stateOut: string, inputs: readonly ReadFile[], flag = '--state-out', what = 'the state'): void {
  const target = resolve(stateOut);
  const targetId = identity(stateOut);
  for (const input of inputs) {
    const same = resolve(input.path) === target || (targetId !== null && targetId === identity(input.path));
    if (same) {
      throw new InputError(
        `${flag} ${stateOut} is the ${input.flag} file ${input.path}: writing ${what} would overwrite it; name another file`,
      );
    }
  }
}

/** "device:inode" of the file a path leads to (links followed), or null when there is none. */
function identity(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/**
 * Writes the state (or another output) atomically: into a new file beside the target, renamed over it once
 * complete, so a failed write never leaves a half-written state, and never a temporary file.
 * A link is written through: the file it leads to is replaced.
 */
export function writeStateFile(path: string, text: string, what = 'the state'): void {
  let target = path;
  try {
    target = realpathSync(path);
  } catch {
    // A new file: written where the path says.
  }
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'ENOENT' ? 'no such directory' : (error as Error).message;
    throw new InputError(`cannot write ${what} to ${path}: ${why}`);
  }
}
