import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { focalSamples, reference } from '../diagnostics-reference.js';
import { writeNpy } from '../node/cli-helpers.js';
import { root } from '../packed.js';
import { DOCS_IMAGE_BYTES, docs, writeDocsImage } from './docs-image.js';
import { DEMO_SITE, useSite } from './harness.js';
import { horizontalOverflow, openPage, smallChartText, smallTouchTargets } from './page-checks.js';

// The demo's "Evaluate your predictions" panel, driven with setInputFiles: files read in the
// page, the worker pool with its progress bar, the same charts as the --html report. Numbers
// are checked against test/diagnostics-reference.ts (the definitions). Screenshots go to
// test/e2e/output (with UPDATE_SCREENSHOTS=1 the wide one also to docs/evaluate.jpg, which the README shows).

const output = join(root, 'test/e2e/output/evaluate');

const N = 60_000;
const C = 5;
let s = 5;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const labels = Array.from({ length: N }, () => Math.min(C - 1, Math.floor(-Math.log(rand()) / 0.9)));
const logits = labels.map((t) => Array.from({ length: C }, (_, c) => Math.fround((rand() - 0.5) * 5 + (c === t ? 1.8 : 0))));
/** The first 3,000 rows as probabilities in a CSV file with a header. */
const CSV_ROWS = 3000;
const probabilities = logits.slice(0, CSV_ROWS).map((z) => {
  const e = z.map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => Number((v / sum).toPrecision(12)));
});

const file = (name: string) => join(output, name);

beforeAll(async () => {
  mkdirSync(output, { recursive: true });
  writeNpy(file('labels.npy'), new BigInt64Array(labels.map(BigInt)), [N]);
  writeNpy(file('logits.npy'), Float32Array.from(logits.flat()), [N, C]);
  writeFileSync(file('labels.csv'), `label\n${labels.slice(0, CSV_ROWS).join('\n')}\n`);
  writeFileSync(file('probabilities.csv'), `${Array.from({ length: C }, (_, c) => `p${c}`).join(',')}\n${probabilities.map((r) => r.join(',')).join('\n')}\n`);
  writeFileSync(file('short.csv'), 'label\n0\n1\n');
});
const site = useSite(DEMO_SITE);

const text = (page: Page, selector: string) => page.textContent(selector).then((t) => t ?? '');
/** 4 significant digits, as the panel shows numbers. */
const four = (x: number) => String(Number(x.toPrecision(4)));

/** Records each value the progress bar and the status take, from inside the page (no timer). */
async function watchProgress(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { seen: string[] };
    w.seen = [];
    const bar = document.getElementById('evaluate-progress')!;
    new MutationObserver(() => w.seen.push(`${bar.getAttribute('value')}`)).observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
  return () => page.evaluate(() => (window as unknown as { seen: string[] }).seen);
}

async function evaluate(page: Page, files: [string, string] | null): Promise<void> {
  if (files !== null) {
    await page.setInputFiles('#evaluate-labels', file(files[0]));
    await page.setInputFiles('#evaluate-preds', file(files[1]));
    await page.click('#evaluate-run');
  } else {
    await page.click('#evaluate-example');
  }
  await page.waitForFunction(() => {
    const status = document.getElementById('evaluate-status')!;
    return status.dataset.done === 'true' || document.getElementById('evaluate-error')!.textContent !== '';
  }, undefined, { timeout: 120_000 });
}

/** The panel; the docs' copy (it ships in the package) only down to its per-class table, at CSS pixels. */
async function screenshot(page: Page, name: string, toDocs: boolean): Promise<void> {
  const panel = page.locator('#evaluate-panel');
  await panel.screenshot({ path: join(output, `${name}.png`), scale: 'css' });
  if (docs === null || !toDocs) return;
  const top = await page.$eval('#evaluate-panel', (e) => e.getBoundingClientRect().top + scrollY);
  const bottom = await page.$eval('#evaluate-class-table', (e) => e.getBoundingClientRect().bottom + scrollY);
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  const png = await page.screenshot({ scale: 'css', fullPage: true, clip: { x: 0, y: top, width, height: bottom - top + 12 } });
  expect(await writeDocsImage(site.browser, png, name, { width: 640 })).toBeLessThanOrEqual(DOCS_IMAGE_BYTES);
}

