import { DEFAULT_CHUNK_BYTES } from '../cli/arguments.js';
import { dataSetName } from '../cli/data-set.js';
import { openInputs, rowsIn } from '../cli/inputs.js';
import { LabelConverter } from '../cli/labels.js';
import { lossSwitch } from '../cli/loss-flags.js';
import { LOSSES } from '../losses/registry.js';
import type { EvaluationInput, EvaluationLoss } from './flow.js';
import type { ShardSource } from './source.js';

/** How CSV files are read: the layout told from the file, as the CLI does by default. */
const CSV = { header: null, delimiter: null };

/**
 * The default reader: the command-line tool's streaming readers (`.npy`, `.csv`, `.tsv`,
 * `.parquet`), 8 MiB of predictions (a Parquet row group) per chunk through fixed buffers, an
 * `.npy` file's rows read at their offset, a Parquet file's row groups of the range only.
 * The data set is named as the CLI names it, so shard states of the CLI and of a flow merge.
 */
export async function readFiles(input: EvaluationInput, loss: EvaluationLoss): Promise<ShardSource> {
  // Element-wise losses read targets of the predictions' shape; messages name the CLI's switch for the loss.
  const binary = LOSSES[loss].reduces === 'elements' && lossSwitch(loss);
  return {
    source: dataSetName(input.pred, input.labels === null ? [] : [input.labels]),
    totalRows: await rowsIn(input.pred, CSV),
    async *rows(from, to) {
      const inputs = await openInputs({
        ...input, range: { start: from, end: to }, shard: null, binary, axis: -1, chunkBytes: DEFAULT_CHUNK_BYTES, csv: CSV,
      });
      try {
        const labels = new LabelConverter();
        for (let chunk = await inputs.next(); chunk !== null; chunk = await inputs.next()) {
          const { firstRow } = chunk;
          yield {
            labels: binary ? chunk.labels : labels.convert(chunk.labels),
            preds: chunk.preds,
            classes: inputs.classes,
            firstRow,
            name: (argument, row, column) => (argument === 'yTrue'
              ? inputs.labelName(firstRow + row, column)
              : inputs.predName(firstRow + row, column)),
          };
        }
      } finally {
        inputs.close();
      }
    },
  };
}
