import type { Callback, Logs, TrainingControl } from '@tessera/core';

/**
 * Where the progress bar writes (process.stdout or anything with `write`).
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const stream: ProgressStream = { write: (text) => lines.push(text), isTTY: false }; // plain lines
 * await fit(model, data, { loss, optimizer, epochs: 3, callbacks: [progressBar({ stream })] });
 * ```
 */
export interface ProgressStream {
  /** Writes text (lines end with `\n`; on a TTY they start with `\r` and a clear-line code). */
  write(text: string): unknown;
  /** True for a terminal: the current line is redrawn in place. */
  isTTY?: boolean;
  /** Terminal width: a redrawn line is cut to fit, so it never wraps. */
  columns?: number;
}

/**
 * Options of {@link progressBar}.
 *
 * @example
 * ```ts
 * progressBar({ stream: process.stderr, epochs: 10, stepsPerEpoch: 469, intervalMs: 250, lineIntervalMs: 30_000 });
 * ```
 */
export interface ProgressBarOptions {
  /** Default: `process.stdout` in Node, else `console.log` line by line. */
  stream?: ProgressStream;
  /** Total epochs, shown as `epoch 3/10` (default: unknown). */
  epochs?: number;
  /** Batches per epoch for the ETA (default: learnt from the first epoch). */
  stepsPerEpoch?: number;
  /** Minimum milliseconds between redraws on a TTY (default 100). */
  intervalMs?: number;
  /**
   * Not a TTY (CI logs, files): at most one line per this many milliseconds (default 10 000). An
   * epoch longer than that gets progress lines; epochs shorter than that are summarized: the first
   * and the last epoch's lines are always written, the ones between only when the interval has
   * passed (the next written line counts the ones left out). `0`: every epoch's line and no
   * progress lines.
   */
  lineIntervalMs?: number;
  /** Clock in milliseconds (default `Date.now`; tests pass their own). */
  now?: () => number;
}

function defaultStream(): ProgressStream {
  const proc = (globalThis as { process?: { stdout?: ProgressStream } }).process;
  if (proc?.stdout && typeof proc.stdout.write === 'function') return proc.stdout;
  return { write: (t: string) => console.log(t.replace(/\n$/, '')), isTTY: false };
}

/**
 * Formats logs as `loss 0.1234 - accuracy 0.9000`, skipping bookkeeping keys.
 *
 * @example
 * ```ts
 * formatLogs({ loss: 0.5, accuracy: 0.75 }); // 'loss 0.5000 - accuracy 0.7500'
 * ```
 */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'size' && k !== 'batch_loss')
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)}`)
    .join(' - ');
}

function formatTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

const perSecond = (n: number, secs: number) => {
  const r = n / Math.max(secs, 1e-9);
  return r >= 100 ? r.toFixed(0) : r.toFixed(1);
};

/**
 * Console progress: epoch/step, loss, metrics, steps/s, samples/s and ETA. On a TTY one line is
 * redrawn in place (cut to the terminal width); elsewhere (CI logs, files) plain lines, at most
 * one per `lineIntervalMs`: progress lines in long epochs, and epoch lines (fast epochs
 * summarized), so logs never flood.
 *
 * @example
 * ```ts
 * await fit(model, data, { loss, optimizer, epochs: 5, callbacks: [progressBar({ epochs: 5 })] });
 * ```
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const stream = options.stream ?? defaultStream();
  const tty = stream.isTTY === true;
  const interval = options.intervalMs ?? 100;
  const lineInterval = options.lineIntervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let perEpoch = options.stepsPerEpoch;
  let start = 0;
  let samples = 0;
  let steps = 0;
  let lastDraw = 0;
  let lastLine = Number.NEGATIVE_INFINITY;
  let skipped = 0;
  let held: string | null = null;
  let lastLogs: Logs = {};
  const head = (epoch: number) => `epoch ${epoch + 1}${options.epochs ? `/${options.epochs}` : ''}`;
  const rates = (secs: number) => `${perSecond(steps, secs)} steps/s - ${perSecond(samples, secs)} samples/s`;
  const cut = (line: string) => (tty && stream.columns && line.length >= stream.columns ? line.slice(0, stream.columns - 1) : line);
  const plain = (line: string, t: number) => {
    if (line === held) skipped--;
    stream.write(`${line}${skipped ? ` (${skipped} epoch line${skipped > 1 ? 's' : ''} not shown)` : ''}\n`);
    skipped = 0;
    held = null;
    lastLine = t;
  };
  return {
    onEpochBegin(_epoch: number) {
      start = now();
      samples = 0;
      steps = 0;
      lastLogs = {};
    },
    onBatchEnd(_step: number, logs: Logs, control: TrainingControl) {
      steps++;
      samples += logs.size ?? 0;
      lastLogs = { ...lastLogs, ...logs };
      const t = now();
      const quiet = tty ? t - lastDraw < interval : lineInterval === 0 || t - lastLine < lineInterval || t - start < lineInterval;
      if (quiet) return;
      lastDraw = t;
      const elapsed = (t - start) / 1000;
      const eta = perEpoch ? ((perEpoch - steps) * elapsed) / steps : Number.NaN;
      const pos = perEpoch ? `${steps}/${perEpoch}` : `${steps}`;
      const line = `${head(control.epoch)} step ${pos} - ${formatLogs(lastLogs)} - ${rates(elapsed)} - ETA ${formatTime(eta)}`;
      if (tty) stream.write(`\r\x1b[2K${cut(line)}`);
      else plain(line, t);
    },
    onEpochEnd(epoch: number, logs: Logs) {
      perEpoch ??= steps;
      const t = now();
      const secs = (t - start) / 1000;
      const line = `${head(epoch)} - ${steps} steps - ${formatLogs(logs)} - ${rates(secs)} - ${formatTime(secs)}`;
      if (tty) {
        stream.write(`\r\x1b[2K${line}\n`);
        return;
      }
      const last = options.epochs !== undefined && epoch + 1 >= options.epochs;
      if (lastLine === Number.NEGATIVE_INFINITY || last || t - lastLine >= lineInterval) plain(line, t);
      else {
        skipped++;
        held = line;
      }
    },
    onTrainEnd() {
      // the last epoch's line, when it was held back (total epochs unknown, or training stopped early)
      if (held !== null) plain(held, now());
    },
  };
}
