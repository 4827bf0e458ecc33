/**
 * Scalar values logged at one step, e.g. `{ loss: 0.31, accuracy: 0.92 }`.
 *
 * @example
 * ```ts
 * const logs: Logs = { loss: 0.31, accuracy: 0.92 };
 * await logger.log(100, logs, { epoch: 2, phase: 'train' });
 * ```
 */
export type Logs = Record<string, number>;

/**
 * Receives scalar logs (console, CSV/JSONL, TensorBoard event files).
 *
 * @example
 * ```ts
 * const logger: Logger = { log: (step, logs) => console.log(step, logs) };
 * ```
 */
export interface Logger {
  log(
    step: number,
    logs: Logs,
    info?: { epoch?: number; phase?: 'train' | 'validation' | 'test'; level?: 'batch' | 'epoch' },
  ): void | Promise<void>;
  /** Flushes and closes files. */
  close?(): void | Promise<void>;
}
