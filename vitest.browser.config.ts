import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './test/chromium.js';

// `npm run test:browser`: the shared suite inside headless Chromium, then the bundler and
// demo end-to-end tests, which build pages, serve them on 127.0.0.1 and open them.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    projects: [
      {
        test: {
          name: 'chromium',
          include: ['test/*.test.ts', 'test/browser/**/*.test.ts'],
          setupFiles: ['test/fast-check-seed.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/demo-site.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
