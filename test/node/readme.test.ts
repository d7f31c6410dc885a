import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { installPacked, root } from '../packed.js';

// Every ```js and ```ts block of README.md runs as written against the packed package, unless
// an HTML comment right before it says `<!-- not run: why -->`. A statement ending in
// `// → text` must produce that text: a number to the digits shown (a trailing … means the
// digits shown begin it), anything else as util.inspect prints it on one line. Two spaces end
// the text: what follows them is a remark. TypeScript
// blocks are type-checked against the shipped declarations as well.

interface Snippet {
  line: number;
  language: 'js' | 'ts';
  code: string;
}

function snippets(markdown: string): Snippet[] {
  const found: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(js|ts)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    const skipped = /<!-- not run: .+ -->/.test(lines[start - 1] ?? '') || /<!-- not run: .+ -->/.test(lines[start - 2] ?? '');
    if (!skipped) found.push({ line: start + 1, language: open[1] as 'js' | 'ts', code: lines.slice(start + 1, end).join('\n') });
    i = end;
  }
  return found;
}

const CHECK = `
import { inspect } from 'node:util';
globalThis.__expect = (actual, text, line) => {
  const shown = text.trim();
  let ok;
  if (typeof actual === 'number') {
    const prefix = shown.endsWith('…');
    const digits = (prefix ? shown.slice(0, -1) : shown).replace(/^≈\\s*/, '');
    const decimals = (digits.split('.')[1] ?? '').replace(/e.*/i, '').length;
    ok = prefix ? String(actual).startsWith(digits) : Math.abs(actual - Number(digits)) <= 0.5 * 10 ** -decimals * (digits.includes('e') ? Math.abs(actual) * 10 : 1);
  } else {
    ok = inspect(actual, { breakLength: Infinity }).replace(/\\s+/g, ' ') === shown.replace(/\\s+/g, ' ');
  }
  if (!ok) throw new Error('README line ' + line + ': expected ' + shown + ', got ' + inspect(actual, { breakLength: Infinity }));
};
`;

/** The snippet with each `expression; // → text` turned into a check. */
function instrument(s: Snippet): string {
  return s.code
    .split('\n')
    .map((text, k) => {
      const match = /^(\s*)(.*?);?\s*\/\/ → (.*)$/.exec(text);
      if (!match) return text;
      const [, indent, expression, rest] = match;
      const shown = rest.split(/\s{2,}/)[0];
      const binding = /^(const|let)\s+(\w+)\s*=\s*(.*)$/.exec(expression);
      const line = s.line + k + 1;
      if (binding) return `${indent}${binding[1]} ${binding[2]} = ${binding[3]}; __expect(${binding[2]}, ${JSON.stringify(shown)}, ${line});`;
      return `${indent}__expect(${expression}, ${JSON.stringify(shown)}, ${line});`;
    })
    .join('\n');
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = snippets(readme);
let dir: string;

beforeAll(() => {
  dir = installPacked();
  // Snippets that use TensorFlow.js find it beside the package, as an app would have it.
  mkdirSync(join(dir, 'node_modules', '@tensorflow'), { recursive: true });
  for (const name of ['tfjs-core', 'tfjs-backend-cpu', 'tfjs-layers']) {
    symlinkSync(join(root, 'node_modules', '@tensorflow', name), join(dir, 'node_modules', '@tensorflow', name));
  }
  for (const name of ['seedrandom', 'long', '@types']) {
    try {
      symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
    } catch {
      // Not every dependency of the snippets' packages is hoisted to the top.
    }
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  writeFileSync(join(dir, 'check.mjs'), CHECK);
});

describe('README.md', () => {
  it('has snippets to run', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  for (const snippet of blocks) {
    it(`runs the ${snippet.language} snippet at line ${snippet.line}`, () => {
      const name = `snippet-${snippet.line}`;
      const body = `import './check.mjs';\n${instrument(snippet)}\n`;
      if (snippet.language === 'ts') {
        writeFileSync(join(dir, `${name}.ts`), snippet.code);
        const tsc = join(root, 'node_modules/typescript/bin/tsc');
        execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', '--skipLibCheck', `${name}.ts`], { cwd: dir });
      }
      const js = snippet.language === 'ts'
        ? ts.transpileModule(body, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText
        : body;
      writeFileSync(join(dir, `${name}.mjs`), js);
      execFileSync(process.execPath, [`${name}.mjs`], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    });
  }
});
