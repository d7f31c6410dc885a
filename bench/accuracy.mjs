// Measures the f64x2 log and exp of assembly/math/ in ulp against mpmath. Builds a probe module
// (bench/math-probe.ts) into build/, applies each function to 2^20 inputs in classes chosen to
// find the worst cases (see logInputs / expInputs), and hands inputs and outputs to
// bench/accuracy.py, which prints the max error per function and per class and fails when
// a log is over 0.51 ulp or an exp over 1 ulp. Run with `npm run bench:accuracy` (needs
// python3 with mpmath).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Its own config (--runtime stub --enable simd -O3 --noAssert, out to build/): without one, asc
// would also apply ./asconfig.json and compile the whole kernel into the probe.
execFileSync(
  process.execPath,
  [join(root, 'node_modules/assemblyscript/bin/asc.js'), '--config', 'bench/math-probe.asconfig.json'],
  { cwd: root, stdio: 'inherit' },
);
const probe = join(root, 'build', 'math-probe.wasm');
const { instance } = await WebAssembly.instantiate(readFileSync(probe), {
  env: { abort() { throw new Error('abort in the math probe'); } },
});
const wasm = instance.exports;

// xorshift128: reproducible 32-bit words.
let s0 = 0x9e3779b9, s1 = 0x243f6a88, s2 = 0xb7e15162, s3 = 0x12345678;
function u32() {
  const t = s0 ^ (s0 << 11);
  s0 = s1; s1 = s2; s2 = s3;
  s3 = (s3 ^ (s3 >>> 19) ^ t ^ (t >>> 8)) >>> 0;
  return s3;
}
const uniform = () => (u32() * 2 ** 21 + (u32() >>> 11)) / 2 ** 53; // [0, 1), 53 bits
const integer = (lo, hi) => lo + Math.floor(uniform() * (hi - lo + 1));

const cell = new Float64Array(1);
const cellBits = new BigUint64Array(cell.buffer);
const bitsOf = (x) => { cell[0] = x; return cellBits[0]; };
const fromBits = (b) => { cellBits[0] = BigInt.asUintN(64, b); return cell[0]; };
/** A double with the given biased exponent and a random mantissa. */
const randomInBinade = (biased) => fromBits((BigInt(biased) << 52n) | (BigInt(u32() & 0xfffff) << 32n) | BigInt(u32()));
/** The doubles bits(x) + j for j in [-half, half), wrapped round when count is larger. */
const around = (x, half, count) => Array.from({ length: count }, (_, i) => fromBits(bitsOf(x) + BigInt((i % (2 * half)) - half)));

class Inputs {
  constructor() { this.values = []; this.classOf = []; this.names = []; }
  add(name, values) {
    this.names.push(name);
    for (const v of values) { this.values.push(v); this.classOf.push(this.names.length - 1); }
  }
}

const LOG_OFFSET = 0x3fe5f00000000000n; // lower end of the log table's first interval
function logInputs() {
  const inputs = new Inputs();
  inputs.add('uniform (0, 1]', Array.from({ length: 1 << 18 }, () => 1 - uniform()));
  inputs.add('log-uniform, all normal binades', Array.from({ length: 1 << 18 }, () => randomInBinade(integer(1, 2046))));
  const near1 = [];
  for (let j = 1; j <= 1 << 15; j++) near1.push(1 - j * 2 ** -53, 1 + j * 2 ** -52);
  for (let j = 0; j < 1 << 15; j++) {
    const far = Math.floor(2 ** (30 * uniform()));
    near1.push(1 - far * 2 ** -53, 1 + far * 2 ** -52);
  }
  inputs.add('near 1 (1 - j ulp, 1 + j ulp)', near1);
  const bounds = [1e-7, 1 - 1e-7, 2 ** -23, 1 - 2 ** -23, 2 ** -52, 1 - 2 ** -52, 1e-15, 1 - 1e-15];
  inputs.add('clip bounds +-8192 ulp: 1e-7, 2^-23, 2^-52, 1e-15 and 1 - each', bounds.flatMap((b) => around(b, 8192, 1 << 14)));
  // Interval edges (bits of c_i - 2^44 + delta, c_i the centres) and centres, in random binades
  // (half of them in the binades of probabilities, 2^-60 .. 1).
  const edges = [];
  for (let n = 0; n < 1 << 18; n++) {
    const i = BigInt(integer(0, 128));
    const delta = BigInt(integer(-16, 15));
    const onCentre = n % 8 === 0 ? 1n << 44n : 0n;
    const shift = BigInt(n % 2 === 0 ? integer(-60, 0) : integer(-1021, 1022));
    edges.push(fromBits(LOG_OFFSET + (i << 45n) + onCentre + delta + (shift << 52n)));
  }
  inputs.add('table-interval edges and centres', edges);
  return inputs;
}

