import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { root } from '../packed.js';
import { launch, serve } from './harness.js';
import {
  accessibleName, canvasPixels, contrast, horizontalOverflow, labelsApart, openPage, settle, smallChartText,
  smallTouchTargets,
} from './page-checks.js';

// Screenshots go to test/e2e/output. With UPDATE_SCREENSHOTS=1 the four the README and docs
// show are written to docs/ too, as JPEG (take those on a quiet machine with DEMO_BENCH_N=2000000:
// below that, one call is under 100 steps of the browser's 0.1 ms timer and the page says so).
const output = join(root, 'test/e2e/output');
const docs = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs') : null;
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
  if (docs !== null) mkdirSync(docs, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  close();
});

/** The whole page, or one element with a 16 px margin, in CSS pixels, saved to test/e2e/output (and docs/). */
async function screenshot(page: Page, name: string, selector?: string): Promise<Buffer> {
  const path = join(output, name);
  let clip;
  if (selector) {
    const box = (await page.locator(selector).boundingBox())!;
    const scrollY = await page.evaluate(() => scrollY);
    clip = { x: box.x - 16, y: box.y + scrollY - 16, width: box.width + 32, height: box.height + 32 };
  }
  const png = await page.screenshot({ path, fullPage: true, clip, scale: 'css' });
  // The docs' copies ship in the package (the README shows them): JPEG, a tenth of the PNG's size.
  if (docs !== null) {
    await page.screenshot({ path: join(docs, name.replace(/\.png$/, '.jpg')), type: 'jpeg', quality: 80, fullPage: true, clip, scale: 'css' });
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

describe('the demo page', () => {
  it('at 1280 × 900: curves, checked fields, Compute with α, benchmark table, Train, accessibility', async () => {
    const { page, errors } = await openPage(browser, url, { viewport: { width: 1280, height: 900 } });

    // Intro and documentation link.
    expect(await text(page, 'header .intro')).toMatch(/Focal loss down-weights/);
    expect(await page.getAttribute('a.docs', 'href')).toBe('https://www.npmjs.com/package/focal-loss-wasm');
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
    const alphaNames = await Promise.all(['#alpha', '#compute-alpha'].map((s) => accessibleName(page, s)));
    expect(new Set(alphaNames).size).toBe(2);
    for (const id of ['compute-result', 'compute-error', 'curves-error', 'bench-status', 'bench-warning', 'train-status', 'train-error']) {
      expect(await page.getAttribute(`#${id}`, 'aria-live'), id).toMatch(/^(polite|assertive)$/);
    }
    const legend = await page.$$eval('svg .legend text', (texts) =>
      texts.map((t) => ({ text: t.textContent, fill: getComputedStyle(t).fill, background: getComputedStyle(t.closest('svg')!).backgroundColor })),
    );
    expect(legend).toHaveLength(6 + 2 + 2);
    for (const entry of legend) expect(contrast(entry.fill, entry.background), entry.text!).toBeGreaterThanOrEqual(4.5);

    // Compute: the worked example, then α and reduction change the result.
    expect(await text(page, '#compute-result')).toMatch(/^mean loss = 0\.014026697 over 3 samples; y_true read as class indices$/);
    expect((await compute(page, { '#compute-alpha': '0.25' })).result).toMatch(/^mean loss = 0\.0035066743 over 3 samples; y_true read as class indices; α = 0\.25$/);
    expect((await compute(page, { '#compute-alpha': '[1, 1, 0]' })).result).toMatch(/^mean loss = 0\.0033264491 over 3 samples; y_true read as class indices; α = \[1,1,0\]$/);
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

    // Benchmark: no empty box before a run; the button is disabled while it runs; numbers as a table.
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

    // Train: γ is checked; the decision regions change while it runs, minority recall is reported, frames stay short.
    await page.fill('#train-gamma', '-1');
    await page.click('#train-run');
    expect(await text(page, '#train-error')).toBe('γ = -1 is negative: γ must be ≥ 0');
    expect(await text(page, '#train-run')).toBe('Start');
    await page.fill('#train-gamma', '2');
    const run = await train(page);
    expect(run.later).not.toBe(run.early);
    expectSlicedRun(run.frames);
    for (const id of ['train-focal-stats', 'train-ce-stats']) {
      expect(await text(page, `#${id}`)).toMatch(/^epoch 300: loss \S+, minority recall [01]\.\d\d, accuracy 0\.\d{3}$/);
    }
    expect(await text(page, '#train-status')).toMatch(/^Finished 300 epochs: minority recall [01]\.\d\d with focal loss, γ = 2, minority recall [01]\.\d\d with cross-entropy \(γ = 0\)\.$/);
    expect(await page.$$eval('#train-recall path.curve', (paths) => paths.map((p) => p.getAttribute('d')!.split('L').length))).toEqual([300, 300]);

    expect(await horizontalOverflow(page)).toEqual({ scrollWidth: 1280, innerWidth: 1280, wide: [] });
    await page.mouse.move(0, 0);
    const png = await screenshot(page, 'demo.png');
    // A blank page compresses to a few KiB; curves, text, bars and regions do not.
    expect(png.length).toBeGreaterThan(100_000);
    await screenshot(page, 'train.png', '#train-panel');
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
    await screenshot(page, 'segmentation.png', '#seg-figure');
    // The README shows it, and docs/ ships in the package: it stays small.
    if (docs !== null) expect(statSync(join(docs, 'segmentation.jpg')).size).toBeLessThan(80_000);
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
    await screenshot(page, 'demo-phone.png');
    expect(errors).toEqual([]);
  });
});
