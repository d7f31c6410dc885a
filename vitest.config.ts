import { defineConfig } from 'vitest/config';

// `npm test`: the suite in Node. The same shared tests run in Chromium with
// `npm run test:browser` (vitest.browser.config.ts).
export default defineConfig({
  test: {
    include: ['test/*.test.ts', 'test/node/**/*.test.ts'],
    setupFiles: ['test/fast-check-seed.ts'],
    testTimeout: 120_000,
  },
});
