import { describe, expect, it } from 'vitest';
import { DEMO_SITE, useSite } from './harness.js';
import { benchDefault, expectSlicedRun, screenshot, text, train } from './demo-page.js';
import {
  clippedText, horizontalOverflow, labelsApart, openPage, settle, smallChartText, smallTouchTargets,
} from './page-checks.js';

// The demo on a phone (390 × 844, touch, 2× pixels): legible chart text, no horizontal
// scrolling, labels beside their inputs, 32 px touch targets, a benchmark sized for the
// device that warns when the browser's timer is too coarse, and a training run.

const site = useSite(DEMO_SITE);

describe('the demo page', () => {
  it('at 390 × 844 (a phone): legible chart text, no horizontal scrolling, labels beside inputs, 32 px targets', async () => {
    const { page, errors } = await openPage(site.browser, site.url, {
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
    await screenshot(site.browser, page, 'demo-phone.png', null);
    expect(errors).toEqual([]);
  });
});
