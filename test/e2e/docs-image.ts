import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { root } from '../packed.js';

// The README's pictures ship in the package, whose packed size is budgeted (400 kB, checked by
// test/node/packaging.test.ts): each is cut, scaled to a README column and encoded by Chromium's
// canvas as a small JPEG. Only with UPDATE_SCREENSHOTS=1; the tests' own screenshots go to
// test/e2e/output either way.

/** docs/, where the README's pictures are written, or null when they are not being updated. */
export const docs = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs') : null;

/** What docs/ gets of a screenshot: its top `height` px (default: all of it), scaled to at most `width` px wide. */
export interface DocsCopy {
  width: number;
  height?: number;
}

const QUALITY = 0.5;
/** Each picture's most bytes. */
export const DOCS_IMAGE_BYTES = 40_000;

/** A PNG screenshot as docs/`name`.jpg, cut and scaled as `copy` says; returns its size in bytes. */
export async function writeDocsImage(browser: Browser, png: Buffer, name: string, copy: DocsCopy): Promise<number> {
  const page = await browser.newPage();
  const base64 = await page.evaluate(async ({ data, width, height, quality }) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
    const top = Math.min(height ?? Infinity, bitmap.height);
    const scale = Math.min(1, width / bitmap.width);
    const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(top * scale));
    const context = canvas.getContext('2d')!;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, bitmap.width, top, 0, 0, canvas.width, canvas.height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    return new Promise<string>((done) => {
      const reader = new FileReader();
      reader.onload = () => done((reader.result as string).split(',')[1]);
      reader.readAsDataURL(blob);
    });
  }, { ...copy, data: png.toString('base64'), quality: QUALITY });
  await page.close();
  const jpeg = Buffer.from(base64, 'base64');
  writeFileSync(join(docs!, `${name}.jpg`), jpeg);
  return jpeg.length;
}
