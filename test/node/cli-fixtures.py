"""Writes the input files of the CLI tests (test/node/cli-losses.test.ts, cli-files.test.ts,
cli-merge.test.ts and others, through cli-helpers.ts) into a directory, with NumPy.

    python3 test/node/cli-fixtures.py OUT_DIR [--big ROWS]

Prints a JSON manifest {name: {"shape": [...], "dtype": "float32"}} of the .npy files it wrote
(the data of each is its last prod(shape) * itemsize bytes, which is how the test reads them
back without this CLI's reader). --big ROWS also writes big-pred.npy (ROWS x 4 float32
probabilities) and big-labels.npy (int64), for the bounded-memory test.
"""
import json
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
manifest = {}
rng = np.random.default_rng(20261127)


def save(name, array, version=None):
    path = os.path.join(out, name)
    if version is None:
        np.save(path, array, allow_pickle=array.dtype == object)
    else:
        with open(path, 'wb') as f:
            np.lib.format.write_array(f, array, version=version)
    if array.dtype != object:
        manifest[name] = {'shape': list(array.shape), 'dtype': str(array.dtype)}


def probabilities(n, c, dtype=np.float64):
    p = rng.random((n, c)) + 1e-3
    return (p / p.sum(axis=1, keepdims=True)).astype(dtype)


if '--big' in sys.argv:
    rows = int(sys.argv[sys.argv.index('--big') + 1])
    big = np.empty((rows, 4), dtype=np.float32)
    step = 1 << 20
    for start in range(0, rows, step):
        big[start:start + step] = probabilities(min(step, rows - start), 4, np.float32)
    save('big-pred.npy', big)
    save('big-labels.npy', rng.integers(0, 4, rows).astype(np.int64))
    print(json.dumps(manifest))
    sys.exit(0)

# Multi-class: N = 3001 rows of C = 7 (an odd N, so chunks do not divide it).
N, C = 3001, 7
p64 = probabilities(N, C)
labels = rng.integers(0, C, N)
save('p64.npy', p64)
save('p32.npy', p64.astype(np.float32))
save('logits32.npy', (rng.standard_normal((N, C)) * 4).astype(np.float32))
save('y-int64.npy', labels.astype(np.int64))
save('y-int32.npy', labels.astype(np.int32))
save('y-uint8.npy', labels.astype(np.uint8))
save('y-int8.npy', labels.astype(np.int8))
save('y-int16.npy', labels.astype(np.int16))
save('y-uint16.npy', labels.astype(np.uint16))
save('y-uint32.npy', labels.astype(np.uint32))
save('y-uint64.npy', labels.astype(np.uint64))
save('y-column.npy', labels.astype(np.int64).reshape(N, 1))
ignored = labels.astype(np.int64)
ignored[::10] = -100
save('y-ignore.npy', ignored)
bad = labels.astype(np.int64)
bad[2500] = 9
save('y-bad.npy', bad)
nan = p64.copy()
nan[1234, 5] = np.nan
save('p-nan.npy', nan)
save('y-v2.npy', labels.astype(np.int64), version=(2, 0))
save('p-v3.npy', p64, version=(3, 0))

# Bigger than the default 8 MiB chunk: 300,000 x 10 float32 = 12 MB.
BN, BC = 300_000, 10
save('chunked-pred.npy', probabilities(BN, BC, np.float32))
save('chunked-labels.npy', rng.integers(0, BC, BN).astype(np.int64))

# Binary: (N,) probabilities with 0/1 targets (uint8, bool, float64 soft), (N, K) logits.
M, K = 5003, 3
save('bin-p32.npy', rng.random(M).astype(np.float32))
hard = (rng.random(M) < 0.3)
save('bin-t-uint8.npy', hard.astype(np.uint8))
save('bin-t-bool.npy', hard)
save('bin-t-soft.npy', rng.random(M))
save('bin-logits.npy', (rng.standard_normal((M, K)) * 3).astype(np.float64))
save('bin-t-k.npy', (rng.random((M, K)) < 0.2).astype(np.uint8))
save('bin-p-col.npy', rng.random((M, 1)).astype(np.float32))

# Files the CLI must refuse.
save('fortran.npy', np.asfortranarray(p64))
save('big-endian.npy', p64.astype('>f8'))
save('float16.npy', p64.astype(np.float16))
save('complex.npy', p64.astype(np.complex128))
save('strings.npy', np.array(['a', 'b', 'c']))
save('object.npy', np.array([1, 'a', None], dtype=object))
save('y-short.npy', labels[:-1].astype(np.int64))
save('y-float.npy', labels.astype(np.float32))
save('three-d.npy', p64.reshape(N, C, 1))
save('scalar.npy', np.array(3.0))
save('p-int.npy', (p64 * 100).astype(np.int32))
with open(os.path.join(out, 'p64.npy'), 'rb') as f:
    whole = f.read()
with open(os.path.join(out, 'truncated.npy'), 'wb') as f:
    f.write(whole[:-1000])
with open(os.path.join(out, 'not-npy.npy'), 'wb') as f:
    f.write(b'label,p0\n0,1\n')

# CSV: the label first with a header; the label in column 3 without one; two files.
fmt = '%.17g'
table = np.column_stack([labels, p64])
np.savetxt(os.path.join(out, 'data.csv'), table, fmt=['%d'] + [fmt] * C, delimiter=',',
           header='label,' + ','.join(f'p{c}' for c in range(C)), comments='')
middle = np.column_stack([p64[:, :3], labels, p64[:, 3:]])
np.savetxt(os.path.join(out, 'data-mid.csv'), middle, fmt=[fmt] * 3 + ['%d'] + [fmt] * (C - 3), delimiter=',')
np.savetxt(os.path.join(out, 'labels.csv'), labels, fmt='%d', header='label', comments='')
np.savetxt(os.path.join(out, 'preds.csv'), p64, fmt=fmt, delimiter=',')
np.savetxt(os.path.join(out, 'preds.tsv'), p64, fmt=fmt, delimiter='\t')
np.savetxt(os.path.join(out, 'labels-short.csv'), labels[:-1], fmt='%d')
np.savetxt(os.path.join(out, 'bin.csv'), np.column_stack([hard, rng.random(M)]), fmt=['%d', fmt], delimiter=',',
           header='target,p', comments='')
with open(os.path.join(out, 'ragged.csv'), 'w') as f:
    f.write('label,a,b\n0,0.5,0.5\n1,0.5\n')
with open(os.path.join(out, 'words.csv'), 'w') as f:
    f.write('0,0.5,0.5\n1,0.25,zero\n')

print(json.dumps(manifest))
