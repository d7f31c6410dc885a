import { describe, expect, it } from 'vitest';
import { DEMO_SITE, useSite } from './harness.js';
import { screenshot, text } from './demo-page.js';
import { accessibleName, canvasPixels, horizontalOverflow, openPage } from './page-checks.js';

// The demo's Segmentation panel: a synthetic scene's five maps render, and the focal-loss heat
// map and the shares it gives follow γ (γ = 0 is cross-entropy). Its screenshot is the README's
// docs/segmentation.jpg (with UPDATE_SCREENSHOTS=1).

const site = useSite(DEMO_SITE);

describe('the demo page', () => {
  it('Segmentation: image, mask, confidence and both heat maps render, and the focal-loss map follows γ', async () => {
    const { page, errors } = await openPage(site.browser, site.url, { viewport: { width: 1100, height: 900 } });
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
    await screenshot(site.browser, page, 'segmentation.png', { width: 720, height: 172 }, '#seg-figure');
    expect(errors).toEqual([]);
  });
});
