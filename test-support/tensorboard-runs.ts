// Test-only: TensorBoard runs kept in memory (one event writer per run, made on first use), whose
// records read back as text, for the tests of the TensorBoard callback in train, gan and rl.

/** What the helper needs of an event writer: the bytes written so far. */
interface BytesWriter {
  bytes(): Uint8Array;
}

/**
 * In-memory TensorBoard runs: `open` is the callback's run opener (one writer per run, made by
 * `make` on first use); `records(run)` decodes that run's TFRecords with `decode` and reads each
 * as latin1 text (tags and text summaries show as plain substrings).
 */
export function memoryRuns<W extends BytesWriter, R extends string = string>(
  make: () => W,
  decode: (bytes: Uint8Array) => Uint8Array[],
): { runs: Partial<Record<R, W>>; open: (run: R) => W; records: (run: R) => string[] } {
  const runs: Partial<Record<R, W>> = {};
  const latin1 = new TextDecoder('latin1');
  return {
    runs,
    open: (run) => {
      runs[run] ??= make();
      return runs[run] as W;
    },
    records: (run) => {
      const writer = runs[run];
      if (!writer) throw new Error(`memoryRuns: nothing was written to the run "${run}"`);
      return decode(writer.bytes()).map((r) => latin1.decode(r));
    },
  };
}
