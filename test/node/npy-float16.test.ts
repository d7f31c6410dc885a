// readNpy's float16 values: all 65,536 half-precision bit patterns, written by NumPy, against
// NumPy's own conversion to float32 (h.astype(np.float32)), written beside them.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/index.js';
import { hasNumpy } from './cli-helpers.js';

const SCRIPT = `
import io, sys, numpy as np
h = np.arange(65536, dtype=np.uint16).view(np.float16)
for a in (h, h.astype(np.float32)):
    b = io.BytesIO(); np.save(b, a); sys.stdout.buffer.write(len(b.getvalue()).to_bytes(4, 'little') + b.getvalue())
`;

describe.skipIf(!hasNumpy)('readNpy: float16', () => {
  it('gives NumPy\'s float32 value of every half-precision bit pattern', () => {
    const out = execFileSync('python3', ['-c', SCRIPT], { maxBuffer: 1 << 22 });
    const first = out.readUInt32LE(0);
    const halves = readNpy(out.subarray(4, 4 + first));
    const singles = readNpy(out.subarray(8 + first));
    expect(halves.dtype).toBe('float16');
    expect(singles.dtype).toBe('float32');
    expect(halves.data).toBeInstanceOf(Float32Array);
    const got = halves.data as Float32Array;
    const want = singles.data as Float32Array;
    expect(got.length).toBe(65536);
    const wrong: string[] = [];
    for (let i = 0; i < 65536; i++) {
      if (!(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])))) wrong.push(`0x${i.toString(16)}: ${got[i]} vs ${want[i]}`);
    }
    expect(wrong).toEqual([]);
  });
});