function logSpecialInputs() {
  const inputs = new Inputs();
  const subnormals = Array.from({ length: (1 << 16) - 8 }, () => {
    const length = integer(1, 52); // log-uniform: a random bit length, then random bits
    const bits = (BigInt(u32()) << 32n | BigInt(u32())) & ((1n << BigInt(length)) - 1n);
    return fromBits(bits | (1n << BigInt(length - 1)));
  });
  inputs.add('subnormals (log-uniform)', subnormals);
  inputs.add('specials: +-0, +Inf, NaN, 2^-1074, 2^-1022 -+ 2^-1074, MAX',
    [0, -0, Infinity, NaN, 2 ** -1074, 2 ** -1022 - 2 ** -1074, 2 ** -1022, Number.MAX_VALUE]);
  return inputs;
}

function expInputs() {
  const inputs = new Inputs();
  inputs.add('uniform [-745, 709.7]', Array.from({ length: 1 << 18 }, () => -745 + 1454.7 * uniform()));
  inputs.add('dense [-40, 0]', Array.from({ length: 1 << 18 }, () => -40 * uniform()));
  inputs.add('|x| < 2^-20 (log-uniform, both signs, and +-0)', Array.from({ length: 1 << 16 }, (_, i) =>
    i < 2 ? [0, -0][i] : (u32() & 1 ? -1 : 1) * randomInBinade(integer(1, 1002)) * (i % 64 === 0 ? 2 ** -52 : 1)));
  inputs.add('subnormal results [-745.2, -708.3]', Array.from({ length: 1 << 16 }, () => -745.2 + 36.9 * uniform()));
  const ln2 = Math.LN2;
  const thresholds = [-1075 * ln2, Math.log(1.5) - 1074 * ln2, -1074 * ln2, -1022 * ln2, 1023 * ln2,
    709.782712893384, -1000, 1000];
  inputs.add('thresholds +-4096 ulp: ln 2^-1075, ln 1.5*2^-1074, ln 2^-1074, ln 2^-1022, ln 2^1023, ln MAX, +-1000',
    thresholds.flatMap((t) => around(t, 4096, 1 << 13)));
  inputs.add('multiples of ln2/128', Array.from({ length: 1 << 17 }, () => integer(-137700, 131000) * (ln2 / 128)));
  inputs.add('midpoints (m + 1/2) ln2/128', Array.from({ length: 1 << 17 }, () => (integer(-137700, 131000) + 0.5) * (ln2 / 128)));
  const specials = [-Infinity, Infinity, NaN, -1e300, 1e300, 710, -746, -5000];
  inputs.add('uniform [-1, 1]; +-Inf, NaN, +-1e300, 710, -746, -5000',
    [...specials, ...Array.from({ length: (1 << 16) - specials.length }, () => 2 * uniform() - 1)]);
  return inputs;
}

/** Runs the probe's f64x2 function over values (padded to an even count). */
function apply(name, values) {
  const n = values.length + (values.length & 1);
  const x = wasm.reserve(16 * n);
  const memory = new Float64Array(wasm.memory.buffer, x, 2 * n);
  memory.set(values);
  wasm[name](x, x + 8 * n, n);
  return new Float64Array(wasm.memory.buffer, x + 8 * n, values.length).slice();
}

const dir = mkdtempSync(join(tmpdir(), 'focal-math-accuracy-'));
const groups = [];
function write(group, inputs, functions) {
  writeFileSync(join(dir, `${group}.x.f64`), new Float64Array(inputs.values));
  writeFileSync(join(dir, `${group}.class.u8`), new Uint8Array(inputs.classOf));
  for (const [fn, domain] of functions) writeFileSync(join(dir, `${group}.${fn}.f64`), apply(fn, inputs.values));
  groups.push({ group, kind: group.startsWith('log') ? 'log' : 'exp', classes: inputs.names, functions: functions.map(([fn, domain]) => ({ fn, domain })) });
}
write('log', logInputs(), [['vlog', 'all'], ['vlogNormal', 'all']]);
write('log-special', logSpecialInputs(), [['vlog', 'all']]);
write('exp', expInputs(), [['vexp', 'all'], ['vexpNonPositive', 'non-positive']]);
writeFileSync(join(dir, 'groups.json'), JSON.stringify(groups));

const python = spawnSync('python3', [join(root, 'bench', 'accuracy.py'), dir], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(python.status ?? 1);
