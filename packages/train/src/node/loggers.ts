import { appendFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Callback, Logger, Logs, ResumePoint } from '@tessera/core';
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
 * Keeps the lines of a log file that `keep` accepts (a resumed run drops what the killed run
 * logged after its checkpoint); a missing file stays missing.
 */
async function truncateLog(path: string, keep: (line: string, index: number) => boolean): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  const kept = lines.filter(keep);
  await writeFile(path, kept.length ? `${kept.join('\n')}\n` : '');
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
  let resumed = false;
  const start = async (logs: Logs): Promise<string[]> => {
    await mkdir(dirname(path), { recursive: true });
    const header = options.append || resumed ? await existingHeader(path) : null;
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
  return {
    ...loggerCallback(logger),
    stateKey: `csv_logger:${path}`,
    saveState: () => ({}),
    // a resumed run continues the table: rows of epochs from the resume point on are logged again
    async loadState(_state: unknown, at: ResumePoint) {
      resumed = true;
      ready = null;
      await truncateLog(path, (line, i) => i === 0 || Number(line.split(',', 1)[0]) < at.epoch);
    },
  };
}

/**
 * Appends one JSON object per line: `{ "step": 3, "epoch": 3, "phase": "train", "level": "epoch", "loss": 0.2, ... }`.
 *
 * @example
 * ```ts
 * await fit(model, data, { ...opts, callbacks: [jsonlLogger('./logs/train.jsonl')] });
 * ```
 */
export function jsonlLogger(path: string, options: { batchEvery?: number; append?: boolean } = {}): Callback & Logger {
  let ready: Promise<unknown> | null = null;
  let resumed = false;
  const logger: Logger = {
    async log(step, logs, info) {
      ready ??= mkdir(dirname(path), { recursive: true }).then(() => (options.append || resumed ? undefined : writeFile(path, '')));
      await ready;
      await appendFile(path, `${JSON.stringify({ step, ...info, ...logs })}\n`);
    },
  };
  return {
    ...loggerCallback(logger, { batchEvery: options.batchEvery }),
    stateKey: `jsonl_logger:${path}`,
    saveState: () => ({}),
    // a resumed run continues the file: batch rows after the checkpoint's step and epoch rows from its epoch on go
    async loadState(_state: unknown, at: ResumePoint) {
      resumed = true;
      await truncateLog(path, (line) => {
        const row = JSON.parse(line) as { step: number; epoch: number; level?: string };
        return row.level === 'batch' ? row.step <= at.step : row.epoch < at.epoch;
      });
    },
  };
}
