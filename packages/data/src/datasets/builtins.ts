import type { DatasetSpec } from '../registry/fetch-files.js';
import { fashionMnistSpec, mnistSpec } from './mnist.js';
import { smsSpamSpec } from './sms-spam.js';
import { digitsSpec, irisSpec } from './tabular.js';

/** The datasets every registry knows without registration. */
export function builtinDatasets(): DatasetSpec<unknown, never>[] {
  return [mnistSpec, fashionMnistSpec, irisSpec, smsSpamSpec, digitsSpec] as unknown as DatasetSpec<unknown, never>[];
}
