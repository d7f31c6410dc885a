// The pool in the packed package, bundled for the browser: Vite and webpack must find the
// worker (`new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`) and
// bundle it; where a bundler does not (esbuild), the pool must fall back and say why.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { build as esbuild } from 'esbuild';
import type { Browser } from 'playwright';
import { build as viteBuild, createServer as viteServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpack from 'webpack';
import { installPacked } from '../packed.js';
import { launch, open, serve } from './harness.js';
import { root } from '../packed.js';

let dir: string;
let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  dir = installPacked();
  cpSync(join(root, 'test/e2e/pool-app'), join(dir, 'pool-app'), { recursive: true });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
});

const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

interface PoolResults {
  info: { workers: number; threads: string; reason?: string; sharedMemory: boolean; backend?: string };
  crossOriginIsolated: boolean;
  errors: number[];
  rejected: string;
  failed?: string;
}

/** Opens the pool app and checks its results; returns them and the page's console errors. */
async function poolApp(url: string): Promise<{ results: PoolResults; errors: string[] }> {
  const { page, errors } = await open(browser, url);
  await page.waitForFunction(() => '__pool' in window, undefined, { timeout: 60_000 });
  const results = (await page.evaluate(() => (window as unknown as { __pool: unknown }).__pool)) as PoolResults;
  await page.close();
  expect(results.failed).toBeUndefined();
  for (const e of results.errors) expect(e).toBeLessThanOrEqual(1e-12);
  expect(results.rejected).toMatch(/^RangeError: focalLoss: yTrue\[19999\] = -1 is not a class index/);
  return { results, errors };
}

async function serveDir(path: string, headers?: Record<string, string>): Promise<string> {
  const { url, server } = await serve(path, headers);
  servers.push(server);
  return url;
}

const onWorkers = (results: PoolResults, shared: boolean) => {
  expect(results.info).toEqual({ workers: 2, threads: 'web-workers', sharedMemory: shared, backend: 'wasm' });
  expect(results.crossOriginIsolated).toBe(shared);
};

describe('the pool, bundled', () => {
  let viteOut: string;

  it('Vite: production build, Web Workers', async () => {
    viteOut = join(dir, 'out-vite-pool');
    await viteBuild({ root: join(dir, 'pool-app'), logLevel: 'silent', build: { outDir: viteOut, emptyOutDir: true } });
    const { results, errors } = await poolApp(await serveDir(viteOut));
    onWorkers(results, false);
    expect(errors).toEqual([]);
  });

  it('Vite: production build, cross-origin isolated: SharedArrayBuffer inputs read in place', async () => {
    const { results, errors } = await poolApp(await serveDir(viteOut, ISOLATED));
    onWorkers(results, true);
    expect(errors).toEqual([]);
  });

  it('Vite: dev server (dependency pre-bundling on), Web Workers', async () => {
    // fs.allow: here node_modules is beside the app's root, not inside it as in a project.
    const server = await viteServer({ root: join(dir, 'pool-app'), logLevel: 'silent', server: { host: '127.0.0.1', port: 0, fs: { allow: [dir] } } });
    await server.listen();
    try {
      const { results, errors } = await poolApp(server.resolvedUrls!.local[0]);
      onWorkers(results, false);
      expect(errors).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('webpack 5, Web Workers', async () => {
    const outDir = join(dir, 'out-webpack-pool');
    const stats = await new Promise<webpack.Stats>((done, fail) =>
      webpack(
        { mode: 'production', context: dir, entry: './pool-app/main.js', output: { path: outDir, filename: 'main.js' } },
        (error, result) => (error || !result ? fail(error) : done(result)),
      ),
    );
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    writeFileSync(join(outDir, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><body><script src="main.js"></script></body>');
    const { results, errors } = await poolApp(await serveDir(outDir, ISOLATED));
    onWorkers(results, true);
    expect(errors).toEqual([]);
  });

  it('esbuild (which does not bundle workers): the calling thread, with the reason', async () => {
    const outDir = join(dir, 'out-esbuild-pool');
    await esbuild({ entryPoints: [join(dir, 'pool-app/main.js')], bundle: true, format: 'esm', minify: true, outfile: join(outDir, 'main.js'), logLevel: 'silent' });
    writeFileSync(join(outDir, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><body><script type="module" src="main.js"></script></body>');
    const { results, errors } = await poolApp(await serveDir(outDir));
    expect(results.info).toMatchObject({ workers: 0, threads: 'main-thread', backend: 'wasm' });
    expect(results.info.reason).toBe('a pool worker could not start: its script could not be loaded (not found, blocked, or not a module)');
    // The browser reports the missing worker script itself; nothing else may go wrong.
    expect(errors.filter((e) => !/404|Failed to load/i.test(e))).toEqual([]);
  });

  it('a plain <script type="module"> with an import map (no bundler), cross-origin isolated', async () => {
    const page = join(dir, 'plain-pool');
    mkdirSync(page, { recursive: true });
    cpSync(join(dir, 'pool-app/main.js'), join(page, 'main.js'));
    writeFileSync(
      join(page, 'index.html'),
      '<!doctype html><link rel="icon" href="data:,"><script type="importmap">{"imports":{"focal-loss-wasm":"/node_modules/focal-loss-wasm/dist/index.js"}}</script>' +
        '<body><script type="module" src="/plain-pool/main.js"></script></body>',
    );
    const { results, errors } = await poolApp(`${await serveDir(dir, ISOLATED)}plain-pool/`);
    onWorkers(results, true);
    expect(errors).toEqual([]);
  });
});
