import { FormatError, splitCsvRecord } from '@tessera/core';
import type { Dataset } from '../pipeline/dataset.js';
import { fromArray } from '../pipeline/sources.js';
import { type DatasetSpec, type FetchOptions, fetchDatasetFiles } from '../registry/fetch-files.js';

/**
 * An SMS message and its label (0 ham, 1 spam).
 *
 * @example
 * ```ts
 * const { data } = await smsSpam({ from: '../shared/datasets/text' });
 * const spam = data.filter((m: SmsExample) => m.y === 1);
 * ```
 */
export interface SmsExample {
  /** The message text. */
  text: string;
  /** 0 ham, 1 spam. */
  y: number;
}

/**
 * What {@link smsSpam} returns.
 *
 * @example
 * ```ts
 * const { data, classNames }: SmsSpamData = await smsSpam({ from: '../shared/datasets/text' });
 * const { train, test } = split(data, { train: 0.8, test: 0.2 }, { seed: 0 });
 * ```
 */
export interface SmsSpamData {
  /** All 5,574 messages (no official split). */
  data: Dataset<SmsExample>;
  /** Class names by label index. */
  classNames: ['ham', 'spam'];
}

/**
 * Registry entry of the SMS Spam Collection v.1 (Almeida & Gómez Hidalgo). URLs, sizes and SHA-256 per file.
 *
 * @example
 * ```ts
 * smsSpamSpec.files.map((f) => [f.name, f.url, f.sha256]);
 * ```
 */
export const smsSpamSpec: DatasetSpec<SmsSpamData, Record<string, never>> = {
  name: 'sms-spam',
  description: 'SMS Spam Collection v.1: 5,574 English SMS, 4,827 ham / 747 spam, no official split',
  license: 'free use with citation, AS IS (original readme); CC BY 4.0 per UCI',
  files: [
    {
      name: 'SMSSpamCollection.tsv',
      url: 'https://raw.githubusercontent.com/Anilkanta-sudo/Spam_message_detector/b8a2ed94a03f64acc822021caea9d85c1a8fc583/smsspamcollection/SMSSpamCollection',
      size: 477907,
      sha256: '7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d',
    },
  ],
  build(files) {
    const text = new TextDecoder('utf-8').decode(files['SMSSpamCollection.tsv']!);
    const rows: SmsExample[] = [];
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.length === 0) return;
      const fields = splitCsvRecord(line, '\t', false) as string[];
      const label = fields[0];
      if (fields.length !== 2 || (label !== 'ham' && label !== 'spam')) {
        throw new FormatError(
          'sms-spam',
          `SMSSpamCollection.tsv line ${i + 1}: expected "ham|spam<TAB>text", received ${JSON.stringify(line.slice(0, 40))}`,
        );
      }
      rows.push({ text: fields[1]!, y: label === 'spam' ? 1 : 0 });
    });
    return { data: fromArray(rows).withSpec({ y: { dtype: 'int32', shape: [] } }), classNames: ['ham', 'spam'] };
  },
};

/**
 * The SMS Spam Collection as `{ text, y }` (y: 0 ham, 1 spam; batched as int32). Each line is
 * `label<TAB>text`, split without quote handling: the raw text contains quotes. Use with
 * `Tokenizer` and `split`.
 *
 * @example
 * ```ts
 * const { data } = await smsSpam({ from: '../shared/datasets/text' });
 * ```
 */
export async function smsSpam(options: FetchOptions = {}): Promise<SmsSpamData> {
  return smsSpamSpec.build(await fetchDatasetFiles(smsSpamSpec, options), {});
}
