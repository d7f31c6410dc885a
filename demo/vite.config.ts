import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo imports the package by name; here that name is this repository's build.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^focal-loss-wasm\/report$/, replacement: fileURLToPath(new URL('../dist/report.js', import.meta.url)) },
      { find: /^focal-loss-wasm$/, replacement: fileURLToPath(new URL('../dist/index.js', import.meta.url)) },
    ],
  },
  server: { host: '127.0.0.1' },
});
