import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../node/cli-helpers.js';
import { root } from '../packed.js';
import { DOCS_IMAGE_BYTES, docs, writeDocsImage } from './docs-image.js';
import { useSite } from './harness.js';
import { horizontalOverflow, openPage, smallChartText } from './page-checks.js';

// The CLI's --html report in Chromium: it renders with no console error, and its screenshot
// goes to test/e2e/output (with UPDATE_SCREENSHOTS=1 also to docs/report.jpg, which the README shows).

const output = join(root, 'test/e2e/output/report');

beforeAll(async () => {
  mkdirSync(output, { recursive: true });
  // An imbalanced 6-class problem: class c has about half the samples of class c - 1, and a
  // model that favours the common classes.
  let s = 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const n = 20_000;
  const C = 6;
  const labels = new BigInt64Array(n);
  const logits = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    let c = 0;
    while (c < C - 1 && rand() < 0.5) c++;
    labels[i] = BigInt(c);
    for (let j = 0; j < C; j++) logits[i * C + j] = (rand() - 0.5) * 4 + (j === c ? 2.2 : 0) + (C - j) * 0.25;
  }
  writeNpy(join(output, 'labels.npy'), labels, [n]);
  writeNpy(join(output, 'preds.npy'), logits, [n, C]);
  execFileSync(process.execPath, [
    join(root, 'dist/cli.js'), '--labels', 'labels.npy', '--pred', 'preds.npy', '--from-logits', '--html', 'index.html',
  ], { cwd: output });
});
const site = useSite(output);

describe('the --html report', () => {
  it('renders in Chromium with no console error, its charts drawn, nothing wider than the page', async () => {
    const { page, errors } = await openPage(site.browser, site.url, { viewport: { width: 900, height: 900 } });
    const charts = await page.$$eval('svg', (svgs) => svgs.map((s) => ({ label: s.getAttribute('aria-label'), ...s.getBoundingClientRect().toJSON() })));
    expect(charts.map((c) => c.label)).toEqual([
      expect.stringMatching(/^Per class: samples and mean loss/),
      expect.stringMatching(/^Reliability diagram: accuracy against confidence in 15 bins; ECE 0\.\d+/),
      expect.stringMatching(/^Shares of easy and hard samples/),
    ]);
    for (const c of charts) expect(c.width * c.height, c.label!).toBeGreaterThan(10_000);
    expect(await page.$$eval('#hardest tbody tr', (rows) => rows.length)).toBe(10);
    expect(await smallChartText(page, 11)).toEqual([]);
    expect((await horizontalOverflow(page)).wide).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(output, 'report.png'), fullPage: true });
    if (docs !== null) {
      // The README's image: the heading, the per-class chart and table, and the reliability diagram.
      const bottom = await page.$eval('#calibration svg', (svg) => svg.getBoundingClientRect().bottom + scrollY);
      const png = await page.screenshot({ clip: { x: 0, y: 0, width: 900, height: bottom + 16 } });
      expect(await writeDocsImage(site.browser, png, 'report', { width: 560 })).toBeLessThanOrEqual(DOCS_IMAGE_BYTES);
    }
  });
});
