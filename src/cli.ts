#!/usr/bin/env node
/// <reference types="node" />
// The focal-loss-wasm command (package.json "bin"). The library entry (index.ts) imports
// nothing from here, so it stays free of node: modules; see src/cli/ and --help.
import { main } from './cli/main.js';

// The exit code is set rather than process.exit() called, so stdout is flushed first.
void main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  // A pseudo-terminal with no size (script(1), some CI runners) reports 0 columns.
  columns: process.stderr.columns || 80,
}).then((code) => {
  process.exitCode = code;
});
