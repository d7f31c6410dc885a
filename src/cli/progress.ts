/** Inputs at least this large show a progress bar by default (when stderr is a terminal). */
export const PROGRESS_MIN_BYTES = 64 << 20;

/** Redraws at most this often. */
const INTERVAL_MS = 100;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return:
 *   preds.npy  42% [##########·············] 1.21/2.86 GB  612 MB/s  ETA 3s
 * finish() erases it, so the summary that follows starts on a clean line.
 */
export class Progress {
  private readonly started = performance.now();
  private last = -Infinity;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly label: string,
    private readonly total: number,
    private readonly columns: number,
  ) {}

  update(done: number): void {
    const now = performance.now();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.draw(done, now);
  }

  private draw(done: number, now: number): void {
    const seconds = (now - this.started) / 1000;
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && fraction < 1 ? ` ETA ${duration((this.total - done) / rate)}` : '';
    const figures = ` ${size(done, this.total)}/${size(this.total, this.total)}  ${size(rate, rate)}/s${eta}`;
    const percent = `${Math.floor(fraction * 100)}`.padStart(3) + '%';
    const label = this.label.length > 24 ? `…${this.label.slice(-23)}` : this.label;
    const room = this.columns - label.length - percent.length - figures.length - 5;
    const width = Math.max(10, Math.min(40, room));
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}]`;
    const line = `${label} ${percent} ${bar}${figures}`;
    this.write(`\r${line.slice(0, Math.max(20, this.columns - 1))}\x1b[K`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** Bytes in the unit that suits `scale`: "612 MB", "1.21 GB". */
function size(bytes: number, scale: number): string {
  const units: Array<[number, string]> = [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [unit, name] of units) {
    if (scale >= unit) {
      const v = bytes / unit;
      return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${name}`;
    }
  }
  return `${Math.round(bytes)} B`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
