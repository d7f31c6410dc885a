// Measurements the demo test takes inside the page: rendered text sizes, overflow, touch
// targets, label placement, colour contrast. Each returns the offenders, so a failure says
// which element and by how much.
import type { Browser, BrowserContextOptions, Page } from 'playwright';

/** A page in its own context (viewport, touch, scale factor), collecting console errors and uncaught exceptions. */
export async function openPage(browser: Browser, url: string, options: BrowserContextOptions): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return { page, errors };
}

/** Lets ResizeObservers and layout settle: two animation frames. */
export function settle(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

/** Every visible SVG text whose size on screen (font size × the SVG's scale) is under `min` CSS px. */
export function smallChartText(page: Page, min: number): Promise<Array<{ text: string; px: number }>> {
  return page.$$eval(
    'svg text',
    (texts, min) =>
      texts
        .filter((t) => (t as SVGGraphicsElement).getBoundingClientRect().width > 0)
        .map((t) => {
          const m = (t as SVGGraphicsElement).getScreenCTM();
          // The scale along the text's own direction (a y-axis label is turned a quarter).
          return { text: `${t.closest('svg')!.id}: ${t.textContent}`, px: parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 0) };
        })
        .filter((t) => !(t.px >= min)),
    min,
  );
}

/** The document's scroll width and the viewport's width, and the elements that stick out to the right. */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; wide: string[] }> {
  return page.evaluate(() => {
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5 && !e.closest('.scroll'))
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`);
    return { scrollWidth: document.scrollingElement!.scrollWidth, innerWidth, wide };
  });
}

/**
 * Controls (and links) whose touch target is under `min` px in either direction; a control
 * inside a label counts the label's box, since tapping the label operates it.
 */
export function smallTouchTargets(page: Page, min: number): Promise<Array<{ control: string; width: number; height: number }>> {
  return page.$$eval(
    'button, input, select, textarea, a[href]',
    (controls, min) =>
      controls
        .filter((c) => c.getBoundingClientRect().width > 0 && !(c as HTMLElement).closest('[hidden]'))
        .map((c) => {
          const own = c.getBoundingClientRect();
          const label = c.closest('label')?.getBoundingClientRect();
          const box = label && label.width * label.height > own.width * own.height ? label : own;
          return { control: `${c.tagName.toLowerCase()}#${c.id}`, width: Math.round(box.width), height: Math.round(box.height) };
        })
        .filter((t) => t.width < min || t.height < min),
    min,
  );
}

/** Inline labels (label.field) whose name is not on the same line as their control. */
export function labelsApart(page: Page): Promise<string[]> {
  return page.$$eval('label.field', (labels) =>
    labels
      .filter((label) => label.getBoundingClientRect().width > 0)
      .filter((label) => {
        const name = label.querySelector('.name')!.getBoundingClientRect();
        const control = label.querySelector('input, select')!.getBoundingClientRect();
        const overlap = Math.min(name.bottom, control.bottom) - Math.max(name.top, control.top);
        return overlap < Math.min(name.height, control.height) / 2;
      })
      .map((label) => label.textContent!.trim()),
  );
}

/** WCAG contrast ratio of two "rgb(r, g, b)" colours. */
export function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = colour.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The accessible name Chromium computes for a control, read from Playwright's ARIA snapshot. */
export async function accessibleName(page: Page, selector: string): Promise<string> {
  const snapshot = await page.locator(selector).ariaSnapshot();
  const name = /^- \w+ "((?:[^"\\]|\\.)*)"/.exec(snapshot.trim());
  if (!name) throw new Error(`no accessible name for ${selector}: ${snapshot}`);
  return name[1];
}

/** A fingerprint of a canvas's pixels. */
export function canvasPixels(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (canvas) => (canvas as HTMLCanvasElement).toDataURL());
}

/**
 * Selects and text inputs whose text does not fit their box: every option's label of a select
 * (and a select narrower than the width the browser gives it for its longest option, which makes
 * room for the arrow too), an input's value. Text widths are measured with the control's own font.
 */
export function clippedText(page: Page, selector: string): Promise<Array<{ control: string; text: string; need: number; room: number }>> {
  return page.$$eval(selector, (controls) => {
    const context = document.createElement('canvas').getContext('2d')!;
    return controls.flatMap((control) => {
      const style = getComputedStyle(control);
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = control.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const id = `${control.tagName.toLowerCase()}#${control.id}`;
      if (control instanceof HTMLSelectElement) {
        const natural = control.cloneNode(true) as HTMLSelectElement;
        natural.style.width = 'auto';
        control.after(natural);
        const naturalWidth = natural.getBoundingClientRect().width;
        natural.remove();
        const width = control.getBoundingClientRect().width;
        const cut = [...control.options]
          .map((option) => ({ control: id, text: option.text, need: context.measureText(option.text).width, room }))
          .filter((t) => t.need > t.room);
        return width + 0.5 < naturalWidth ? [...cut, { control: id, text: '(the box)', need: naturalWidth, room: width }] : cut;
      }
      const text = (control as HTMLInputElement).value;
      const need = context.measureText(text).width;
      return need > room ? [{ control: id, text, need, room }] : [];
    });
  });
}
