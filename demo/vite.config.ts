import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// The demo imports the package by name; here that name is this repository's build.
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

/**
 * The page links to ../README.md: the README beside demo/ when the repository (or an unpacked
 * package) is served as files. The dev server, whose root is demo/, serves it at /README.md (as
 * text, which browsers show rather than download), and a build writes it beside index.html.
 */
function readmeBesideThePage(): Plugin {
  return {
    name: 'readme-beside-the-page',
    configureServer(server) {
      server.middlewares.use('/README.md', (_request, response) => {
        response.setHeader('content-type', 'text/plain; charset=utf-8');
        response.end(readFileSync(readme));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'README.md', source: readFileSync(readme) });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^focal-loss-wasm\/report$/, replacement: fileURLToPath(new URL('../dist/report.js', import.meta.url)) },
      { find: /^focal-loss-wasm$/, replacement: fileURLToPath(new URL('../dist/index.js', import.meta.url)) },
    ],
  },
  server: { host: '127.0.0.1' },
  plugins: [readmeBesideThePage()],
});
