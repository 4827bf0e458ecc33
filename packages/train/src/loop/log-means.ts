import type { Logs, Metric } from '@tessera/core';

/** The metrics' results as logs, keys prefixed. */
export function metricLogs(metrics: Metric[], prefix = ''): Logs {
  const out: Logs = {};
  for (const m of metrics) out[prefix + m.name] = m.result();
  return out;
}

/** Batch-size-weighted running means of step logs. */
export class LogMeans {
  sums: Record<string, number> = {};
  seen = 0;
  add(values: Record<string, number>, n: number): void {
    for (const [k, v] of Object.entries(values)) this.sums[k] = (this.sums[k] ?? 0) + v * n;
    this.seen += n;
  }
  means(prefix = ''): Logs {
    const out: Logs = {};
    for (const [k, v] of Object.entries(this.sums)) out[prefix + k] = this.seen ? v / this.seen : Number.NaN;
    if (!('loss' in this.sums) && this.seen === 0) out[`${prefix}loss`] = Number.NaN;
    return out;
  }
}
