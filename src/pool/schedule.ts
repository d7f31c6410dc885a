// How one pool call runs: its rows cut into parts of whole chunks (each chunk is checked as
// the one-shot call checks it), handed to the workers as they finish earlier ones, their
// totals merged exactly, and the first error re-created with the batch's own row numbers.
import { chunkRows } from '../backend/scratch.js';
import { fail } from '../errors/detail.js';
import type { Values } from '../kernels/frame.js';
import type { LossSettings, LossSpec } from '../pipeline/loss-spec.js';
import { evaluateRange, type PreparedJob } from '../pipeline/evaluate.js';
import { partTally, Tally, type DiagnosticsPart, type TallyData } from '../pipeline/diagnostics.js';
import { addPerClass, addTotals, noTotals, type Totals } from '../pipeline/reduce.js';
import { failedChunk } from '../pipeline/run.js';
import type { Batch } from '../shape.js';
import type { DoneMessage, FailedMessage } from './protocol.js';
import type { Thread } from './threads.js';
import { Slice } from '../layout/layout.js';
import { isShared, part, weightsOf, type Buffers, type Take } from './transfer.js';

/** A call's part in a worker, waiting for its result. */
export interface Task {
  settle(data: DoneMessage | FailedMessage): void;
  fail(why: string): void;
}

/** A worker's place in the pool: its thread (null while none runs) and the parts it has been given. */
export class Slot {
  ready = false;
  readonly tasks = new Map<number, Task>();
  constructor(public thread: Thread | null) {}
}

/** What the scheduler needs of a pool. */
export interface Workers {
  readonly slots: readonly Slot[];
  /** Whether typed arrays on a SharedArrayBuffer go to workers as views. */
  readonly share: boolean;
  readonly buffers: Buffers;
  nextId(): number;
}

/** One call, prepared on this thread (checks done, buffers reserved), with its whole outputs. */
export interface PartCall {
  readonly spec: LossSpec;
  readonly settings: LossSettings;
  readonly batch: Batch;
  /** Runs parts that cannot be posted, and re-creates a worker's error with the batch's row numbers. */
  readonly job: PreparedJob;
  readonly losses: Float64Array | null;
  readonly grad: Values | null;
  /** The gradient scale every part's kernels apply. */
  readonly gradScale: number;
  /** An accumulator's update: per-class sums, and diagnostics from its first row. */
  readonly perClass?: boolean;
  readonly diagnostics?: DiagnosticsPart | null;
}

/** What a call's parts added up to: an accumulator's update also has per-class sums and diagnostics. */
export interface PartsResult {
  totals: Totals;
  perClass: Float64Array | null;
  diagnostics: Tally | null;
}

type Done = { ok: true; totals: Totals; perClass: Float64Array | null; diagnostics: TallyData | null };

/** A part's result, or the first error in it, at the first row of its chunk (-1: before any). */
type Outcome = Done | { ok: false; chunk: number; error: Error; fromWorker: boolean };

/** Parts posted to a worker ahead of its results: one computing, one waiting. */
const DEPTH = 2;
/** Parts of copied input: about this many bytes of yPred (as float64) each. */
const PART_BYTES = 1 << 21;
/** Parts of shared input per worker: enough to balance uneven progress, few enough to cost nothing. */
const PARTS_PER_WORKER = 4;

function rebuilt(m: FailedMessage): Error {
  const Class = m.name === 'TypeError' ? TypeError : m.name === 'RangeError' ? RangeError : Error;
  return new Class(m.message);
}

