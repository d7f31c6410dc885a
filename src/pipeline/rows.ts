import type { KernelInstance } from '../backend/instance.js';
import { entry, fail } from '../errors/detail.js';
import { notANumber, rowError } from '../errors/input.js';
import type { Batch } from '../shape.js';

/** Rows of values (predictions, or binary targets) as the kernels read them. */
export interface RowSource {
  /** Rows [start, start + m) as `classes` values each, row-major: a view of the chunk buffer or the input itself. */
  fill(start: number, m: number): ArrayLike<number>;
}

/**
 * Copies whole rows of `values` (N rows, or a flat buffer in the batch's layout) into the
 * chunk buffer, or lets the kernel read a typed array where it is (unless `copy`: the caller
 * changes the rows). A channels-first chunk is copied as it lies, C planes, and the kernel
 * instance transposes it into rows. Values are only type-checked here (a typed array's set()
 * would turn "0.5" into 0.5); their ranges are the kernel's to check. f32 receives rows that
 * are all Float32Array, so they are copied as they are; null makes them f64.
 */
export function rowSource(
  batch: Batch, argument: string, values: ArrayLike<unknown>, rows: boolean, instance: KernelInstance, f64: Float64Array,
  f32: Float32Array | null, copy = false,
): RowSource {
  const { fn, classes, shape, layout } = batch;
  if (!rows) {
    if (ArrayBuffer.isView(values)) {
      const typed = values as unknown as Float64Array | Float32Array;
      const into = f32 !== null && values instanceof Float32Array ? f32 : f64;
      if (!layout.rowMajor) {
        const planes = into instanceof Float32Array ? instance.scratch.f32('planes') : instance.scratch.f64('planes');
        return {
          fill(start, m) {
            layout.planes(typed, start, m, planes);
            instance.transpose(planes, into, classes, m);
            return into;
          },
        };
      }
      const inPlace = !copy && instance.reads(typed);
      return { fill: (start, m) => layout.rows(typed, start, m, into, inPlace) };
    }
    const bad = (i: number, c: number, v: unknown) => notANumber(fn, layout.entry(argument, i, c), v);
    if (!layout.rowMajor) {
      return {
        fill(start, m) {
          for (let j = 0; j < m; j++) {
            for (let c = 0; c < classes; c++) {
              const v = values[layout.index(start + j, c)];
              if (typeof v !== 'number') throw bad(start + j, c, v);
              f64[j * classes + c] = v;
            }
          }
          return f64;
        },
      };
    }
    return {
      fill(start, m) {
        const from = start * classes;
        for (let k = 0; k < m * classes; k++) {
          const v = values[from + k];
          if (typeof v !== 'number') throw bad(start + Math.floor(k / classes), k % classes, v);
          f64[k] = v;
        }
        return f64;
      },
    };
  }
  const chunk: unknown[] = [];
  return {
    fill(start, m) {
      chunk.length = m;
      let allF32 = f32 !== null;
      for (let j = 0; j < m; j++) {
        const row = (chunk[j] = values[start + j]);
        if (typeof row !== 'object' || row === null || (row as ArrayLike<unknown>).length !== classes) {
          throw rowError(fn, argument, start + j, row, classes, shape);
        }
        if (row instanceof BigInt64Array || row instanceof BigUint64Array) {
          throw fail(TypeError, fn)`${entry(argument, { sample: start + j })} must hold numbers, got a ${row.constructor.name}`;
        }
        allF32 &&= row instanceof Float32Array;
      }
      const into = allF32 ? f32! : f64;
      for (let j = 0; j < m; j++) {
        const row = chunk[j] as ArrayLike<unknown>;
        if (ArrayBuffer.isView(row)) {
          into.set(row as unknown as Float64Array, j * classes);
          continue;
        }
        for (let c = 0; c < classes; c++) {
          const v = row[c];
          if (typeof v !== 'number') throw notANumber(fn, entry(argument, { sample: start + j, class: c }), v);
          into[j * classes + c] = v;
        }
      }
      return into;
    },
  };
}
