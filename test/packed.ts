// `npm pack`s the package and unpacks it as node_modules/focal-loss-wasm of a fresh folder,
// so tests see exactly what a user installs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../', import.meta.url).pathname;

export function installPacked(): string {
  const dir = mkdtempSync(join(tmpdir(), 'focal-loss-packed-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim();
  const target = join(dir, 'node_modules', 'focal-loss-wasm');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', target, '--strip-components=1']);
  return dir;
}
