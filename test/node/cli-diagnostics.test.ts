import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focalSamples, reference, binarySamples, type Reference } from '../diagnostics-reference.js';
import { requireBuild, run, runJson, writeNpy } from './cli-helpers.js';

// --diagnostics and --html, against test/diagnostics-reference.ts (the definitions, sample by
// sample) on files written here: the JSON's fields, the text's numbers, shards merged.

let dir = '';
const N = 3000;
const C = 4;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const rand = random(20);
const labels = Array.from({ length: N }, () => Math.min(C - 1, Math.floor(-Math.log(rand()) / 0.8)));
const logits = labels.map((t) => Array.from({ length: C }, (_, c) => (rand() - 0.5) * 5 + (c === t ? 1.5 : 0)));
const f32 = logits.map((r) => Array.from(Float32Array.from(r)));

const npy = (name: string, data: Float64Array | Float32Array | BigInt64Array, shape: number[]) => writeNpy(join(dir, name), data, shape);

let labelsPath = '';
let predsPath = '';

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'focal-loss-cli-diagnostics-'));
  labelsPath = npy('labels.npy', new BigInt64Array(labels.map(BigInt)), [N]);
  predsPath = npy('preds.npy', Float32Array.from(f32.flat()), [N, C]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETTINGS = { hardest: 10, bins: 15, beta: 0.9999 };
const expected = (from = 0, to = N): Reference => reference(
  focalSamples({ labels: labels.slice(from, to), rows: f32.slice(from, to), gamma: 2, fromLogits: true, epsilon: 1e-7, firstRow: from }),
  C, SETTINGS, false,
);

const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1e-300));

function expectJson(out: Record<string, any>, ref: Reference): void {
  expect(out.diagnosed.count).toBe(ref.count);
  expect(close(out.crossEntropySum, ref.crossEntropySum)).toBe(true);
  expect(out.easy.count).toBe(ref.easy.count);
  expect(close(out.easy.crossEntropySum, ref.easy.crossEntropySum)).toBe(true);
  expect(close(out.easy.lossSum, ref.easy.lossSum)).toBe(true);
  expect(out.calibration.bins.map((b: { count: number }) => b.count)).toEqual(ref.bins.map((b) => b.count));
  expect(Math.abs(out.calibration.ece - ref.ece!)).toBeLessThanOrEqual(1e-12);
  ref.perClass.forEach((c, k) => {
    expect(out.perClass[k]).toMatchObject({ class: k, count: c.truths, correct: c.correct, predicted: c.predicted });
    expect(close(out.perClass[k].recall, c.recall) && close(out.perClass[k].precision, c.precision)).toBe(true);
  });
  expect(out.hardest.map((h: { row: number; label: number }) => [h.row, h.label])).toEqual(ref.hardest.map((h) => [h.row, h.label]));
  out.hardest.forEach((h: { loss: number }, k: number) => expect(close(h.loss, ref.hardest[k].loss)).toBe(true));
}

