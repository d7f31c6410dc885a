// Shared pieces of the end-to-end tests: a static server on 127.0.0.1 and Debian's
// Chromium driven by Playwright.
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium as launcher, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll } from 'vitest';
import { chromiumLaunchOptions } from '../chromium.js';
import { root } from '../packed.js';

/** The demo as the e2e project's global setup (demo-site.ts) builds it, once per run. */
export const DEMO_SITE = join(root, 'test/e2e/output/demo-site');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Serves `dir` on 127.0.0.1 (a free port), with extra response headers; resolves to its base URL. */
export async function serve(dir: string, headers: Record<string, string> = {}): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    let file = join(dir, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
      response.end(readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}

export function launch(): Promise<Browser> {
  return launcher.launch({ ...chromiumLaunchOptions, headless: true });
}

/** Opens a page, collecting console errors and uncaught exceptions. */
export async function open(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return { page, errors };
}

/** A served directory and the Chromium that opens it, for the test file that asked (useSite). */
export interface Site {
  readonly url: string;
  readonly browser: Browser;
}

/**
 * Serves `dir` and launches Chromium before the calling file's tests (after the beforeAll hooks
 * registered earlier, which may write `dir`), and stops both after them.
 */
export function useSite(dir: string): Site {
  const site = { url: '', browser: undefined as unknown as Browser };
  let server: Server | undefined;
  beforeAll(async () => {
    const served = await serve(dir);
    server = served.server;
    site.url = served.url;
    site.browser = await launch();
  });
  afterAll(async () => {
    await site.browser?.close();
    server?.close();
  });
  return site;
}
