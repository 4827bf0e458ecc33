import type { Callback, Logs, TrainingControl } from '@tessera/core';

/**
 * Where the progress bar writes (process.stdout or anything with `write`).
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const stream: ProgressStream = { write: (text) => lines.push(text), isTTY: false }; // one line per epoch
 * await fit(model, data, { loss, optimizer, epochs: 3, callbacks: [progressBar({ stream })] });
 * ```
 */
export interface ProgressStream {
  /** Writes text (lines end with `\n`; on a TTY they start with `\r` and a clear-line code). */
  write(text: string): unknown;
  /** True for a terminal: the current line is redrawn in place. */
  isTTY?: boolean;
}

/**
 * Options of {@link progressBar}.
 *
 * @example
 * ```ts
 * progressBar({ stream: process.stderr, epochs: 10, stepsPerEpoch: 469, intervalMs: 250 });
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

/**
 * Console progress: epoch/step, loss, metrics, samples/s and ETA. On a TTY one line is redrawn
 * in place; elsewhere (CI logs, files) only one line per epoch is written.
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
  let perEpoch = options.stepsPerEpoch;
  let start = 0;
  let samples = 0;
  let steps = 0;
  let lastDraw = 0;
  let lastLogs: Logs = {};
  const head = (epoch: number) => `epoch ${epoch + 1}${options.epochs ? `/${options.epochs}` : ''}`;
  const rate = () => samples / Math.max((Date.now() - start) / 1000, 1e-9);
  return {
    onEpochBegin(_epoch: number) {
      start = Date.now();
      samples = 0;
      steps = 0;
      lastLogs = {};
    },
    onBatchEnd(_step: number, logs: Logs, control: TrainingControl) {
      steps++;
      samples += logs.size ?? 0;
      lastLogs = { ...lastLogs, ...logs };
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < interval) return;
      lastDraw = now;
      const elapsed = (now - start) / 1000;
      const eta = perEpoch ? ((perEpoch - steps) * elapsed) / steps : Number.NaN;
      const pos = perEpoch ? `${steps}/${perEpoch}` : `${steps}`;
      stream.write(
        `\r\x1b[2K${head(control.epoch)} step ${pos} - ${formatLogs(lastLogs)} - ${rate().toFixed(0)} samples/s - ETA ${formatTime(eta)}`,
      );
    },
    onEpochEnd(epoch: number, logs: Logs) {
      perEpoch ??= steps;
      const secs = (Date.now() - start) / 1000;
      const line = `${head(epoch)} - ${steps} steps - ${formatLogs(logs)} - ${rate().toFixed(0)} samples/s - ${formatTime(secs)}`;
      stream.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}
