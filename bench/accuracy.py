"""Max error in ulp of the kernel's outputs written by accuracy.mjs, against mpmath."""
import sys
from array import array
from pathlib import Path

import mpmath as mp

mp.mp.dps = 40
folder = Path(sys.argv[1])


def load(name):
    values = array('d')
    values.frombytes((folder / f'{name}.f64').read_bytes())
    return values


def ulps(got, exact):
    if exact == 0:
        return 0.0 if got == 0 else float('inf')
    exponent = max(mp.floor(mp.log(abs(exact), 2)), -1022)
    return float(abs(mp.mpf(got) - exact) / mp.mpf(2) ** (exponent - 52))


p, neglog, focal = load('p'), load('neglog'), load('focal')
worst = {'-ln p': (0.0, None), '-(1-p)^2.3 ln p': (0.0, None)}
for i, x in enumerate(p):
    x = mp.mpf(x)
    ln = mp.log(x)
    for name, got, exact in [('-ln p', neglog[i], -ln), ('-(1-p)^2.3 ln p', focal[i], -((1 - x) ** mp.mpf(2.3)) * ln)]:
        e = ulps(got, exact)
        if e > worst[name][0]:
            worst[name] = (e, float(x))
for name, (e, x) in worst.items():
    print(f'{name}: max error {e:.3f} ulp (at p = {x!r})')
