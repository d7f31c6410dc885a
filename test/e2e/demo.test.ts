import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { root } from '../packed.js';
import { DOCS_IMAGE_BYTES, docs, writeDocsImage, type DocsCopy } from './docs-image.js';
import { launch, serve } from './harness.js';
import {
  accessibleName, canvasPixels, clippedText, contrast, horizontalOverflow, labelsApart, openPage, settle, smallChartText,
  smallTouchTargets,
} from './page-checks.js';

// Screenshots go to test/e2e/output. With UPDATE_SCREENSHOTS=1 the two the README shows are
// written to docs/ too (docs/demo.jpg, docs/segmentation.jpg; docs-image.ts). DEMO_BENCH_N sets the
// benchmark's size: below 2,000,000 one call is under 100 steps of the browser's 0.1 ms timer and
// the page says so.
const output = join(root, 'test/e2e/output');
const BENCH_N = process.env.DEMO_BENCH_N ?? '20000';

let browser: Browser;
let url = '';
let close = () => {};

beforeAll(async () => {
  const outDir = join(output, 'demo');
  await build({ configFile: join(root, 'demo/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const served = await serve(outDir);
  url = served.url;
  close = () => served.server.close();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  close();
});

/** The whole page, or one element with a 16 px margin, in CSS pixels, saved to test/e2e/output (and, as `copy` says, to docs/). */
async function screenshot(page: Page, name: string, copy: DocsCopy | null, selector?: string): Promise<Buffer> {
  const path = join(output, name);
  let clip;
  if (selector) {
    const box = (await page.locator(selector).boundingBox())!;
    const scrollY = await page.evaluate(() => scrollY);
    clip = { x: box.x - 16, y: box.y + scrollY - 16, width: box.width + 32, height: box.height + 32 };
  }
  const png = await page.screenshot({ path, fullPage: true, clip, scale: 'css' });
  if (docs !== null && copy !== null) {
    expect(await writeDocsImage(browser, png, name.replace(/\.png$/, ''), copy), `${name} as JPEG`).toBeLessThanOrEqual(DOCS_IMAGE_BYTES);
  }
  return png;
}

const text = (page: Page, selector: string) => page.textContent(selector).then((t) => t ?? '');

async function compute(page: Page, fields: Record<string, string>): Promise<{ result: string; error: string }> {
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
  await page.click('#compute');
  return { result: await text(page, '#compute-result'), error: await text(page, '#compute-error') };
}

const STOP_AT = 6;

/**
 * Trains, stopped at epoch 6 exactly (Stop clicked from inside the page as the frame that
 * reaches it ends, before another frame can run), then to the end. Returns the focal model's
 * canvas at both points, and each frame's epoch with the button's label then: no timer decides
 * where anything is sampled.
 */
async function train(page: Page): Promise<{ early: string; later: string; frames: Array<{ epoch: number; button: string }> }> {
  await page.evaluate((stopAt) => {
    const w = window as unknown as { frames: Array<{ epoch: number; button: string }> };
    w.frames = [];
    const stats = document.getElementById('train-focal-stats')!;
    const button = document.getElementById('train-run')!;
    new MutationObserver(() => {
      const epoch = Number(/^epoch (\d+):/.exec(stats.textContent!)?.[1]);
      if (!(epoch > 0)) return;
      w.frames.push({ epoch, button: button.textContent! });
      if (epoch === stopAt) button.click();
    }).observe(stats, { childList: true, characterData: true, subtree: true });
  }, STOP_AT);
  await page.click('#train-run');
  await page.waitForFunction(() => /^Stopped/.test(document.getElementById('train-status')!.textContent!));
  const early = await canvasPixels(page, '#train-focal');
  // Stop holds the run where it is (nothing changes over the next two frames); Start carries on from there.
  const stopped = await text(page, '#train-status');
  expect(stopped).toMatch(new RegExp(`^Stopped at epoch ${STOP_AT}: minority recall`));
  await settle(page);
  expect(await text(page, '#train-status')).toBe(stopped);
  expect(await text(page, '#train-run')).toBe('Start');
  await page.click('#train-run');
  await page.waitForSelector('#train-status[data-done="true"]', { timeout: 60_000 });
  const later = await canvasPixels(page, '#train-focal');
  const frames = await page.evaluate(() => (window as unknown as { frames: Array<{ epoch: number; button: string }> }).frames);
  return { early, later, frames };
}

/** Each frame trains 2 epochs (so the page stays responsive); the button says Stop until the last one ends the run. */
function expectSlicedRun(frames: Array<{ epoch: number; button: string }>): void {
  expect(frames.map((f) => f.epoch)).toEqual(Array.from({ length: 150 }, (_, k) => 2 * (k + 1)));
  expect(frames.filter((f) => f.button !== 'Stop')).toEqual([{ epoch: 300, button: 'Start' }]);
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

const BENCH_ABOUT =
  /^Runs focalLoss on the wasm kernel, focalLoss on its JS path and a textbook loop over nested arrays on one random batch \(samples × 10 classes, γ = 2\): 5 interleaved rounds, the median shown\. ([\d,]+) samples hold about (\d+) MB of memory\. Default here: ([\d,]+) samples \(.+\)\.$/;

/** The benchmark's default size and what the page says of it. */
async function benchDefault(page: Page): Promise<{ n: number; megabytes: number }> {
  const about = BENCH_ABOUT.exec(await text(page, '#bench-about'));
  expect(about, await text(page, '#bench-about')).not.toBeNull();
  const n = Number(await page.inputValue('#bench-n'));
  expect([about![1], about![3]]).toEqual([n.toLocaleString('en'), n.toLocaleString('en')]);
  return { n, megabytes: Number(about![2]) };
}

describe('the demo page', () => {
  it('at 1280 × 900: curves, checked fields, Compute with α, benchmark table, Train, accessibility', async () => {
    const { page, errors } = await openPage(browser, url, { viewport: { width: 1280, height: 900 } });

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
    const png = await screenshot(page, 'demo.png', { width: 640, height: 900 }, 'body');
    // A blank page compresses to a few KiB; curves, text, bars and regions do not.
    expect(png.length).toBeGreaterThan(100_000);
    await screenshot(page, 'train.png', null, '#train-panel');
    expect(errors).toEqual([]);
  });

  it('Segmentation: image, mask, confidence and both heat maps render, and the focal-loss map follows γ', async () => {
    const { page, errors } = await openPage(browser, url, { viewport: { width: 1100, height: 900 } });
    const maps = ['#seg-image', '#seg-mask', '#seg-confidence', '#seg-ce', '#seg-focal'];
    // Drawn at the scene's 96 × 64 pixels, none blank (a blank canvas is one colour).
    const colours = await page.$$eval(maps.join(', '), (canvases) => canvases.map((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let k = 0; k < data.length; k += 4) seen.add((data[k] << 16) | (data[k + 1] << 8) | data[k + 2]);
      return { size: `${canvas.width}×${canvas.height}`, colours: seen.size };
    }));
    for (const c of colours) expect(c).toMatchObject({ size: '96×64' });
    expect(colours.map((c) => c.colours > 2)).toEqual([true, true, true, true, true]);
    expect(await accessibleName(page, '#seg-gamma')).toBe('γ of the focal-loss heat map');

    // γ = 2 (the default): focal loss puts more of its weight on the rare object and the edges than cross-entropy.
    const share = async () => {
      const stats = await text(page, '#seg-stats');
      const m = /rare object \(\d+% of the pixels\) (\d+)% → (\d+)%; object edges \(\d+%\) (\d+)% → (\d+)%; everything else, mostly easy interior, (\d+)% → (\d+)%/.exec(stats);
      expect(m, stats).not.toBeNull();
      return { rare: [Number(m![1]), Number(m![2])], edges: [Number(m![3]), Number(m![4])], rest: [Number(m![5]), Number(m![6])] };
    };
    const atTwo = await share();
    expect(atTwo.rare[1]).toBeGreaterThan(atTwo.rare[0]);
    expect(atTwo.edges[1]).toBeGreaterThan(atTwo.edges[0]);
    expect(atTwo.rest[1]).toBeLessThan(atTwo.rest[0]);
    const focalAtTwo = await canvasPixels(page, '#seg-focal');

    // γ = 0 is cross-entropy: the two heat maps are the same picture, and the shares equal.
    await page.fill('#seg-gamma', '0');
    await page.dispatchEvent('#seg-gamma', 'input');
    expect(await text(page, '#seg-gamma-value')).toBe('0');
    expect(await text(page, '#seg-focal-title')).toBe('Focal loss, γ = 0');
    expect(await canvasPixels(page, '#seg-focal')).toBe(await canvasPixels(page, '#seg-ce'));
    const atZero = await share();
    expect(atZero.rare[1]).toBe(atZero.rare[0]);
    // γ = 5 moves the weight further still.
    await page.fill('#seg-gamma', '5');
    await page.dispatchEvent('#seg-gamma', 'input');
    const atFive = await share();
    expect(atFive.rare[1]).toBeGreaterThanOrEqual(atTwo.rare[1]);
    expect(await canvasPixels(page, '#seg-focal')).not.toBe(focalAtTwo);

    await page.fill('#seg-gamma', '2');
    await page.dispatchEvent('#seg-gamma', 'input');
    expect(await horizontalOverflow(page)).toEqual({ scrollWidth: 1100, innerWidth: 1100, wide: [] });
    await page.mouse.move(0, 0);
    // The README's copy: the maps and their captions (the README's text gives the key).
    await screenshot(page, 'segmentation.png', { width: 720, height: 172 }, '#seg-figure');
    expect(errors).toEqual([]);
  });

  it('at 390 × 844 (a phone): legible chart text, no horizontal scrolling, labels beside inputs, 32 px targets', async () => {
    const { page, errors } = await openPage(browser, url, {
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    await settle(page);
    expect(await smallChartText(page, 11)).toEqual([]);
    expect(await horizontalOverflow(page)).toEqual({ scrollWidth: 390, innerWidth: 390, wide: [] });
    expect(await labelsApart(page)).toEqual([]);
    expect(await smallTouchTargets(page, 32)).toEqual([]);
    expect(await clippedText(page, 'select, #train-alpha')).toEqual([]);
    // A phone's benchmark starts small: at most 64 MB, as the page says.
    const bench = await benchDefault(page);
    expect(bench.n).toBeLessThanOrEqual(200_000);
    expect(bench.megabytes).toBeLessThanOrEqual(64);

    // A benchmark too small for the timer: a warning, and the results still fit. The page's timer
    // is made a 1 ms one (as some browsers' are), so the page warns when a call takes under 100 ms:
    // at 5,000 samples, unless the machine is about 1000 times slower than usual; checked either way.
    await page.evaluate(() => {
      const now = performance.now.bind(performance);
      performance.now = () => Math.floor(now());
    });
    await page.fill('#bench-n', '5000');
    await page.click('#bench-run');
    await page.waitForSelector('#bench-status[data-done="true"]', { timeout: 120_000 });
    const msPerCall = await page.$$eval('#bench-table tbody tr', (trs) => trs.map((tr) => Number(tr.children[2].textContent)));
    const warning = await text(page, '#bench-warning');
    if (Math.min(...msPerCall) < 100) {
      expect(warning).toMatch(/^Too few samples for this browser's timer: at 5,000 samples one call takes .* \(resolution 1 ms\).* Use [\d,]+ samples or more/);
    } else {
      expect(warning).toBe('');
    }

    const run = await train(page);
    expect(run.later).not.toBe(run.early);
    expectSlicedRun(run.frames);
    await settle(page);
    expect(await smallChartText(page, 11)).toEqual([]);
    // Drawn at the rendered width, chart text is the 12 px it is drawn at, not scaled.
    expect(await smallChartText(page, 11.99)).toEqual([]);
    expect(await horizontalOverflow(page)).toEqual({ scrollWidth: 390, innerWidth: 390, wide: [] });
    expect(await smallTouchTargets(page, 32)).toEqual([]);
    await screenshot(page, 'demo-phone.png', null);
    expect(errors).toEqual([]);
  });
});
