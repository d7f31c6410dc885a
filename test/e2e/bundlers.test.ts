import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import type { Browser, Page } from 'playwright';
import { build as viteBuild, createServer as viteServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpack from 'webpack';
import { cases, expectClose } from '../helpers.js';
import { installPacked, root } from '../packed.js';
import { launch, open, serve } from './harness.js';

const worked = cases.filter((c) => c.positional).map((c) => c.expected.mean);

let dir: string;
let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  dir = installPacked();
  cpSync(join(root, 'test/e2e/app'), join(dir, 'app'), { recursive: true });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
});

/** Opens the app at `url` and checks it computed the worked examples on wasm, error-free. */
async function expectWorkedExamples(url: string): Promise<void> {
  const { page, errors } = await open(browser, url);
  const results = await workedExamples(page);
  expect(results.info.backend).toBe('wasm');
  expect(results.build).toBe('simd');
  expect(errors).toEqual([]);
  await page.close();
}

async function workedExamples(page: Page) {
  await page.waitForFunction(() => '__results' in window, undefined, { timeout: 60_000 });
  const results = (await page.evaluate(() => (window as unknown as { __results: unknown }).__results)) as {
    examples: number[];
    info: { backend: string; reason?: string };
    build: string | null;
  };
  expect(results.examples.length).toBe(worked.length);
  results.examples.forEach((value, i) => expectClose(value, worked[i], `example ${i}`));
  return results;
}

let esbuilt: string | undefined;
async function esbuildApp(): Promise<string> {
  if (esbuilt) return esbuilt;
  const outDir = join(dir, 'out-esbuild');
  await esbuild({ entryPoints: [join(dir, 'app/main.js')], bundle: true, format: 'esm', minify: true, outfile: join(outDir, 'main.js'), logLevel: 'silent' });
  writeFileSync(join(outDir, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><body><script type="module" src="main.js"></script></body>');
  return (esbuilt = outDir);
}

async function serveDir(path: string, headers?: Record<string, string>): Promise<string> {
  const { url, server } = await serve(path, headers);
  servers.push(server);
  return url;
}

describe('the packed package in bundlers and browsers', () => {
  it('Vite: production build', async () => {
    const outDir = join(dir, 'out-vite');
    await viteBuild({ root: join(dir, 'app'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    await expectWorkedExamples(await serveDir(outDir));
  });

  it('Vite: dev server', async () => {
    const server = await viteServer({ root: join(dir, 'app'), logLevel: 'silent', server: { host: '127.0.0.1', port: 0 } });
    await server.listen();
    try {
      await expectWorkedExamples(server.resolvedUrls!.local[0]);
    } finally {
      await server.close();
    }
  });

  it('webpack 5', async () => {
    const outDir = join(dir, 'out-webpack');
    const stats = await new Promise<webpack.Stats>((done, fail) =>
      webpack(
        { mode: 'production', context: dir, entry: './app/main.js', output: { path: outDir, filename: 'main.js' } },
        (error, result) => (error || !result ? fail(error) : done(result)),
      ),
    );
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    writeFileSync(join(outDir, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><body><script src="main.js"></script></body>');
    await expectWorkedExamples(await serveDir(outDir));
  });

  it('esbuild', async () => {
    await expectWorkedExamples(await serveDir(await esbuildApp()));
  });

  it("falls back to the JS path under a CSP without 'wasm-unsafe-eval', same results", async () => {
    const url = await serveDir(await esbuildApp(), { 'content-security-policy': "script-src 'self'" });
    const { page, errors } = await open(browser, url);
    const results = await workedExamples(page);
    expect(results.info.backend).toBe('js');
    expect(results.info.reason).toMatch(/wasm kernel failed to load/);
    // The browser reports the refused compilation itself; nothing else may go wrong.
    expect(errors.filter((e) => !/WebAssembly|wasm|Content Security Policy/i.test(e))).toEqual([]);
    await page.close();
  });

  it('a plain <script type="module"> from a static server (import map, no bundler)', async () => {
    const page = join(dir, 'plain');
    mkdirSync(page, { recursive: true });
    cpSync(join(dir, 'app/main.js'), join(page, 'main.js'));
    writeFileSync(
      join(page, 'index.html'),
      '<!doctype html><link rel="icon" href="data:,"><script type="importmap">{"imports":{"focal-loss-wasm":"/node_modules/focal-loss-wasm/dist/index.js"}}</script>' +
        '<body><script type="module" src="/plain/main.js"></script></body>',
    );
    await expectWorkedExamples(`${await serveDir(dir)}plain/`);
  });
});
