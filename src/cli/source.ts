/// <reference types="node" />
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from './input-error.js';
import { count } from './words.js';

/** One chunk of a file's values, row-major, as the loss reads them. */
export type Values = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

/** The kind of numbers a file holds, for the checks that depend on it (labels must be integers). */
export type Kind = 'float' | 'int' | 'bool';

/** A half-open range of rows [start, end); end null means "to the end". */
export interface RowRange {
  start: number;
  end: number | null;
}

/**
 * A file read as rows of `width` numbers, in chunks through one fixed buffer: memory does not
 * depend on the file's size.
 */
export interface RowSource {
  readonly path: string;
  /** Rows this source yields (after any row range), or null while unknown (CSV before its end). */
  readonly rows: number | null;
  /** Numbers per row: 1 for an (N,) array or one CSV column. */
  readonly width: number;
  /** Bytes of one row in the chunks next() returns. */
  readonly rowBytes: number;
  /** At most this many rows are left: chunk buffers need be no larger (a small file gets small buffers). */
  readonly maxRows: number;
  /** The array's shape and dtype, for messages: "(1000, 10) float32". */
  readonly description: string;
  /** The file's dtype name (float32, int64, …; "text" for CSV). */
  readonly dtype: string;
  readonly kind: Kind;
  /** Whether the file stores one value per row as a 1-D array (N,) rather than (N, 1). */
  readonly flat: boolean;
  /** Bytes this source will read in all, and has read so far (progress). */
  readonly totalBytes: number;
  readonly bytesRead: number;
  /**
   * The next rows: exactly `maxRows` of them unless the data ends first; null at the end. The
   * returned array is a view of the source's buffer, valid until the next call.
   */
  next(maxRows: number): Values | null;
  close(): void;
}

/** An open file descriptor with its size. */
export interface OpenFile {
  fd: number;
  size: number;
}

export function openFile(path: string): OpenFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new InputError(`cannot open ${path}: ${why}`);
  }
  const stat = fstatSync(fd);
  if (stat.isDirectory()) {
    closeSync(fd);
    throw new InputError(`cannot open ${path}: it is a directory`);
  }
  return { fd, size: stat.size };
}

/**
 * Reads exactly `length` bytes at `position` into `into` (from its start); fewer bytes (the
 * file ended, or shrank while being read) is a truncated file.
 */
export function readExact(file: OpenFile, into: Uint8Array, length: number, position: number, path: string): void {
  let done = 0;
  while (done < length) {
    const got = readSync(file.fd, into, done, length - done, position + done);
    if (got === 0) {
      throw new InputError(`${path} is truncated: expected ${length - done} more bytes at offset ${position + done}, but the file ends there`);
    }
    done += got;
  }
}

/**
 * Reads up to `length` bytes at `position` into `into` at `offset`; returns the count (0 at the
 * end of the file).
 */
export function readSome(file: OpenFile, into: Uint8Array, offset: number, length: number, position: number): number {
  return readSync(file.fd, into, offset, length, position);
}

export function closeFile(file: OpenFile): void {
  closeSync(file.fd);
}

/** [start, end) of a range over n rows, checked. */
export function resolveRange(range: RowRange | null, n: number, path: string): { start: number; end: number } {
  if (range === null) return { start: 0, end: n };
  const end = range.end ?? n;
  if (range.start > n || end > n) {
    throw new InputError(`the row range ${range.start}:${range.end ?? ''} is outside ${path}, which has ${count(n, 'row')}`);
  }
  return { start: range.start, end };
}
