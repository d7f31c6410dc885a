import { join } from 'node:path';
import { build } from 'vite';
import { root } from '../packed.js';
import { DEMO_SITE } from './harness.js';

// The e2e project's global setup: the demo built once for every test file that opens it
// (demo*.test.ts, evaluate.test.ts) rather than once per file.
export default async function buildDemo(): Promise<void> {
  await build({ configFile: join(root, 'demo/vite.config.ts'), logLevel: 'silent', build: { outDir: DEMO_SITE, emptyOutDir: true } });
}
