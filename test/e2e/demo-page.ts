import { join } from 'node:path';
import { expect } from 'vitest';
import type { Browser, Page } from 'playwright';
import { root } from '../packed.js';
import { DOCS_IMAGE_BYTES, docs, writeDocsImage, type DocsCopy } from './docs-image.js';
import { canvasPixels, settle } from './page-checks.js';

// What the demo's e2e tests (demo*.test.ts) do to its page: screenshots (to test/e2e/output
// and, with UPDATE_SCREENSHOTS=1, the README's copies to docs/), a training run stopped and
// resumed, and the benchmark's default size.

/** The whole page, or one element with a 16 px margin, in CSS pixels, saved to test/e2e/output (and, as `copy` says, to docs/). */
export async function screenshot(browser: Browser, page: Page, name: string, copy: DocsCopy | null, selector?: string): Promise<Buffer> {
  const path = join(root, 'test/e2e/output', name);
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

export const text = (page: Page, selector: string) => page.textContent(selector).then((t) => t ?? '');

const STOP_AT = 6;

/**
 * Trains, stopped at epoch 6 exactly (Stop clicked from inside the page as the frame that
 * reaches it ends, before another frame can run), then to the end. Returns the focal model's
 * canvas at both points, and each frame's epoch with the button's label then: no timer decides
 * where anything is sampled.
 */
export async function train(page: Page): Promise<{ early: string; later: string; frames: Array<{ epoch: number; button: string }> }> {
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
export function expectSlicedRun(frames: Array<{ epoch: number; button: string }>): void {
  expect(frames.map((f) => f.epoch)).toEqual(Array.from({ length: 150 }, (_, k) => 2 * (k + 1)));
  expect(frames.filter((f) => f.button !== 'Stop')).toEqual([{ epoch: 300, button: 'Start' }]);
}

const BENCH_ABOUT =
  /^Runs focalLoss on the wasm kernel, focalLoss on its JS path and a textbook loop over nested arrays on one random batch \(samples × 10 classes, γ = 2\): 5 interleaved rounds, the median shown\. ([\d,]+) samples hold about (\d+) MB of memory\. Default here: ([\d,]+) samples \(.+\)\.$/;

/** The benchmark's default size and what the page says of it. */
export async function benchDefault(page: Page): Promise<{ n: number; megabytes: number }> {
  const about = BENCH_ABOUT.exec(await text(page, '#bench-about'));
  expect(about, await text(page, '#bench-about')).not.toBeNull();
  const n = Number(await page.inputValue('#bench-n'));
  expect([about![1], about![3]]).toEqual([n.toLocaleString('en'), n.toLocaleString('en')]);
  return { n, megabytes: Number(about![2]) };
}
