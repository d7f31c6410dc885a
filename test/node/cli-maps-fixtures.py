"""Writes segmentation maps for test/node/cli-maps.test.ts with NumPy, and their expected losses.

    python3 test/node/cli-maps-fixtures.py OUT_DIR

Writes channels-first logits (N, C, H, W) as float32, float64 and float16, the same values
channels-last (N, H, W, C) and as a rank-5 map (N, C, D, H, W), uint8 masks with 255 for void
pixels (also as int64, and as (N, 1, H, W)), and binary targets of the logits' shape. Prints a
JSON object: {"files": {name: {shape, dtype}}, "expected": {case: {loss, sum, count, perClass, hardest}}},
the losses computed here with NumPy in float64 from the definition (softmax over the class
axis, FL = -(1 - p_t)^gamma ln p_t, void pixels left out), independently of the library.
"""
import json
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
files = {}
expected = {}
rng = np.random.default_rng(18)


def save(name, array):
    np.save(os.path.join(out, name), array)
    files[name] = {'shape': list(array.shape), 'dtype': str(array.dtype)}


def focal(logits, labels, axis, gamma=2.0, void=255):
    """Mean focal loss over non-void pixels, its sum and count, and [sum, count] per class."""
    z = np.moveaxis(logits.astype(np.float64), axis, -1)
    z = z - z.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    y = labels.reshape(z.shape[:-1]).astype(np.int64)
    keep = y != void
    lp = np.take_along_axis(logp, np.where(keep, y, 0)[..., None], axis=-1)[..., 0]
    loss = -((1 - np.exp(lp)) ** gamma) * lp
    per_class = [[float(loss[keep & (y == c)].sum()), int((keep & (y == c)).sum())] for c in range(z.shape[-1])]
    total = float(loss[keep].sum())
    # The three hardest pixels: their index in the labels' (N, H, W) order and their loss.
    flat = np.where(keep, loss, -np.inf).ravel()
    hardest = [[int(i), float(flat[i])] for i in np.argsort(-flat, kind='stable')[:3]]
    return {'loss': total / int(keep.sum()), 'sum': total, 'count': int(keep.sum()), 'perClass': per_class, 'hardest': hardest}


def binary(logits, targets, gamma=2.0):
    x = logits.astype(np.float64)
    p = 1 / (1 + np.exp(-x))
    pt = np.where(targets == 1, p, 1 - p)
    loss = -((1 - pt) ** gamma) * np.log(pt)
    return {'loss': float(loss.mean()), 'sum': float(loss.sum()), 'count': int(loss.size)}


N, C, H, W = 2, 3, 5, 7
logits = (rng.standard_normal((N, C, H, W)) * 3).astype(np.float16).astype(np.float32)
mask = rng.integers(0, C, (N, H, W)).astype(np.uint8)
mask[rng.random((N, H, W)) < 0.1] = 255
save('nchw-f32.npy', logits)
save('nchw-f64.npy', logits.astype(np.float64))
save('nchw-f16.npy', logits.astype(np.float16))
save('nhwc-f32.npy', np.ascontiguousarray(np.moveaxis(logits, 1, -1)))
save('mask-u8.npy', mask)
save('mask-i64.npy', mask.astype(np.int64))
save('mask-n1hw.npy', mask[:, None])
expected['nchw'] = focal(logits, mask, 1)

# A rank-5 map: (N, C, D, H, W), classes on axis 1.
volume = (rng.standard_normal((2, 4, 3, 2, 5)) * 2).astype(np.float32)
volume_mask = rng.integers(0, 4, (2, 3, 2, 5)).astype(np.int32)
save('ncdhw-f32.npy', volume)
save('volume-mask.npy', volume_mask)
expected['ncdhw'] = focal(volume, volume_mask, 1)

# Binary: K = 3 labels on axis 1, targets of the logits' shape.
targets = (rng.random((N, C, H, W)) < 0.3).astype(np.float32)
save('targets-nchw.npy', targets)
expected['binary'] = binary(logits, targets)

# A larger channels-first map, for chunks that cut images and for shards.
big = (rng.standard_normal((3, 19, 31, 37)) * 3).astype(np.float32)
big_mask = rng.integers(0, 19, (3, 31, 37)).astype(np.uint8)
big_mask[rng.random((3, 31, 37)) < 0.05] = 255
save('big-nchw.npy', big)
save('big-mask.npy', big_mask)
expected['big'] = focal(big, big_mask, 1)

print(json.dumps({'files': files, 'expected': expected}))