describe('the Evaluate panel', () => {
  it('at 1280 × 900: .npy and .csv files through the pool, with a progress bar, the numbers of the definitions', async () => {
    const { page, errors } = await openPage(site.browser, site.url, { viewport: { width: 1280, height: 900 } });
    expect(await page.isVisible('#evaluate-results')).toBe(false);

    // Logits in .npy: the box must be ticked, and the library's message says so in the panel's words.
    await page.setInputFiles('#evaluate-labels', file('labels.npy'));
    await page.setInputFiles('#evaluate-preds', file('logits.npy'));
    await page.click('#evaluate-run');
    await page.waitForFunction(() => document.getElementById('evaluate-error')!.textContent !== '');
    expect(await text(page, '#evaluate-error')).toMatch(/^predictions row \d+, column \d+ = -?[\d.]+ is not a probability in \[0, 1\]; if .* tick “predictions are logits”/);
    expect(await page.getAttribute('#evaluate-preds', 'aria-invalid')).toBe('true');

    await page.check('#evaluate-logits');
    const seen = await watchProgress(page);
    await evaluate(page, ['labels.npy', 'logits.npy']);
    expect(await text(page, '#evaluate-error')).toBe('');
    // The bar moved slice by slice (60,000 rows in slices of 25,000), each step drawn by the page.
    expect(await seen()).toEqual(['0', '0.4166666666666667', '0.8333333333333334', '1']);
    expect(await text(page, '#evaluate-status')).toMatch(/^done: labels\.npy and logits\.npy, 60,000 samples × 5 classes, on \d+ workers?$/);
    const ref = reference(focalSamples({ labels, rows: logits, gamma: 2, fromLogits: true, epsilon: 1e-7, firstRow: 0 }), C, { hardest: 10, bins: 15, beta: 0.9999 }, false);
    const numbers = await page.$$eval('#evaluate-numbers div', (divs) => divs.map((d) => [d.children[0].textContent, d.children[1].textContent]));
    expect(numbers).toEqual([
      ['mean focal loss', four(ref.lossSum / ref.count)],
      ['ECE', four(ref.ece!)],
      ['easy samples (p_t ≥ 0.5)', `${((100 * ref.easy.count) / ref.count).toFixed(1)}%`],
      ['their share of the cross-entropy', `${((100 * ref.easy.crossEntropySum) / ref.crossEntropySum).toFixed(1)}%`],
      ['their share of the focal loss', `${((100 * ref.easy.lossSum) / ref.lossSum).toFixed(1)}%`],
    ]);
    const hardest = await page.$$eval('#evaluate-hardest tbody tr', (rows) => rows.map((r) => r.children[1].textContent));
    expect(hardest).toEqual(ref.hardest.map((h) => String(h.row)));
    const classRows = await page.$$eval('#evaluate-class-table tbody tr', (rows) => rows.map((r) => [r.children[1].textContent, r.children[3].textContent]));
    expect(classRows).toEqual(ref.perClass.map((c) => [c.truths.toLocaleString('en-US'), four(c.recall!)]));
    expect(await page.$$eval('#evaluate-results svg', (svgs) => svgs.map((s) => s.getAttribute('aria-label')!.split(':')[0]))).toEqual([
      'Per class', 'Reliability diagram', 'Shares of easy and hard samples',
    ]);
    expect(await smallChartText(page, 11)).toEqual([]);
    await screenshot(page, 'evaluate', true);

    // Probabilities in CSV (a header line), the box unticked.
    await page.uncheck('#evaluate-logits');
    await evaluate(page, ['labels.csv', 'probabilities.csv']);
    expect(await text(page, '#evaluate-error')).toBe('');
    const csvRef = reference(focalSamples({ labels: labels.slice(0, CSV_ROWS), rows: probabilities, gamma: 2, fromLogits: false, epsilon: 1e-7, firstRow: 0 }), C, { hardest: 10, bins: 15, beta: 0.9999 }, false);
    expect(await page.$$eval('#evaluate-numbers b', (b) => b[1].textContent)).toBe(four(csvRef.ece!));

    // Files that do not fit each other: said so, and the last results stay.
    await evaluate(page, ['short.csv', 'probabilities.csv']);
    expect(await text(page, '#evaluate-error')).toBe('the labels file has 2 rows and the predictions file 3,000: they should be the same samples');
    expect(errors).toEqual([]);
  });

  it('at 390 × 844: the generated example, legible charts, nothing wider than the screen', async () => {
    const { page, errors } = await openPage(site.browser, site.url, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await evaluate(page, null);
    expect(await text(page, '#evaluate-status')).toMatch(/^done: a generated imbalanced example \(logits\), 200,000 samples × 6 classes/);
    expect(await page.isChecked('#evaluate-logits')).toBe(true);
    expect(await smallChartText(page, 11)).toEqual([]);
    expect((await horizontalOverflow(page)).wide).toEqual([]);
    const small = (await smallTouchTargets(page, 32)).filter((t) => t.control.includes('evaluate'));
    expect(small).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'evaluate-phone', false);
  });
});
