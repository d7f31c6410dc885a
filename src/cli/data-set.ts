/// <reference types="node" />
import { createHash, type Hash } from 'node:crypto';
import { basename } from 'node:path';
import { closeFile, openFile, readSome } from './source.js';

// A shard's state names the data set it covers (the accumulator's `source`), and a merge of
// shards checks their rows per name. Shards computed on different machines must agree on the
// name, and states of other data must not share it. So the name is not a resolved path (mount
// points differ between machines) nor a modification time (copies of a file differ in it),
// but the predictions file's base name and a fingerprint of the files' contents: their sizes
// and blocks spread evenly over each, header included. Predictions rewritten under the same
// name and size (the next epoch's) get another name, since their values differ throughout;
// reading a few blocks costs a shard nothing next to reading its rows.

/** Blocks read of each file, and their size. */
const BLOCKS = 16;
const BLOCK_BYTES = 4096;

/** The name of the data set held by these files (predictions first): `preds.npy#` and 12 hex digits. */
export function dataSetName(pred: string, others: readonly string[] = []): string {
  const hash = createHash('sha256');
  for (const path of [pred, ...others]) fingerprint(path, hash);
  return `${basename(pred)}#${hash.digest('hex').slice(0, 12)}`;
}

function fingerprint(path: string, hash: Hash): void {
  const file = openFile(path);
  try {
    hash.update(`${file.size}\n`);
    const block = new Uint8Array(BLOCK_BYTES);
    const last = Math.max(0, file.size - BLOCK_BYTES);
    const starts = new Set(Array.from({ length: BLOCKS }, (_, k) => Math.floor((k * last) / (BLOCKS - 1))));
    for (const start of starts) hash.update(block.subarray(0, readSome(file, block, 0, BLOCK_BYTES, start)));
  } finally {
    closeFile(file);
  }
}
