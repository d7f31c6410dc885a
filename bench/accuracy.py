"""Max error in ulp of the f64x2 log and exp outputs written by accuracy.mjs, against mpmath.

The error of a result y for the exact value v is |y - v| / ulp(v), with ulp(v) = 2^(e - 52) for
2^e <= |v| < 2^(e+1), and 2^-1074 below 2^-1022 (so a subnormal result is judged by its
absolute error, in units of the smallest subnormal). Infinite results count as 2^1024 (an exp
that overflows is right when v >= 2^1024 - 2^970, where rounding gives +Inf). Special values
(log of 0, +Inf, NaN; exp of +-Inf, NaN) must match exactly. Exits 1 when a log is over 0.51 ulp
or an exp over 1 ulp. Uses both cores: mpmath at 30 digits takes about 5 us per value.
"""
import json
import math
import sys
from array import array
from multiprocessing import Pool
from pathlib import Path

import mpmath as mp

LIMITS = {'log': 0.51, 'exp': 1.0}
CHUNK = 1 << 15
OVERFLOW = mp.mpf(2) ** 1024
ROUNDS_TO_INF = OVERFLOW - mp.mpf(2) ** 970
TINY = 2.0 ** -1021  # below it, and from HUGE on, the error is computed in mpmath
HUGE = mp.mpf(2) ** 1023
folder = Path(sys.argv[1])


def load(name, typecode='d'):
    values = array(typecode)
    values.frombytes((folder / name).read_bytes())
    return values


def exact(kind, x):
    """The exact value as an mpf, or the required float for a special input."""
    if math.isnan(x):
        return math.nan
    if kind == 'log':
        if x == 0:
            return -math.inf
        return math.inf if x == math.inf else mp.log(mp.mpf(x))
    if math.isinf(x):
        return 0.0 if x < 0 else math.inf
    return mp.exp(mp.mpf(x))


def ulps(got, v):
    if isinstance(v, float):  # a special input: the result must be identical
        same = (math.isnan(got) and math.isnan(v)) or got == v
        return 0.0 if same else math.inf
    if math.isnan(got):
        return math.inf
    if got == math.inf:
        return 0.0 if v >= ROUNDS_TO_INF else float((OVERFLOW - v) / mp.mpf(2) ** 971)
    if abs(v) < TINY:
        return float(abs(mp.mpf(got) - v) * mp.mpf(2) ** 1074)
    if abs(v) >= HUGE:
        return float(abs(mp.mpf(got) - v) / mp.mpf(2) ** 971)
    hi = float(v)
    lo = float(v - hi)
    mantissa, e = math.frexp(abs(hi))
    ulp = 2.0 ** (e - 53)
    if mantissa == 0.5 and (lo < 0) != (hi < 0) and lo != 0:
        ulp /= 2  # v is just below a power of two
    ulp = max(ulp, 2.0 ** -1074)
    # got - hi is exact whenever the error is small enough to matter.
    return abs((got - hi) - lo) / ulp


def add(table, key, stats):
    """Merges [count, max error, x at the max, count over 0.5 ulp] into table[key]."""
    old = table.setdefault(key, [0, -1.0, None, 0])
    old[0] += stats[0]
    old[3] += stats[3]
    if stats[1] > old[1]:
        old[1], old[2] = stats[1], stats[2]


def work(task):
    """[count, max error, x at the max, count over 0.5 ulp] per (function, class) of one chunk."""
    group, kind, start, end, functions = task
    mp.mp.dps = 30
    xs = load(f'{group}.x.f64')[start:end]
    classes = load(f'{group}.class.u8', 'B')[start:end]
    outputs = {fn: load(f'{group}.{fn}.f64')[start:end] for fn, _ in functions}
    worst = {}
    for i, x in enumerate(xs):
        v = exact(kind, x)
        for fn, domain in functions:
            if domain == 'non-positive' and not x <= 0:
                continue
            e = ulps(outputs[fn][i], v)
            add(worst, (fn, classes[i]), [1, e, x, int(e > 0.5)])
            if kind == 'exp':
                add(worst, (fn, 'subnormal and zero results' if v < TINY / 2 else 'normal results'), [1, e, x, int(e > 0.5)])
    return worst


def main():
    groups = json.loads((folder / 'groups.json').read_text())
    tasks = []
    for g in groups:
        n = len(load(f'{g["group"]}.class.u8', 'B'))
        functions = [(f['fn'], f['domain']) for f in g['functions']]
        tasks += [(g['group'], g['kind'], s, min(s + CHUNK, n), functions) for s in range(0, n, CHUNK)]
    merged = {}
    with Pool(2) as pool:
        for task, worst in zip(tasks, pool.map(work, tasks)):
            for (fn, c), stats in worst.items():
                add(merged, (task[0], fn, c), stats)

    failed = []
    per_function = {}
    for g in groups:
        for f in g['functions']:
            fn = f['fn']
            names = dict(enumerate(g['classes']), **{r: r for r in ('normal results', 'subnormal and zero results')})
            entry = per_function.setdefault(fn, {'kind': g['kind'], 'rows': [], 'ranges': []})
            for c, name in names.items():
                if (g['group'], fn, c) in merged:
                    entry['ranges' if isinstance(c, str) else 'rows'].append((name, *merged[(g['group'], fn, c)]))
    for fn, entry in per_function.items():
        rows = entry['rows']
        count = sum(r[1] for r in rows)
        top = max(rows, key=lambda r: r[2])
        wrong = sum(r[4] for r in rows)
        limit = LIMITS[entry['kind']]
        verdict = 'ok' if top[2] <= limit else 'FAIL'
        print(f'{fn}: {count} inputs, max error {top[2]:.6f} ulp at x = {top[3]!r} ({top[0]}); '
              f'{wrong} not correctly rounded; limit {limit} ulp: {verdict}')
        width = max(len(r[0]) for r in rows)
        for name, n, e, x, w in entry['ranges'] + rows:
            print(f'    {name:<{width}} {n:>7}  max {e:.6f} ulp at x = {x!r}' + (f'  ({w} > 0.5 ulp)' if w else ''))
        if verdict != 'ok':
            failed.append(fn)
    if failed:
        print('accuracy: over the limit: ' + ', '.join(failed))
        sys.exit(1)


if __name__ == '__main__':
    main()
