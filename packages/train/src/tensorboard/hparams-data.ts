import { ValueError } from '@tessera/core';
import { ProtoWriter } from './proto.js';
import type { SummaryValue } from './summary.js';

/**
 * Hyperparameter values by name: numbers, strings or booleans.
 *
 * @example
 * ```ts
 * const hp: HParamValues = { learning_rate: 1e-3, optimizer: 'adam', batch_norm: true };
 * ```
 */
export type HParamValues = Record<string, number | string | boolean>;

/**
 * A metric of the HParams table: a tag in a run (`group` is the run below the session's directory,
 * e.g. `validation`; empty for the session's own run).
 *
 * @example
 * ```ts
 * const m: HParamMetric = { group: 'validation', tag: 'epoch_accuracy' };
 * ```
 */
export interface HParamMetric {
  group?: string;
  tag: string;
  displayName?: string;
}

function value(v: number | string | boolean, name: string): ProtoWriter {
  // google.protobuf.Value { number_value = 2, string_value = 3, bool_value = 4 }: a oneof, written even when 0 / '' / false
  if (typeof v === 'number') return new ProtoWriter().double(2, v, true);
  if (typeof v === 'string') return new ProtoWriter().bytes(3, new TextEncoder().encode(v), true);
  if (typeof v === 'boolean') return new ProtoWriter().int(4, v, true);
  throw new ValueError(`hparams "${name}"`, 'a number, string or boolean', v);
}

function pluginData(field: number, message: ProtoWriter): Uint8Array {
  // HParamsPluginData { version = 1 (0), experiment = 2 | session_start_info = 3 | session_end_info = 4 }
  return new ProtoWriter().message(field, message).finish();
}

const TYPE = { number: 3, string: 1, boolean: 2 } as const;

/**
 * The HParams plugin's experiment record (`_hparams_/experiment`): the hyperparameters' names and
 * types and the metrics the table shows.
 *
 * @example
 * ```ts
 * writer.write(0, [hparamsExperiment({ lr: 1e-3 }, [{ group: 'validation', tag: 'epoch_accuracy' }])]);
 * ```
 */
export function hparamsExperiment(hparams: HParamValues, metrics: HParamMetric[], timeCreatedSecs = Date.now() / 1000): SummaryValue {
  const exp = new ProtoWriter().double(3, timeCreatedSecs);
  for (const [name, v] of Object.entries(hparams)) {
    const type = TYPE[typeof v as keyof typeof TYPE];
    if (type === undefined) throw new ValueError(`hparams "${name}"`, 'a number, string or boolean', v);
    exp.message(4, new ProtoWriter().string(1, name).int(4, type));
  }
  for (const m of metrics) {
    const metricName = new ProtoWriter().string(1, m.group).string(2, m.tag);
    exp.message(5, new ProtoWriter().message(1, metricName).string(3, m.displayName));
  }
  return { tag: '_hparams_/experiment', plugin: { name: 'hparams', content: pluginData(2, exp) } };
}

/**
 * The HParams plugin's session start record (`_hparams_/session_start_info`): this run's
 * hyperparameter values; `groupName` groups repeated trials of one configuration.
 *
 * @example
 * ```ts
 * writer.write(0, [hparamsSessionStart({ lr: 1e-3, optimizer: 'adam' })]);
 * ```
 */
export function hparamsSessionStart(hparams: HParamValues, options: { groupName?: string; startTimeSecs?: number } = {}): SummaryValue {
  const start = new ProtoWriter();
  for (const name of Object.keys(hparams).sort()) {
    const v = hparams[name] as number | string | boolean;
    start.message(1, new ProtoWriter().string(1, name).message(2, value(v, name)));
  }
  start.string(4, options.groupName ?? groupNameOf(hparams)).double(5, options.startTimeSecs ?? Date.now() / 1000);
  return { tag: '_hparams_/session_start_info', plugin: { name: 'hparams', content: pluginData(3, start) } };
}

/**
 * The HParams plugin's session end record (`_hparams_/session_end_info`) with the run's status.
 *
 * @example
 * ```ts
 * writer.write(epochs, [hparamsSessionEnd('success')]);
 * ```
 */
export function hparamsSessionEnd(status: 'success' | 'failure' | 'running' = 'success', endTimeSecs = Date.now() / 1000): SummaryValue {
  const code = { success: 1, failure: 2, running: 3 }[status];
  if (code === undefined) throw new ValueError('hparamsSessionEnd status', "'success', 'failure' or 'running'", status);
  const end = new ProtoWriter().int(1, code).double(2, endTimeSecs);
  return { tag: '_hparams_/session_end_info', plugin: { name: 'hparams', content: pluginData(4, end) } };
}

/** A stable 64-bit FNV-1a hex digest of the sorted values: one group per configuration. */
function groupNameOf(hparams: HParamValues): string {
  const text = JSON.stringify(
    Object.keys(hparams)
      .sort()
      .map((k) => [k, hparams[k]]),
  );
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}
