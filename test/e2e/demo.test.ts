import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { root } from '../packed.js';
import { launch, open, serve } from './harness.js';

let browser: Browser;
let close = () => {};

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  close();
});

describe('the demo page', () => {
  it('draws the curves, computes, benchmarks, and renders a non-blank screenshot', async () => {
    const outDir = join(root, 'test/e2e/output/demo');
    await build({ configFile: join(root, 'demo/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const { url, server } = await serve(outDir);
    close = () => server.close();
    const { page, errors } = await open(browser, url);
    await page.setViewportSize({ width: 900, height: 1500 });

    // Five fixed gammas and the slider's curve, each a path through all 240 points.
    const curves = await page.$$eval('#curves path.curve', (paths) => paths.map((p) => p.getAttribute('d')!.split('L').length));
    expect(curves).toEqual([240, 240, 240, 240, 240, 240]);
    await page.fill('#gamma', '4');
    await page.dispatchEvent('#gamma', 'input');
    expect(await page.textContent('#gamma-value')).toBe('4');

    expect(await page.textContent('#compute-result')).toMatch(/mean loss = 0\.01402669/);
    await page.fill('#y-pred', '[[0.9, 0.05, 0.05], [0.1, 1.8, 0.1], [0.1, 0.2, 0.7]]');
    await page.click('#compute');
    expect(await page.textContent('#compute-result')).toMatch(/RangeError: .*yPred\[1\]\[1\] = 1.8/);
    await page.click('#generate');
    expect(await page.$$eval('#per-sample tr', (rows) => rows.length)).toBe(9);

    await page.fill('#bench-n', process.env.DEMO_BENCH_N ?? '20000');
    await page.click('#bench-run');
    await page.waitForSelector('#bench-status[data-done="true"]', { timeout: 120_000 });
    const bars = await page.$$eval('#bench-chart rect.bar', (rects) => rects.map((r) => Number(r.getAttribute('width'))));
    expect(bars.length).toBe(3);
    for (const width of bars) expect(width).toBeGreaterThan(0);
    expect(await page.textContent('#backend')).toMatch(/wasm \(SIMD\)/);

    mkdirSync(join(root, 'test/e2e/output'), { recursive: true });
    const png = await page.screenshot({ path: join(root, 'test/e2e/output/demo.png'), fullPage: true });
    // A blank page compresses to a few KiB; curves, text and bars do not.
    expect(png.length).toBeGreaterThan(40_000);
    expect(errors).toEqual([]);
  });
});
