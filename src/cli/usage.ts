import { lossUsage } from './loss-flags.js';

/** What --help prints. */
export const USAGE = `Usage:
  focal-loss-wasm --labels labels.npy --pred preds.npy [options]
  focal-loss-wasm --pred data.csv [--label-column K] [--pred-columns COLUMNS] [options]
  focal-loss-wasm --pred data.parquet [--label-column K] [--pred-columns C | --pred-column L] [options]
  focal-loss-wasm --merge state1.json state2.json ... [--allow-partial] [--per-class] [--json] [--diagnostics]
                  [--html report.html] [--state-out merged.json]

Computes the focal loss of predictions against labels stored in files, streaming them in
chunks through a fixed buffer, so files larger than memory work.

Inputs:
  --labels FILE          class indices, shape (N,) or (N, 1): int8/16/32/64, uint8/16/32/64 or bool;
                         for maps, the predictions' shape without the class axis, e.g. (N, H, W);
                         with --binary, targets in [0, 1] of the predictions' shape (also float)
  --pred FILE            predictions, shape (N, C) (or (N,) with --binary): float16, float32 or
                         float64 probabilities (logits with --from-logits); .npy files of any rank
                         are maps, one sample per pixel, classes on --axis: (N, H, W, C) by
                         default, (N, C, H, W) with --axis 1
                         Files are NumPy .npy (format 1.0, 2.0, 3.0; C order, either byte order) or
                         .csv/.tsv (one row per sample, optional header line), or .parquet
                         (with the label as a column; needs npm install hyparquet
                         hyparquet-compressors).
  --label-column K       with --pred data.csv or data.parquet alone: the column holding the label
                         (a name, or a 0-based index; default the first column)
  --pred-columns COLUMNS the prediction columns, one per class, in class order (default: every
                         other column of numbers): names z0,z3; ranges of names z0:z9 (both ends
                         included, as df.loc) or of indices 2:12 (end excluded, as df.iloc);
                         patterns 'z*'. pandas' row index (an unnamed first column) is skipped
  --pred-column L        a Parquet list column holding each row's predictions
  --header, --no-header  a CSV file's first line is (is not) a header; by default it is one when
                         a field is not a number, or when it reads 0,1,…,k-1 (pandas' names of
                         unnamed columns) above a line with fractions
  --delimiter D          the CSV field delimiter: comma, semicolon, tab, space or pipe (default:
                         told from the first line: the most frequent of tab, semicolon, comma,
                         else a space)
                         CSV numbers: decimal or scientific notation, nan, inf, -inf; messages
                         name "line N (row i), column j": the file's line from 1, the data row
                         and the field from 0
  --rows START:END       only rows [START, END) (either end may be left out)
  --shard I/N            only the I-th of N equal row ranges (I from 0): the map step of a
                         sharded run; merge the shards' --state-out files with --merge

Loss:
${lossUsage()}

Output:
  (default)              a readable summary on stdout: mean loss, sum, count
  --per-class            also a table per class (--binary: per label column): count, loss sum, mean
  --json                 one JSON object instead: loss, sum, count, … (perClass with --per-class)
  --diagnostics          also per class recall, precision and recommended alpha, calibration
                         (ECE and bins), the easy samples' share (p_t >= 0.5) of the cross-entropy
                         and of the loss, and the hardest rows (in --json: summary()'s fields)
  --html FILE            write the diagnostics as one self-contained HTML report with charts
  --state-out FILE       also write the accumulator state (JSON) to FILE, for --merge;
                         "-" prints the state to stdout instead of the summary; never one
                         of the run's input files
  --merge FILE...        merge accumulator states (the reduce step) and print the result; exits 2
                         naming the rows missing when the states do not cover their data sets
                         (the shards of a file), or the rows counted twice when they overlap
  --allow-partial        with --merge: report the loss of the rows covered when rows are missing
  --progress             always show a progress bar on stderr; --no-progress never
                         (default: when stderr is a terminal and the input is over 64 MiB)
  --chunk-size BYTES     bytes of predictions read per chunk (default 8M; suffixes K, M, G)
  --help, -h             this text
  --version, -v          the version

Exit codes: 0 success; 2 bad usage, a bad file or bad data; 1 an unexpected error.`;
