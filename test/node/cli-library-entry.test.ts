// The library entry stays apart from the CLI: the built dist/index.js imports no node: module
// and nothing of the CLI, and src/index.ts type-checks without Node's types.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, root } from './cli-helpers.js';

beforeAll(requireBuild);

describe('the library entry', () => {
  it('imports no node: module and nothing of the CLI', () => {
    requireBuild();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      const imports = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g;
      for (const match of source.matchAll(imports)) {
        const spec = match[1] ?? match[2];
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^node:|^(fs|path|os|child_process)$/);
        if (spec.startsWith('.')) visit(new URL(spec, `file://${file}`).pathname);
      }
    };
    visit(join(root, 'dist/index.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].some((file) => /^dist\/cli(\/|\.js$)/.test(file.slice(root.length)))).toBe(false);
  });

  it('type-checks without Node\'s types (the CLI\'s files reference them; the library must not need them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'focal-loss-lib-types-'));
    try {
      const config = join(dir, 'tsconfig.json');
      writeFileSync(config, JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: join(root, 'src'), types: [] },
        files: [join(root, 'src/index.ts')],
        include: [],
      }));
      const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config, '--listFilesOnly'], { encoding: 'utf8' });
      expect(r.stdout).not.toMatch(/@types\/node|\/src\/cli/);
      const check = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
