import { FormatError } from '@tessera/core';
import { readLines } from '../io/lines.js';
import type { ByteSource } from '../io/source.js';
import { Dataset } from '../pipeline/dataset.js';

/**
 * Streams JSON Lines: one JSON value per line (blank lines skipped). A malformed line throws a
 * `FormatError` naming the line number. JSON numbers batch as float32: declare integer labels
 * with `withSpec`, e.g. `jsonl(src).withSpec({ label: { dtype: 'int32', shape: [] } })`.
 *
 * @example
 * ```ts
 * const ds = jsonl<{ text: string; label: number }>('{"text":"hi","label":1}\n');
 * ```
 */
export function jsonl<T = unknown>(source: ByteSource, options: { name?: string } = {}): Dataset<T> {
  const name = options.name ?? 'jsonl';
  return new Dataset(async function* () {
    let lineNo = 0;
    for await (const line of readLines(source)) {
      lineNo++;
      if (line.trim().length === 0) continue;
      try {
        yield JSON.parse(line) as T;
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        throw new FormatError('jsonl', `${name} line ${lineNo}: invalid JSON (${e.message}): ${JSON.stringify(line.slice(0, 60))}`, {
          cause: e,
        });
      }
    }
  });
}
