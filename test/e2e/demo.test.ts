import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { root } from '../packed.js';
import { DEMO_SITE, useSite } from './harness.js';
import { benchDefault, expectSlicedRun, screenshot, text, train } from './demo-page.js';
import { accessibleName, clippedText, contrast, horizontalOverflow, openPage } from './page-checks.js';

// The demo page at 1280 × 900, panel by panel: its numbers against the formula written out
// here, its errors, its benchmark and a training run stopped and resumed, and accessibility.
// The Segmentation panel and the phone layout have files of their own (demo-*.test.ts); the
// page is built once for all of them (demo-site.ts). Screenshots go to test/e2e/output, with
// UPDATE_SCREENSHOTS=1 the README's to docs/ too (docs-image.ts). DEMO_BENCH_N sets the
// benchmark's size: below 2,000,000 one call is under 100 steps of the browser's 0.1 ms timer
// and the page says so.
const BENCH_N = process.env.DEMO_BENCH_N ?? '20000';

const site = useSite(DEMO_SITE);

async function compute(page: Page, fields: Record<string, string>): Promise<{ result: string; error: string }> {
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
  await page.click('#compute');
  return { result: await text(page, '#compute-result'), error: await text(page, '#compute-error') };
}

/** The Compute panel's per-sample table: one record per sample, keyed by column title. */
function perSampleTable(page: Page): Promise<Array<Record<string, string>>> {
  return page.$eval('#per-sample', (table) => {
    const [head, ...rows] = [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map((cell) => cell.textContent!));
    return rows.map((cells) => Object.fromEntries(cells.map((cell, k) => [head[k], cell])));
  });
}

/** A sample's focal loss written out here, α_t (1 − p_t)^γ (−ln p_t), from its y_pred row (probabilities or logits). */
function sampleLoss(row: number[], t: number, gamma: number, alphaT: number, logits: boolean): number {
  const p = logits ? Math.exp(row[t]) / row.reduce((sum, z) => sum + Math.exp(z), 0) : row[t];
  return alphaT * (1 - p) ** gamma * -Math.log(p);
}

/** `shown` (a number the page rounded to a few digits) is `want` within `relative`. */
function expectClose(shown: string, want: number, relative: number, what: string): void {
  expect(Math.abs(Number(shown) - want), `${what}: ${shown}, want ${want}`).toBeLessThanOrEqual(relative * Math.abs(want) + 1e-12);
}

/**
 * Each row of the table against the formula: p_t, (1 − p_t)^γ, −ln p_t, α_t, the loss, and its
 * gradient by central differences of sampleLoss (so not from the library's analytic formula).
 */
function expectPerSample(table: Array<Record<string, string>>, batch: { yTrue: number[]; yPred: number[][]; gamma: number; alpha?: number[]; logits?: boolean }): void {
  const { yTrue, yPred, gamma, alpha, logits = false } = batch;
  expect(table).toHaveLength(yTrue.length);
  table.forEach((cells, i) => {
    const [t, row] = [yTrue[i], yPred[i]];
    const alphaT = alpha?.[t] ?? 1;
    const crossEntropy = sampleLoss(row, t, 0, 1, logits);
    const p = Math.exp(-crossEntropy);
    expectClose(cells['p_t'], p, 1e-5, `p_t of sample ${i}`);
    expectClose(cells['(1 − p_t)^γ'], (1 - p) ** gamma, 1e-5, `(1 − p_t)^γ of sample ${i}`);
    expectClose(cells['cross-entropy −ln p_t'], crossEntropy, 1e-5, `−ln p_t of sample ${i}`);
    if (alpha) expect(Number(cells['α_t'])).toBe(alphaT);
    else expect(cells).not.toHaveProperty('α_t');
    expectClose(cells.loss, sampleLoss(row, t, gamma, alphaT, logits), 1e-7, `loss of sample ${i}`);
    const grad = JSON.parse(cells['gradient ∂loss/∂y_pred row']) as number[];
    expect(grad).toHaveLength(row.length);
    grad.forEach((g, j) => {
      const h = 1e-6;
      const at = (d: number) => sampleLoss(row.map((v, k) => (k === j ? v + d : v)), t, gamma, alphaT, logits);
      expectClose(String(g), (at(h) - at(-h)) / (2 * h), 1e-3, `gradient[${j}] of sample ${i}`);
    });
  });
}

