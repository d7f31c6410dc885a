import type { Coverage, RowRange } from './coverage.js';
import type { ClassDiagnostics, DiagnosticsSummary } from './diagnostics-summary.js';

// What an accumulator's summary() returns.

/** Count, loss sum and mean of one class (binary: one label column); with diagnostics, its hits. */
export interface ClassSummary extends Partial<ClassDiagnostics> {
  count: number;
  sum: number;
  mean: number;
}

/** With the `diagnostics` option, the fields of {@link DiagnosticsSummary} too. */
export interface AccumulatorSummary extends Partial<DiagnosticsSummary> {
  /** Samples counted (binary: elements); ignored samples are not. */
  count: number;
  weightSum: number;
  /** Σ w·loss. */
  sum: number;
  /** sum / count (0 when nothing was counted). */
  mean: number;
  /**
   * Per true class of class-index targets (binary: per label column). Target rows (one-hot or
   * soft) have no one true class: their samples count in `count`, `sum` and `mean` but in no
   * class here (a per-class split of a soft target's loss is not computed).
   */
  perClass: ClassSummary[];
  /** Per data set (`source`): the rows seen, and with `totalRows` the rows still missing. */
  coverage: CoverageSummary[];
}

export interface CoverageSummary extends Coverage {
  /** The rows of [0, totalRows) no update or merged state covered (with totalRows). */
  missing?: RowRange[];
  /** Every row of [0, totalRows) is covered (with totalRows). */
  complete?: boolean;
}
