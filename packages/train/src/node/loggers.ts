import { appendFile, mkdir, open, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Callback, Logger, Logs } from '@tessera/core';
import { splitCsvRecord } from '@tessera/core';
import { loggerCallback } from '../callbacks/logger-callback.js';

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header line of an existing, non-empty file; null when the file is missing or empty. */
async function existingHeader(path: string): Promise<string | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const buf = new Uint8Array(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) return null;
    const text = new TextDecoder().decode(buf.subarray(0, bytesRead));
    return text.split(/\r?\n/, 1)[0] as string;
  } finally {
    await fh.close();
  }
}

/**
 * Appends one CSV row per epoch (`epoch,loss,...`; the columns are fixed by the first row,
 * later keys missing from it are dropped, missing values are empty). Logger and Callback in one.
 * With `append: true` an existing non-empty file keeps its header and its columns (a resumed run
 * continues the same table); the header is written only when the file is new or empty.
 *
 * @example
 * ```ts
 * await fit(model, data, { ...opts, callbacks: [csvLogger('./logs/train.csv', { append: true })] });
 * ```
 */
export function csvLogger(path: string, options: { append?: boolean } = {}): Callback & Logger {
  let ready: Promise<string[]> | null = null;
  const start = async (logs: Logs): Promise<string[]> => {
    await mkdir(dirname(path), { recursive: true });
    const header = options.append ? await existingHeader(path) : null;
    if (header !== null) return (splitCsvRecord(header, ',') ?? []).slice(1);
    const columns = Object.keys(logs).filter((k) => k !== 'size');
    const line = `${['epoch', ...columns].map(csvCell).join(',')}\n`;
    await (options.append ? appendFile(path, line) : writeFile(path, line));
    return columns;
  };
  const logger: Logger = {
    async log(step: number, logs: Logs) {
      ready ??= start(logs);
      const cols = await ready;
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