/** Runs a call's rows as parts across the workers (or here, where a part cannot be posted) and merges their results. */
export function runParts(workers: Workers, call: PartCall): Promise<PartsResult> {
  const { spec, settings: s, batch, job, losses, grad } = call;
  const { fn } = s;
  const n = batch.n;
  const step = chunkRows(batch.classes);
  const chunks = Math.ceil(n / step);
  // The least busy workers first, so that concurrent small calls spread.
  const slots = workers.slots.filter((slot) => slot.thread !== null).sort((a, b) => a.tasks.size - b.tasks.size);
  const width = spec.reduces === 'elements' ? batch.classes : 1;
  const inPlace = workers.share && [batch.yTrue, batch.yPred, s.sampleWeight?.values].every(
    (v) => v === undefined || (ArrayBuffer.isView(v) && isShared(v)),
  );
  // Shared memory: a few parts per worker, for balance. Copies: parts of about PART_BYTES.
  const perPart = inPlace
    ? Math.ceil(chunks / (PARTS_PER_WORKER * Math.max(1, slots.length)))
    : Math.max(1, Math.floor(PART_BYTES / (step * batch.classes * 8)));
  const parts = Math.ceil(chunks / perPart);
  const bound = (k: number) => Math.min(n, k * perPart * step);
  const outcomes: Outcome[] = [];
  const take: Take = (bytes) => workers.buffers.take(bytes);
  const share = workers.share;
  const { instance } = job;
  // Where a part's outputs go in the whole's: per-sample losses are a range; element losses and
  // the gradient lie in yPred's layout (channels-first parts that cut images are several runs).
  const slices = (from: number, to: number) => {
    const pred = batch.layout.slice(from, to);
    return { losses: width === 1 ? new Slice([[from, to]], pred.layout) : pred, grad: pred };
  };
  /** The part's outputs in its own layout: views of the whole's where contiguous, else buffers placed by done(). */
  const outputs = (from: number, to: number) => {
    const at = slices(from, to);
    const view = <T extends Values>(whole: T | null, slice: Slice): T | null => {
      if (whole === null) return null;
      const [start, end] = slice.runs[0];
      return slice.contiguous ? (whole.subarray(start, end) as T) : (new (whole.constructor as Float64ArrayConstructor)(slice.length) as T);
    };
    const out = { losses: view(losses, at.losses), grad: view(grad, at.grad) };
    const done = () => {
      if (out.losses !== null && !at.losses.contiguous) at.losses.place(out.losses, losses!);
      if (out.grad !== null && !at.grad.contiguous) at.grad.place(out.grad, grad!);
    };
    return { out, done };
  };

  const elements = spec.reduces === 'elements';
  const diagnostics = call.diagnostics ?? null;
  const exponent = job.sampleWeights?.exponent ?? 0;
  // Parts run here see the batch's own row numbers: their diagnostics start at the update's first row.
  /** A part on this thread: one that could not be posted (a value the structured clone cannot copy). */
  const here = (from: number, to: number): Outcome => {
    try {
      const part = diagnostics === null ? null : partTally(diagnostics, elements, batch, s, exponent);
      const { out, done } = outputs(from, to);
      const r = instance.exclusive(fn, () => evaluateRange(job, from, to, { ...out, observe: part?.observe }, call.gradScale));
      done();
      return { ok: true, totals: r.totals, perClass: r.perClass, diagnostics: part?.tally.data() ?? null };
    } catch (error) {
      return { ok: false, chunk: failedChunk(error), error: error as Error, fromWorker: false };
    }
  };

  const combine = (): PartsResult => {
    let first: Extract<Outcome, { ok: false }> | null = null;
    for (const o of outcomes) if (o !== undefined && !o.ok && (first === null || o.chunk < first.chunk)) first = o;
    if (first !== null) {
      // The worker named rows by their place in its part: the same chunk, checked here, names them as the batch does.
      if (first.fromWorker && first.chunk >= 0) {
        const to = Math.min(n, first.chunk + step);
        const part = diagnostics === null ? null : partTally(diagnostics, elements, batch, s, exponent);
        instance.exclusive(fn, () => evaluateRange(job, first!.chunk, to, { losses: null, grad: null, observe: part?.observe }, 1));
      }
      throw first.error;
    }
    const totals = noTotals();
    let perClass: Float64Array | null = null;
    let tally: Tally | null = null;
    for (const o of outcomes as Done[]) {
      addTotals(totals, o.totals);
      if (o.perClass !== null) {
        if (perClass === null) perClass = o.perClass.slice();
        else addPerClass(perClass, o.perClass);
      }
      if (o.diagnostics !== null) {
        const part = Tally.fromData(diagnostics!.settings, elements, batch.classes, o.diagnostics);
        if (tally === null) tally = part;
        else tally.merge(part);
      }
    }
    return { totals, perClass, diagnostics: tally };
  };

  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let over = false;
    // No part at or after the first failing chunk needs to run.
    let stop = n;
    const inFlight = new Map<Slot, number>();
    const record = (k: number, outcome: Outcome) => {
      outcomes[k] = outcome;
      if (!outcome.ok) stop = Math.min(stop, Math.max(0, outcome.chunk));
    };
    const finish = () => {
      if (over || running > 0 || (next < parts && bound(next) < stop)) return;
      over = true;
      try {
        resolve(combine());
      } catch (error) {
        reject(error);
      }
    };
    const feed = (slot: Slot) => {
      while (!over && slot.thread !== null && (inFlight.get(slot) ?? 0) < DEPTH && next < parts && bound(next) < stop) {
        const k = next++;
        const from = bound(k);
        const to = bound(k + 1);
        try {
          const transfer: Transferable[] = [];
          const at = slices(from, to);
          const sampleWeight = s.sampleWeight === undefined
            ? undefined
            : { values: weightsOf(s.sampleWeight.values, job.sampleWeights!.repeat, from, to, share, take, transfer), length: to - from };
          // yTrue: class indices by sample, or targets laid out as yPred.
          const truth = batch.targets && !batch.trueRows ? at.grad : new Slice([[from * width, to * width]], at.grad.layout);
          const [yTrue, trueWidth] = part(batch.yTrue, batch.trueRows, width, from, to, truth, share, take, transfer);
          const [yPred, predWidth] = part(batch.yPred, batch.predRows, batch.classes, from, to, at.grad, share, take, transfer);
          // Packed rows go flat (the kernels read flat rows as they read rows, and making a view per row costs
          // more than the loss), except target rows of a class-reduced loss, which only rows can be: the worker views those.
          const targetRows = trueWidth > 0 && spec.reduces === 'classes';
          const delivered = { trueRows: batch.trueRows && (trueWidth === 0 || targetRows), predRows: batch.predRows && predWidth === 0 };
          const lossBuffer = losses === null ? null : take(at.losses.length * 8);
          const gradBuffer = grad === null ? null : take(at.grad.length * grad.BYTES_PER_ELEMENT);
          for (const b of [lossBuffer, gradBuffer]) if (b !== null) transfer.push(b);
          const id = workers.nextId();
          const settings = { ...s, sampleWeight, gradOut: undefined };
          const slice = { ...batch, ...delivered, n: to - from, layout: at.grad.layout, yTrue, yPred, images: to - from } as Batch;
          slot.thread.post({
            type: 'run', id, loss: spec.name, settings, batch: slice, targetRows: targetRows ? trueWidth : 0,
            weightExponent: job.sampleWeights?.exponent ?? 0, losses: lossBuffer,
            grad: gradBuffer === null ? null : { buffer: gradBuffer, f32: grad instanceof Float32Array, scale: call.gradScale },
            perClass: call.perClass ?? false, diagnostics: diagnostics === null ? null : { ...diagnostics, firstRow: diagnostics.firstRow + from },
          }, transfer);
          slot.tasks.set(id, {
            settle: (m) => {
              running--;
              inFlight.set(slot, inFlight.get(slot)! - 1);
              if (m.type === 'done') {
                if (losses !== null) at.losses.place(new Float64Array(m.losses!, 0, at.losses.length), losses);
                if (grad !== null) at.grad.place(new (grad.constructor as Float64ArrayConstructor)(m.grad!, 0, at.grad.length), grad);
                record(k, { ok: true, totals: m.totals, perClass: m.perClass, diagnostics: m.diagnostics });
                workers.buffers.give([m.losses, m.grad, ...m.spare].filter((b): b is ArrayBuffer => b !== null));
              } else {
                record(k, { ok: false, chunk: m.chunk < 0 ? -1 : from + m.chunk, error: rebuilt(m), fromWorker: true });
                workers.buffers.give(m.spare);
              }
              feed(slot);
              finish();
            },
            fail: (why) => {
              if (over) return;
              over = true;
              reject(fail(Error, fn)`${why}`);
            },
          });
          slot.thread.hold(true);
          running++;
          inFlight.set(slot, (inFlight.get(slot) ?? 0) + 1);
        } catch {
          record(k, here(from, to));
        }
      }
    };
    for (const slot of slots) feed(slot);
    // Without a live worker (none should be missing), every part runs here.
    while (slots.length === 0 && next < parts && bound(next) < stop) record(next, here(bound(next), bound(++next)));
    finish();
  });
}
