import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Callback, Logger, Logs } from '@tessera/core';
import { loggerCallback } from '../callbacks/logger-callback.js';

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Appends one CSV row per epoch (`epoch,loss,...`; the columns are fixed by the first row,
 * later keys missing from it are dropped, missing values are empty). Logger and Callback in one.
 *
 * @example
 * ```ts
 * await fit(model, data, { ...opts, callbacks: [csvLogger('./logs/train.csv')] });
 * ```
 */
export function csvLogger(path: string, options: { append?: boolean } = {}): Callback & Logger {
  let columns: string[] | null = null;
  let ready: Promise<void> | null = null;
  const logger: Logger = {
    async log(step: number, logs: Logs) {
      if (!columns) {
        columns = Object.keys(logs).filter((k) => k !== 'size');
        const header = `${['epoch', ...columns].join(',')}\n`;
        ready = mkdir(dirname(path), { recursive: true }).then(() => (options.append ? appendFile(path, header) : writeFile(path, header)));
      }
      await ready;
      const cols = columns;
      await appendFile(path, `${[step, ...cols.map((c) => logs[c])].map(csvCell).join(',')}\n`);
    },
  };
  return loggerCallback(logger);
}

/**
 * Appends one JSON object per line: `{ "step": 3, "epoch": 3, "phase": "train", "loss": 0.2, ... }`.
 *
 * @example
 * ```ts
 * await fit(model, data, { ...opts, callbacks: [jsonlLogger('./logs/train.jsonl')] });
 * ```
 */
export function jsonlLogger(path: string, options: { batchEvery?: number; append?: boolean } = {}): Callback & Logger {
  let ready: Promise<unknown> | null = null;
  const logger: Logger = {
    async log(step, logs, info) {
      ready ??= mkdir(dirname(path), { recursive: true }).then(() => (options.append ? undefined : writeFile(path, '')));
      await ready;
      await appendFile(path, `${JSON.stringify({ step, ...info, ...logs })}\n`);
    },
  };
  return loggerCallback(logger, { batchEvery: options.batchEvery });
}
