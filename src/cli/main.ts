/// <reference types="node" />
import { basename } from 'node:path';
import type { AccumulatorState } from '../accumulator/accumulator.js';
import { accumulate, type Covered } from './accumulate.js';
import { parseArguments, type Command, type OutputFlags } from './arguments.js';
import { EXIT_FAILURE, EXIT_INPUT, InputError } from './input-error.js';
import { dataSetName } from './data-set.js';
import { openInputs, rowsIn } from './inputs.js';
import { checkCovered, mergeStates } from './merge.js';
import { Progress, PROGRESS_MIN_BYTES } from './progress.js';
import { htmlReport } from './html-report.js';
import { jsonReport, textReport, type Report } from './report.js';
import { checkStateOutTarget, writeStateFile, type ReadFile } from './state-file.js';
import { USAGE } from './usage.js';
import { version } from './version.js';
import { LOSSES } from '../losses/registry.js';
import { lossSwitch } from './loss-flags.js';

/** Where the CLI writes, and what it knows of the terminal. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars are drawn only there, unless --progress). */
  stderrIsTTY: boolean;
  columns: number;
}

/** Runs the CLI on its arguments (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const command = parseArguments(argv);
    switch (command.kind) {
      case 'help':
        io.stdout(`${USAGE}\n`);
        return 0;
      case 'version':
        io.stdout(`${version()}\n`);
        return 0;
      case 'merge':
        return merge(command, io);
      case 'loss':
        return await loss(command, io);
    }
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`focal-loss-wasm: ${oneLine(error.message)}\n`);
      return EXIT_INPUT;
    }
    io.stderr(`focal-loss-wasm: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

/** Longest message printed: messages quote input cut short (quote()), and this bounds what quotes paths and flags too. */
const MAX_MESSAGE = 2000;

function oneLine(message: string): string {
  const line = message.replace(/[\r\n]+/g, ' ');
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

async function loss(command: Extract<Command, { kind: 'loss' }>, io: Io): Promise<number> {
  const read: ReadFile[] = [{ flag: '--pred', path: command.pred }];
  if (command.labels !== null) read.push({ flag: '--labels', path: command.labels });
  checkStateOut(command, read);
  const axis = (command.loss.options.axis as number | undefined) ?? -1;
  const inputs = await openInputs({ ...command, binary: LOSSES[command.loss.loss].reduces === 'elements' && lossSwitch(command.loss.loss), axis });
  try {
    const show = command.progress === 'on' || (command.progress === 'auto' && io.stderrIsTTY && inputs.totalBytes >= PROGRESS_MIN_BYTES);
    const progress = show ? new Progress(io.stderr, basename(command.pred), inputs.totalBytes, io.columns) : null;
    const ranged = command.range !== null || command.shard !== null;
    const covered: Covered = {
      source: dataSetName(command.pred, command.labels === null ? [] : [command.labels]),
      firstRow: inputs.firstRow,
      totalRows: ranged ? await rowsIn(command.pred, command.csv, axis) : null,
    };
    let accumulated;
    try {
      accumulated = await accumulate(inputs, command.loss, covered, (done) => progress?.update(done), command.diagnostics || command.html !== null);
    } finally {
      progress?.finish();
    }
    const { accumulator, rows } = accumulated;
    // An empty row range is a legitimate shard (its state merges as a no-op); an empty file is not a batch.
    if (rows === 0 && !ranged) {
      throw new InputError(`${command.pred} holds no rows of data: there is no loss to compute`);
    }
    // Said on success only: a failed run prints its one-line error alone.
    for (const note of inputs.notes) io.stderr(`focal-loss-wasm: note: ${note}\n`);
    const state = accumulator.state();
    const report: Report = {
      loss: command.loss.loss,
      summary: accumulator.summary(),
      state,
      classes: inputs.classes,
      rows,
      inputs: { labels: inputs.describe.labels, pred: inputs.describe.pred, rows: [inputs.firstRow, inputs.firstRow + rows] },
      ranged,
    };
    return output(command, report, state, io);
  } finally {
    inputs.close();
  }
}

function merge(command: Extract<Command, { kind: 'merge' }>, io: Io): number {
  checkStateOut(command, command.files.map((path) => ({ flag: '--merge', path })));
  const accumulator = mergeStates(command.files);
  const summary = accumulator.summary();
  if (!command.allowPartial) checkCovered(summary.coverage);
  const state = accumulator.state();
  const report: Report = {
    loss: state.loss,
    summary,
    state,
    classes: state.classes,
    merged: command.files.length,
  };
  return output(command, report, state, io);
}

/** Checks --state-out before anything is read: no use of "-" that hides the report, and none of the run's inputs. */
function checkStateOut(command: OutputFlags, inputs: readonly ReadFile[]): void {
  if (command.stateOut === '-' && (command.json || command.perClass || command.diagnostics)) {
    throw new InputError('--state-out - prints the state on stdout instead of the summary; it cannot be combined with --json, --per-class or --diagnostics');
  }
  if (command.stateOut !== null && command.stateOut !== '-') checkStateOutTarget(command.stateOut, inputs);
  if (command.html !== null) {
    const outputs = command.stateOut === null || command.stateOut === '-' ? [] : [{ flag: '--state-out', path: command.stateOut }];
    checkStateOutTarget(command.html, [...inputs, ...outputs], '--html', 'the report');
  }
}

function output(command: OutputFlags, report: Report, state: AccumulatorState, io: Io): number {
  const stateJson = `${JSON.stringify(state)}\n`;
  if (command.stateOut === '-') {
    io.stdout(stateJson);
    return 0;
  }
  if (command.stateOut !== null) writeStateFile(command.stateOut, stateJson);
  if (command.html !== null) writeStateFile(command.html, htmlReport(report), 'the report');
  const { perClass, diagnostics } = command;
  io.stdout(command.json ? jsonReport(report, perClass, diagnostics) : textReport(report, perClass, diagnostics));
  return 0;
}