describe('--diagnostics', () => {
  it('--json holds summary()\'s fields, equal to the definitions', () => {
    const out = runJson(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--diagnostics']);
    expectJson(out, expected());
    expect(Object.keys(out.recommendedAlpha)).toEqual(['inverseFrequency', 'classBalanced', 'beta']);
  });

  it('names the hardest rows by their row in the file, with --rows and --shard', () => {
    const out = runJson(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--diagnostics', '--rows', '1000:2000']);
    expectJson(out, expected(1000, 2000));
    expect(out.hardest.every((h: { row: number }) => h.row >= 1000 && h.row < 2000)).toBe(true);
  });

  it('shards written with --state-out merge to the whole file\'s diagnostics', () => {
    const states = [0, 1, 2].map((k) => {
      const path = join(dir, `shard${k}.json`);
      const r = run(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--diagnostics', '--shard', `${k}/3`, '--state-out', path]);
      expect(r.code, r.stderr).toBe(0);
      return path;
    });
    expectJson(runJson(['--merge', ...states, '--diagnostics']), expected());
  });

  it('the readable summary shows the easy share, the ECE, the per-class table, the bins and the hardest rows', () => {
    const r = run(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--diagnostics']);
    expect(r.code, r.stderr).toBe(0);
    const ref = expected();
    const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
    expect(r.stdout).toContain(`easy samples   ${ref.easy.count} with p_t >= 0.5 (${pct(ref.easy.count, ref.count)}): ` +
      `${pct(ref.easy.crossEntropySum, ref.crossEntropySum)} of the cross-entropy, ${pct(ref.easy.lossSum, ref.lossSum)} of the focal loss`);
    expect(r.stdout).toMatch(new RegExp(`ECE +${String(ref.ece).slice(0, 10).replace('.', '\\.')}\\d*  \\(15 bins\\)`));
    const six = (x: number) => String(Number(x.toPrecision(6)));
    for (const [k, c] of ref.perClass.entries()) {
      expect(r.stdout).toMatch(new RegExp(`^ +${k} +${c.truths} +\\S+ +${six(c.recall!)} +${six(c.precision!)} +${c.predicted} `, 'm'));
    }
    const h = ref.hardest[0];
    expect(r.stdout).toMatch(new RegExp(`^ 1 +${h.row} +${h.label} +${six(h.loss).replace('.', '\\.')} `, 'm'));
  });

  it('binary: per label column', () => {
    const targets = f32.map((row) => row.map((v) => (v > 0.5 ? 1 : 0)));
    const t = npy('targets.npy', Float64Array.from(targets.flat()), [N, C]);
    const out = runJson(['--binary', '--labels', t, '--pred', predsPath, '--from-logits', '--diagnostics']);
    const ref = reference(binarySamples({ targets, preds: f32, gamma: 2, fromLogits: true, epsilon: 1e-7, firstRow: 0 }), C, SETTINGS, true);
    expect(out.easy.count).toBe(ref.easy.count);
    expect(Math.abs(out.calibration.ece - ref.ece!)).toBeLessThanOrEqual(1e-12);
    expect(out.hardest.map((h: { row: number; column: number }) => [h.row, h.column])).toEqual(ref.hardest.map((h) => [h.row, h.column]));
    ref.perClass.forEach((c, k) => expect(out.perClass[k]).toMatchObject({ positives: c.truths, correct: c.correct, predicted: c.predicted }));
  });

  it('asks for states with diagnostics when merging states without them', () => {
    const path = join(dir, 'plain.json');
    expect(run(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--state-out', path]).code).toBe(0);
    const r = run(['--merge', path, '--diagnostics']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the states hold no diagnostics: write them with --diagnostics/);
    const mixed = join(dir, 'with.json');
    expect(run(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--diagnostics', '--state-out', mixed]).code).toBe(0);
    expect(run(['--merge', path, mixed]).stderr).toMatch(/diagnostics is false here and .* there/);
  });

  it('is refused with --state-out -, which prints the state instead of the summary', () => {
    const r = run(['--labels', labelsPath, '--pred', predsPath, '--diagnostics', '--state-out', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be combined with --json, --per-class or --diagnostics/);
  });
});

describe('--html', () => {
  it('writes one self-contained page: inline CSS and SVG, no script, nothing fetched', () => {
    const path = join(dir, 'report.html');
    const r = run(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--html', path]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(path, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<img|@import|url\(/i);
    expect(html.match(/<link[^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
    // The only URL is the SVG namespace.
    expect([...html.matchAll(/https?:\/\/[^"'\s)]+/g)].map((m) => m[0]).every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    const ref = expected();
    for (const h of ref.hardest) expect(html).toContain(`<td>${h.row}</td>`);
    // Without --diagnostics the summary stays as it was.
    expect(r.stdout).not.toMatch(/ECE/);
  });

  it('works with --merge, and never overwrites an input or the state', () => {
    const state = join(dir, 'for-html.json');
    expect(run(['--labels', labelsPath, '--pred', predsPath, '--from-logits', '--diagnostics', '--state-out', state]).code).toBe(0);
    const path = join(dir, 'merged.html');
    expect(run(['--merge', state, '--html', path]).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain('merged states');
    const before = readFileSync(labelsPath);
    const r = run(['--labels', labelsPath, '--pred', predsPath, '--html', labelsPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--html .*labels\.npy is the --labels file .*: writing the report would overwrite it/);
    expect(readFileSync(labelsPath)).toEqual(before);
    const clash = run(['--labels', labelsPath, '--pred', predsPath, '--html', state, '--state-out', state]);
    expect(clash.stderr).toMatch(/--html .* is the --state-out file/);
    expect(run(['--merge', state, '--html', state]).stderr).toMatch(/--html .* is the --merge file/);
    expect(existsSync(state)).toBe(true);
  });
});
