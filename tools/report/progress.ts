/** The part of a stream the progress bar uses; `process.stderr` fits. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  label: string;
  stream?: ProgressStream;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

export interface Progress {
  /** Reports `done` items finished so far (absolute, not an increment). */
  update(done: number): void;
  /** Prints the final state and ends the line; later calls do nothing. */
  done(): void;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "--";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return "-";
  return perSec >= 100 ? String(Math.round(perSec)) : perSec.toFixed(1);
}

/**
 * Terminal progress bar with percentage, rate and ETA. On a TTY it redraws one line at most 10 times a
 * second; elsewhere (CI logs, files) it prints a plain line each time another 10 % is done.
 */
export function createProgress(opts: ProgressOptions): Progress {
  const { total, label } = opts;
  if (!(total >= 0 && Number.isFinite(total))) throw new RangeError(`progress total must be a finite number ≥ 0, got ${total}`);
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const tty = stream.isTTY === true;
  const start = now();
  let count = 0;
  let lastDraw = -Infinity;
  let lastDecile = 0;
  let printedCount = -1;
  let finished = false;

  const fraction = () => (total > 0 ? Math.min(1, count / total) : 1);

  const describe = (final: boolean) => {
    const elapsed = now() - start;
    const rate = elapsed > 0 ? (count / elapsed) * 1000 : NaN;
    const pct = `${(fraction() * 100).toFixed(1)}%`;
    const tail = final ? `in ${formatDuration(elapsed)}` : `ETA ${formatDuration(count >= total ? 0 : rate > 0 ? ((total - count) / rate) * 1000 : NaN)}`;
    return { pct, stats: `${count}/${total} ${formatRate(rate)}/s ${tail}` };
  };

  const draw = (final: boolean) => {
    const { pct, stats } = describe(final);
    const filled = Math.round(fraction() * BAR_WIDTH);
    let line = `${label} [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${pct.padStart(6)} ${stats}`;
    if (stream.columns && line.length >= stream.columns) line = line.slice(0, stream.columns - 1);
    // \r returns to the line start and \x1b[K clears what a longer previous line left behind.
    stream.write(`\r${line}\x1b[K${final ? "\n" : ""}`);
    lastDraw = now();
  };

  const printLine = (final: boolean) => {
    const { pct, stats } = describe(final);
    stream.write(`${label} ${pct} ${stats}\n`);
    printedCount = count;
  };

  return {
    update(done: number) {
      if (finished) return;
      count = Math.max(0, done);
      if (tty) {
        if (now() - lastDraw >= REDRAW_MS) draw(false);
        return;
      }
      const decile = Math.floor(fraction() * 10 + 1e-9);
      if (decile > lastDecile) {
        lastDecile = decile;
        printLine(count >= total);
      }
    },
    done() {
      if (finished) return;
      finished = true;
      if (tty) draw(true);
      // The 100 % line is already final; anything short of it gets a closing line with the elapsed time.
      else if (!(printedCount === count && count >= total)) printLine(true);
    },
  };
}