/** Cui et al.'s class-balanced weights written out here: (1 − β) / (1 − β^n_c), scaled to sum to C. */
function classBalanced(counts: number[], beta: number): number[] {
  const raw = counts.map((n) => (1 - beta) / (1 - beta ** n));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (counts.length * w) / total);
}

describe('the demo page', () => {
  it('at 1280 × 900: curves, checked fields, Compute with α, benchmark table, Train, accessibility', async () => {
    const { page, errors } = await openPage(site.browser, site.url, { viewport: { width: 1280, height: 900 } });

    // Intro, and the documentation link: the README beside the page (a build copies it there).
    expect(await text(page, 'header .intro')).toMatch(/Focal loss down-weights/);
    expect(await page.getAttribute('a.docs', 'href')).toBe('../README.md');
    const readme = await page.evaluate(async () => {
      const response = await fetch((document.querySelector('a.docs') as HTMLAnchorElement).href);
      return { status: response.status, text: await response.text() };
    });
    expect(readme).toEqual({ status: 200, text: readFileSync(join(root, 'README.md'), 'utf8') });
    expect(await text(page, '#backend')).toMatch(/wasm \(SIMD\)/);

    // Five fixed gammas and the highlighted curve, each a path through all 240 points.
    const curves = await page.$$eval('#curves path.curve', (paths) => paths.map((p) => p.getAttribute('d')!.split('L').length));
    expect(curves).toEqual([240, 240, 240, 240, 240, 240]);
    await page.fill('#gamma', '4');
    await page.dispatchEvent('#gamma', 'input');
    expect(await text(page, '#gamma-value')).toBe('4');

    // Accessibility: distinct names for the γ inputs, live regions, legible legend colours.
    const gammaNames = await Promise.all(['#gamma', '#compute-gamma', '#train-gamma'].map((s) => accessibleName(page, s)));
    expect(gammaNames).toEqual(['γ of the highlighted curve', 'γ for Compute', 'γ of the focal-loss model']);
    const alphaNames = await Promise.all(['#alpha', '#compute-alpha', '#train-alpha'].map((s) => accessibleName(page, s)));
    expect(new Set(alphaNames).size).toBe(3);
    for (const id of ['compute-result', 'compute-error', 'curves-error', 'bench-status', 'bench-warning', 'train-status', 'train-error']) {
      expect(await page.getAttribute(`#${id}`, 'aria-live'), id).toMatch(/^(polite|assertive)$/);
    }
    const legend = await page.$$eval('svg .legend text', (texts) =>
      texts.map((t) => ({ text: t.textContent, fill: getComputedStyle(t).fill, background: getComputedStyle(t.closest('svg')!).backgroundColor })),
    );
    expect(legend).toHaveLength(6 + 2 + 2);
    for (const entry of legend) expect(contrast(entry.fill, entry.background), entry.text!).toBeGreaterThanOrEqual(4.5);

    // The reduction select shows its whole longest label; the α of the Train panel its value.
    expect(await clippedText(page, 'select, #train-alpha')).toEqual([]);

    // Compute: the worked example, then α and reduction change the result. Per sample, the
    // table shows the loss's pieces and its gradient.
    const worked = { yTrue: [0, 1, 2], yPred: [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.2, 0.7]], gamma: 2 };
    expect(await text(page, '#compute-result')).toMatch(/^mean loss = 0\.014026697 over 3 samples; y_true read as class indices$/);
    expectPerSample(await perSampleTable(page), worked);
    expect((await compute(page, { '#compute-alpha': '0.25' })).result).toMatch(/^mean loss = 0\.0035066743 over 3 samples; y_true read as class indices; α = 0\.25$/);
    expect((await compute(page, { '#compute-alpha': '[1, 1, 0]' })).result).toMatch(/^mean loss = 0\.0033264491 over 3 samples; y_true read as class indices; α = \[1,1,0\]$/);
    expectPerSample(await perSampleTable(page), { ...worked, alpha: [1, 1, 0] });
    // Logits: p_t is the softmax's, and the gradient is with respect to the logits.
    const logits = { yTrue: [0, 2], yPred: [[2, 0.5, -1], [0.1, 0.2, 3]], gamma: 1.5, logits: true };
    await page.check('#from-logits');
    await compute(page, { '#y-true': '[0, 2]', '#y-pred': JSON.stringify(logits.yPred), '#compute-gamma': '1.5', '#compute-alpha': '' });
    expectPerSample(await perSampleTable(page), logits);
    await page.uncheck('#from-logits');
    // A soft target row has no single p_t: its row says so, and the loss is still shown.
    await compute(page, { '#y-true': '[[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]]', '#y-pred': JSON.stringify(worked.yPred), '#compute-gamma': '2' });
    const soft = await perSampleTable(page);
    expect([soft[0]['p_t'], soft[0]['(1 − p_t)^γ']]).toEqual(['—', '—']);
    expectPerSample(soft.slice(1), { yTrue: [1, 2], yPred: worked.yPred.slice(1), gamma: 2 });
    await compute(page, { '#y-true': '[0, 1, 2]', '#compute-alpha': '[1, 1, 0]' });
    await page.selectOption('#reduction', 'sum');
    expect((await compute(page, { '#compute-alpha': '0.25' })).result).toMatch(/^sum of losses = 0\.010520023 over 3 samples/);
    await page.selectOption('#reduction', 'mean');
    // One-hot rows under y_true are read as target rows, and said to be.
    const oneHot = await compute(page, { '#y-true': '[[1, 0, 0], [0, 1, 0], [0, 0, 1]]', '#compute-alpha': '' });
    expect(oneHot.result).toMatch(/^mean loss = 0\.014026697 over 3 samples; y_true read as target rows \(one-hot or soft\), 3 × 3$/);
    expect(await page.$$eval('#per-sample th', (th) => th.map((h) => h.textContent))).toContain('target row');

    // Every field is checked, and the message names it.
    const emptyGamma = await compute(page, { '#y-true': '[0, 1, 2]', '#compute-gamma': '' });
    expect(emptyGamma.error).toBe('γ is empty: enter a number ≥ 0 (0 gives cross-entropy)');
    expect(emptyGamma.result).toBe('');
    expect(await page.getAttribute('#compute-gamma', 'aria-invalid')).toBe('true');
    const negativeAlpha = await compute(page, { '#compute-gamma': '2', '#compute-alpha': '-1' });
    expect(negativeAlpha.error).toBe('α = -1 is negative: α must be ≥ 0');
    expect(await page.getAttribute('#compute-gamma', 'aria-invalid')).toBeNull();
    expect(await page.getAttribute('#compute-alpha', 'aria-invalid')).toBe('true');
    const badJson = await compute(page, { '#compute-alpha': '', '#y-pred': '[[0.9, 0.05 0.05], [0.1, 0.8, 0.1], [0.1, 0.2, 0.7]]' });
    expect(badJson.error).toMatch(/^y_pred is not a valid list near “.*0\.05 0\.05.*”: write numbers separated by commas/);
    expect(badJson.error).not.toMatch(/SyntaxError|position|JSON/);
    const probability = await compute(page, { '#y-pred': '[[0.9, 0.05, 0.05], [0.1, 1.8, 0.1], [0.1, 0.2, 0.7]]' });
    expect(probability.error).toBe('y_pred[1][1] = 1.8 is not a probability in [0, 1]; if y_pred holds logits, tick “from logits”');
    expect(await page.getAttribute('#y-pred', 'aria-invalid')).toBe('true');
    const classes = await compute(page, { '#y-pred': '[[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]]', '#compute-alpha': '[1, 2, 3]' });
    expect(classes.error).toBe('α has 3 weights but the batch has 2 classes');
    expect(await page.getAttribute('#compute-alpha', 'aria-invalid')).toBe('true');
    await page.fill('#compute-alpha', '');
    await page.click('#generate');
    expect(await page.$$eval('#per-sample tr', (rows) => rows.length)).toBe(9);
    expect(await text(page, '#compute-error')).toBe('');

    // The curves: α < 0 is refused (the chart keeps the last valid α); α = 1e9 rescales the axis and the legend fits.
    await page.fill('#alpha', '-1');
    expect(await text(page, '#curves-error')).toBe('α = -1 is negative: α must be ≥ 0');
    expect(await page.$$eval('#curves .legend text', (t) => t.at(-1)!.textContent)).toBe('γ = 4, α = 1 (highlighted)');
    await page.fill('#alpha', '');
    expect(await text(page, '#curves-error')).toBe('α is empty: enter a number ≥ 0 (1 means no weighting)');
    await page.fill('#alpha', '1e9');
    expect(await text(page, '#curves-error')).toBe('');
    const big = await page.$eval('#curves', (svg) => {
      const frame = svg.getBoundingClientRect();
      const inside = [...svg.querySelectorAll('text')].every((t) => {
        const r = t.getBoundingClientRect();
        return r.left >= frame.left && r.right <= frame.right && r.top >= frame.top && r.bottom <= frame.bottom;
      });
      return { inside, legend: svg.querySelector('.legend text:last-of-type')!.textContent, ticks: [...svg.querySelectorAll(':scope > text')].map((t) => t.textContent) };
    });
    expect(big.inside).toBe(true);
    expect(big.legend).toBe('γ = 4, α = 1e9 (highlighted)');
    expect(big.ticks.slice(0, 6)).toEqual(['0', '1e9', '2e9', '3e9', '4e9', '5e9']);
    await page.fill('#alpha', '1');

    // Benchmark: it says what it runs and how much memory that takes; its default size is at most 1M
    // (fewer where the device has little memory); no empty box before a run; the button is disabled
    // while it runs; numbers as a table.
    expect((await benchDefault(page)).n).toBeLessThanOrEqual(1_000_000);
    expect(await page.isVisible('#bench-chart')).toBe(false);
    expect(await page.isVisible('#bench-table')).toBe(false);
    await page.fill('#bench-n', '');
    await page.click('#bench-run');
    expect(await text(page, '#bench-status')).toBe('samples is empty: enter a whole number from 1,000 to 2,000,000');
    await page.fill('#bench-n', BENCH_N);
    await page.click('#bench-run');
    expect(await page.isDisabled('#bench-run')).toBe(true);
    await page.waitForSelector('#bench-status[data-done="true"]', { timeout: 120_000 });
    expect(await page.isEnabled('#bench-run')).toBe(true);
    const bars = await page.$$eval('#bench-chart rect.bar', (rects) => rects.map((r) => Number(r.getAttribute('width'))));
    expect(bars).toHaveLength(3);
    for (const width of bars) expect(width).toBeGreaterThan(0);
    const rows = await page.$$eval('#bench-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows.map((r) => r[0])).toEqual(['focalLoss, wasm', 'focalLoss, JS path', 'textbook loop']);
    for (const row of rows) expect(Number(row[1])).toBeGreaterThan(0);
    expect(rows[0][3]).toBe('1.00×');

    // Train: α starts at the class-balanced weights of the training counts (1,000 and 50, as the
    // data is drawn), to 3 digits; one click clears it, one click brings it back; γ and α are checked.
    const balanced = classBalanced([1000, 50], 0.9999).map((w) => Number(w.toPrecision(3)));
    const focalTitle = `Focal loss, γ = 2, α = [${balanced.join(', ')}]`;
    expect(JSON.parse(await page.inputValue('#train-alpha'))).toEqual(balanced);
    expect(await text(page, '#train-focal-title')).toBe(focalTitle);
    await page.click('#train-alpha-none');
    expect(await page.inputValue('#train-alpha')).toBe('');
    expect(await text(page, '#train-focal-title')).toBe('Focal loss, γ = 2, no α');
    await page.fill('#train-alpha', '[1, 2, 3]');
    await page.click('#train-run');
    expect(await text(page, '#train-error')).toBe(`α has 3 weights but the data has 2 classes: write [majority, minority], such as [${balanced.join(', ')}]`);
    expect(await page.getAttribute('#train-alpha', 'aria-invalid')).toBe('true');
    await page.click('#train-alpha-balanced');
    expect(JSON.parse(await page.inputValue('#train-alpha'))).toEqual(balanced);
    expect(await text(page, '#train-error')).toBe('');
    expect(await text(page, '#train-focal-title')).toBe(focalTitle);
    await page.fill('#train-gamma', '-1');
    await page.click('#train-run');
    expect(await text(page, '#train-error')).toBe('γ = -1 is negative: γ must be ≥ 0');
    expect(await text(page, '#train-run')).toBe('Start');
    await page.fill('#train-gamma', '2');
    // The decision regions change while it runs, frames stay short, and the run ends where the
    // panel's text says it does (test/node/demo-training.test.ts checks the text's other settings).
    const run = await train(page);
    expect(run.later).not.toBe(run.early);
    expectSlicedRun(run.frames);
    for (const id of ['train-focal-stats', 'train-ce-stats']) {
      expect(await text(page, `#${id}`)).toMatch(/^epoch 300: minority recall [01]\.\d\d, precision [01]\.\d\d, accuracy 0\.\d{3}$/);
    }
    const measured = (await text(page, '#train-measured')).replace(/\s+/g, ' ');
    const stated = /focal loss reaches minority recall (\S+) at precision (\S+); cross-entropy (\S+) at (\S+)\./.exec(measured);
    expect(stated, measured).not.toBeNull();
    expect(await text(page, '#train-status')).toBe(
      `Finished 300 epochs: minority recall ${stated![1]}, precision ${stated![2]} with focal loss (γ = 2, α = [${balanced.join(', ')}]); ` +
        `minority recall ${stated![3]}, precision ${stated![4]} with cross-entropy.`,
    );
    // Both charts plot the same held-out measure for both models (not each model's own loss), 300 epochs each.
    const trainCurves = (id: string) => page.$$eval(`#${id} path.curve`, (paths) => paths.map((p) => p.getAttribute('d')!));
    const [recall, precision] = [await trainCurves('train-recall'), await trainCurves('train-precision')];
    expect([...recall, ...precision].map((d) => d.split('L').length)).toEqual([300, 300, 300, 300]);
    expect(precision).not.toEqual(recall);
    expect(await page.$$eval('svg .y-label', (labels) => labels.map((l) => `${l.closest('svg')!.id}: ${l.textContent}`))).toEqual([
      'curves: loss FL(p_t)', 'train-recall: minority recall', 'train-precision: minority precision',
    ]);

    expect(await horizontalOverflow(page)).toEqual({ scrollWidth: 1280, innerWidth: 1280, wide: [] });
    await page.mouse.move(0, 0);
    // docs/demo.jpg, which the README shows, is the page's column down to the first screen's end:
    // the whole page would not fit the package's size budget.
    const png = await screenshot(site.browser, page, 'demo.png', { width: 640, height: 900 }, 'body');
    // A blank page compresses to a few KiB; curves, text, bars and regions do not.
    expect(png.length).toBeGreaterThan(100_000);
    await screenshot(site.browser, page, 'train.png', null, '#train-panel');
    expect(errors).toEqual([]);
  });
});
