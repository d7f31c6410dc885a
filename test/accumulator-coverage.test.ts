import { describe, expect, it } from 'vitest';
import { createBinaryFocalLossAccumulator, createFocalLossAccumulator, focalLoss } from '../src/index.js';
import { BACKENDS } from './helpers.js';

// A small data set: 10 rows of 3 probabilities, labels 0..2.
const rows = Array.from({ length: 10 }, (_, i) => {
  const row = [1 + i, 2 + ((i * 7) % 5), 3 + ((i * 3) % 4)];
  const total = row[0] + row[1] + row[2];
  return row.map((v) => v / total);
});
const labels = rows.map((_, i) => i % 3);
const shard = (from: number, to: number, backend: (typeof BACKENDS)[number], totalRows?: number) =>
  createFocalLossAccumulator({ source: 'data.npy:240', firstRow: from, backend, ...(totalRows === undefined ? {} : { totalRows }) })
    .update(labels.slice(from, to), rows.slice(from, to));

describe('accumulators know which rows of a data set they cover', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: shards of one source merge into the whole, and say it is complete`, () => {
      const merged = shard(0, 4, backend, 10).merge(shard(7, 10, backend, 10).state()).merge(shard(4, 7, backend, 10));
      const want = focalLoss(labels, rows, { backend });
      expect(Math.abs(merged.result() - want)).toBeLessThanOrEqual(1e-12 * want);
      expect(merged.summary().coverage).toEqual([{ source: 'data.npy:240', ranges: [[0, 10]], totalRows: 10, missing: [], complete: true }]);
    });

    it(`${backend}: a shard given twice is refused, naming the rows, and changes nothing`, () => {
      const a = shard(0, 6, backend);
      const before = JSON.stringify(a.state());
      expect(() => a.merge(shard(4, 8, backend).state())).toThrow(RangeError);
      expect(() => a.merge(shard(4, 8, backend).state())).toThrow(/both partials hold rows 4–5 of data\.npy:240: a shard would count twice/);
      expect(JSON.stringify(a.state())).toBe(before);
      expect(() => a.merge(a)).toThrow(/cannot merge an accumulator with itself/);
      expect(() => a.merge(a.state())).toThrow(/rows 0–5 of data\.npy:240/);
    });

    it(`${backend}: the missing rows of a partial merge are listed`, () => {
      const partial = shard(0, 3, backend, 10).merge(shard(5, 6, backend, 10));
      expect(partial.summary().coverage[0]).toMatchObject({ ranges: [[0, 3], [5, 6]], missing: [[3, 5], [6, 10]], complete: false });
    });

    it(`${backend}: updates continue where the last one ended, also after a JSON round trip, and stop at totalRows`, () => {
      const acc = createFocalLossAccumulator({ source: 's', firstRow: 2, totalRows: 10, backend }).update(labels.slice(2, 5), rows.slice(2, 5));
      const copy = createFocalLossAccumulator.fromState(JSON.parse(JSON.stringify(acc.state())));
      copy.update(labels.slice(5, 9), rows.slice(5, 9));
      expect(copy.summary().coverage[0].ranges).toEqual([[2, 9]]);
      expect(() => copy.update(labels.slice(0, 2), rows.slice(0, 2))).toThrow(/this update holds rows 9–10 of s, which has 10 \(totalRows\)/);
      expect(copy.summary().coverage[0].ranges).toEqual([[2, 9]]);
    });

    it(`${backend}: partials of different sources merge side by side; without a source nothing is tracked`, () => {
      const a = createBinaryFocalLossAccumulator({ source: 'a', backend }).update([1, 0], [0.7, 0.2]);
      const b = createBinaryFocalLossAccumulator({ source: 'b', backend }).update([1], [0.4]);
      expect(a.merge(b).summary().coverage.map((c) => [c.source, c.ranges])).toEqual([['a', [[0, 2]]], ['b', [[0, 1]]]]);
      expect(createBinaryFocalLossAccumulator({ backend }).update([1], [0.4]).summary().coverage).toEqual([]);
    });
  }

  it('refuses forged coverage, naming the field', () => {
    const good = shard(0, 4, 'js', 10).state();
    const forged = (coverage: unknown) => ({ ...good, coverage });
    expect(() => createFocalLossAccumulator.fromState(forged([{ source: 's', ranges: [[3, 1]] }]) as never)).toThrow(/state\.coverage\[0\]\.ranges\[0\]/);
    expect(() => createFocalLossAccumulator.fromState(forged([{ source: 's', ranges: [[0, 4], [2, 6]] }]) as never)).toThrow(/ranges\[1\]/);
    expect(() => createFocalLossAccumulator.fromState(forged([{ source: 's', ranges: [[0, 40]], totalRows: 10 }]) as never)).toThrow(/within totalRows/);
    expect(() => createFocalLossAccumulator.fromState(forged([{ source: 's', ranges: [] }, { source: 's', ranges: [] }]) as never)).toThrow(/appears twice/);
    expect(() => createFocalLossAccumulator.fromState(forged('all') as never)).toThrow(TypeError);
    expect(() => createFocalLossAccumulator({ source: '' })).toThrow(/source must be a non-empty string/);
    expect(() => createFocalLossAccumulator({ firstRow: -1 })).toThrow(/firstRow must be an integer >= 0/);
  });
});
