"""Generates the tables and polynomials of the f64x2 log and exp in assembly/math/.

    python3 scripts/math-tables.py      (python3 with mpmath; rewrites assembly/math/*-table.ts)

Each polynomial is a minimax fit (Remez exchange on a dense grid, at 50 digits) of the smooth
remainder (f(r) - r) / r^2 or (f(r) - 1 - r) / r^2, whose error the r^2 factor then shrinks near
r = 0; its coefficients are rounded to doubles, and the script prints the worst relative error
of the rounded polynomial in f over the interval, in units of 2^-53, measured on a dense grid.
Why the table entries are split the way they are is described at the top of
assembly/math/log.ts and assembly/math/exp.ts.
"""
import struct
from pathlib import Path

import mpmath as mp

mp.mp.dps = 50
OUT = Path(__file__).resolve().parent.parent / 'assembly' / 'math'


def bits(d):
    return struct.unpack('<Q', struct.pack('<d', d))[0]


def double(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


def nearest(x):
    """x rounded to the nearest double (mpmath's float conversion rounds to nearest)."""
    return float(mp.mpf(x))


def round_to_multiple(x, quantum):
    return float(mp.nint(x / quantum) * quantum)


def remez(f, degree, a, b, grid=4000, iterations=12):
    """Coefficients c[0..degree] minimising max |sum c[j] x^j - f(x)| on [a, b]."""
    xs = [a + (b - a) * k / grid for k in range(grid + 1)]
    fs = [f(x) for x in xs]
    n = degree + 2
    ref = [(a + b) / 2 - (b - a) / 2 * mp.cos(mp.pi * i / (n - 1)) for i in range(n)]
    for _ in range(iterations):
        rows = [[x ** j for j in range(degree + 1)] + [(-1) ** i] for i, x in enumerate(ref)]
        sol = mp.lu_solve(mp.matrix(rows), mp.matrix([f(x) for x in ref]))
        coef = [sol[j] for j in range(degree + 1)]
        err = [mp.polyval(coef[::-1], x) - fx for x, fx in zip(xs, fs)]
        # One extremum per run of equal sign, then drop the smaller end until n remain.
        runs, best = [], 0
        for k in range(1, len(xs)):
            if mp.sign(err[k]) != mp.sign(err[best]) and err[k] != 0:
                runs.append(best)
                best = k
            elif abs(err[k]) > abs(err[best]):
                best = k
        runs.append(best)
        while len(runs) > n:
            runs.pop(0 if abs(err[runs[0]]) < abs(err[runs[-1]]) else -1)
        if len(runs) < n:
            break
        ref = [xs[k] for k in runs]
    return coef


def worst_relative(approx, exact, a, b, points=20000):
    """Max |approx(x) / exact(x) - 1| on a grid of [a, b], in units of 2^-53."""
    worst = mp.mpf(0)
    for k in range(points + 1):
        x = a + (b - a) * mp.mpf(k) / points
        if x != 0:
            worst = max(worst, abs(approx(x) / exact(x) - 1))
    return float(worst * mp.mpf(2) ** 53)


def hex64(d):
    return '0x%016X' % bits(d)


def v128_rows(pairs):
    """memory.data rows, each value twice (one per lane), with a trailing comment."""
    return ''.join(f'  {hex64(v)}, {hex64(v)}, // {note}\n' for v, note in pairs)


# ---- log ------------------------------------------------------------------------------------
# x = 2^k z with z in [0.6855, 1.371); interval i is centred on c_i, the double whose bits are
# LOG_OFFSET + i << 45 (c_i has 7 mantissa bits; c_80 = 1).
LOG_OFFSET = 0x3FE6000000000000
LN2_HI = double(0x3FE62E42FEE00000)  # 32 significant bits: k * LN2_HI is exact for |k| < 2^21
LN2_LO = nearest(mp.log(2) - LN2_HI)

log_entries, r_min, r_max = [], mp.mpf(0), mp.mpf(0)
for i in range(128):
    c_bits = LOG_OFFSET + (i << 45)
    c = mp.mpf(double(c_bits))
    inv = 1 / c
    # 1/c = ih + il, ih with 8 significant bits, so d * ih is exact for the 45-bit d = z - c.
    exponent = int(mp.floor(mp.log(inv, 2)))
    ih = round_to_multiple(inv, mp.mpf(2) ** (exponent - 7))
    il = nearest(inv - ih)
    # ln c = lch + lcl, lch a multiple of 2^-43, so k * LN2_HI + lch is exact for |k| <= 1075.
    lc = mp.log(c)
    lch = round_to_multiple(lc, mp.mpf(2) ** -43)
    lcl = nearest(lc - lch)
    log_entries.append((ih, il, lch, lcl))
    z_lo, z_hi = mp.mpf(double(c_bits - (1 << 44))), mp.mpf(double(c_bits + (1 << 44)))
    r_min, r_max = min(r_min, (z_lo - c) / c), max(r_max, (z_hi - c) / c)
assert log_entries[80] == (1.0, 0.0, 0.0, 0.0)

# log1p(r) = r + r^2 P(r).
a, b = r_min * mp.mpf(1.0001), r_max * mp.mpf(1.0001)
log_f = lambda r: (mp.log1p(r) - r) / r ** 2 if abs(r) > mp.mpf(10) ** -30 else mp.mpf(-0.5)
log_coef = remez(log_f, 5, a, b)
log_poly = [nearest(c) for c in log_coef]
log_err = worst_relative(lambda r: r + r * r * mp.polyval([mp.mpf(c) for c in log_poly[::-1]], r), mp.log1p, a, b)
print(f'log: r in [{float(r_min):.6f}, {float(r_max):.6f}], log1p(r) = r + r^2 P(r), P of degree 5')
print(f'log: polynomial relative error <= {log_err:.3g} * 2^-53 ({log_err:.2e} ulp-equivalent)')

# ---- exp ------------------------------------------------------------------------------------
# x = k ln2/N + r, |r| <= ln2/(2N); e^x = 2^(k/N) e^r, 2^(j/N) from the table (j = k mod N).
N = 128
INV_LN2_N = nearest(N / mp.log(2))
# ln2/N = hi + lo, hi with 35 significant bits: k * hi is exact for |k| < 2^18 (|x| <= 1000).
ln2_n = mp.log(2) / N
EXP_LN2_HI = round_to_multiple(ln2_n, mp.mpf(2) ** (int(mp.floor(mp.log(ln2_n, 2))) - 34))
EXP_LN2_LO = nearest(ln2_n - EXP_LN2_HI)

exp_entries = []
for j in range(N):
    s = mp.mpf(2) ** (mp.mpf(j) / N)
    head = nearest(s)
    tail = nearest((s - head) / head)  # 2^(j/N) = head * (1 + tail)
    # head's bits less j << 45 and 1023 << 52: exp.ts adds k << 45 plus a biased exponent.
    exp_entries.append((tail, (bits(head) - (j << 45) - (1023 << 52)) % 2 ** 64))

# e^r = 1 + r + r^2 Q(r).
half = mp.log(2) / (2 * N) * mp.mpf(1.0001)
exp_f = lambda r: (mp.exp(r) - 1 - r) / r ** 2 if abs(r) > mp.mpf(10) ** -30 else mp.mpf(0.5)
exp_coef = remez(exp_f, 3, -half, half)
exp_poly = [nearest(c) for c in exp_coef]
exp_err = worst_relative(lambda r: 1 + r + r * r * mp.polyval([mp.mpf(c) for c in exp_poly[::-1]], r), mp.exp, -half, half)
print(f'exp: N = {N}, |r| <= {float(half):.6f}, e^r = 1 + r + r^2 Q(r), Q of degree 3')
print(f'exp: polynomial relative error <= {exp_err:.3g} * 2^-53 ({exp_err:.2e} ulp-equivalent)')

# ---- output ---------------------------------------------------------------------------------
HEADER = ('// Generated by scripts/math-tables.py; do not edit. @lazy: emitted only into builds that\n'
          '// use the data (see log.ts).\n')
log_rows = ''.join(
    f'  {hex64(ih)}, {hex64(il)}, {hex64(lch)}, {hex64(lcl)}, // {i}\n'
    for i, (ih, il, lch, lcl) in enumerate(log_entries)
)
(OUT / 'log-table.ts').write_text(
    HEADER
    + '\n// Entry i (32 bytes) for the centre c_i with bits 0x3FE6000000000000 + (i << 45):\n'
    + '// 1/c_i = ih + il (ih has 8 significant bits), ln c_i = lch + lcl (lch a multiple of 2^-43).\n'
    + '// @ts-ignore: decorator\n@lazy export const LOG_TABLE = memory.data<u64>([\n' + log_rows + '], 64);\n'
    + '\n// v128 constants, each value in both lanes. P: log1p(r) = r + r^2 (P0 + P1 r + ... + P5 r^5)\n'
    + f'// on r in [{float(a):.6f}, {float(b):.6f}], relative error <= {log_err:.3g} * 2^-53.\n'
    + '// @ts-ignore: decorator\n@lazy export const LOG_CONSTANTS = memory.data<u64>([\n'
    + v128_rows([(LN2_HI, 'ln 2, high part (32 significant bits)'), (LN2_LO, 'ln 2, low part')]
                + [(c, f'P{j}') for j, c in enumerate(log_poly)])
    + '], 16);\n'
)
exp_rows = ''.join(f'  {hex64(t)}, 0x{s:016X}, // {j}\n' for j, (t, s) in enumerate(exp_entries))
(OUT / 'exp-table.ts').write_text(
    HEADER
    + f'\n// Entry j (16 bytes): 2^(j/{N}) = head * (1 + tail); the second word is\n'
    + '// bits(head) - (j << 45) - (1023 << 52), mod 2^64.\n'
    + '// @ts-ignore: decorator\n@lazy export const EXP_TABLE = memory.data<u64>([\n' + exp_rows + '], 64);\n'
    + f'\n// v128 constants, each value in both lanes. Q: e^r = 1 + r + r^2 (Q0 + Q1 r + Q2 r^2 + Q3 r^3)\n'
    + f'// on |r| <= {float(half):.6f}, relative error <= {exp_err:.3g} * 2^-53.\n'
    + '// @ts-ignore: decorator\n@lazy export const EXP_CONSTANTS = memory.data<u64>([\n'
    + v128_rows([(INV_LN2_N, f'{N} / ln 2'),
                 (EXP_LN2_HI, f'ln 2 / {N}, high part (35 significant bits)'),
                 (EXP_LN2_LO, f'ln 2 / {N}, low part')]
                + [(c, f'Q{j}') for j, c in enumerate(exp_poly)])
    + '], 16);\n'
)
print(f'wrote {OUT / "log-table.ts"} and {OUT / "exp-table.ts"}')
