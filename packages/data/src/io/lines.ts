import { type ByteSource, chunks } from './source.js';

/**
 * Splits a byte/text source into arrays of lines, one array per input chunk (UTF-8, LF or CRLF),
 * streaming: memory stays bounded by the chunk size and the longest line. Cheaper per line than
 * {@link readLines} (one await per chunk, not per line).
 *
 * @example
 * ```ts
 * for await (const lines of readLineChunks(stream)) for (const line of lines) parse(line);
 * ```
 */
export async function* readLineChunks(src: ByteSource): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const c of chunks(src)) {
    const text = rest + (typeof c === 'string' ? c : decoder.decode(c, { stream: true }));
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(text.slice(start, end));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  rest += decoder.decode();
  if (rest.length > 0) yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/**
 * Splits a byte/text source into lines (UTF-8, LF or CRLF), streaming: memory stays bounded by
 * the longest line, whatever the file size.
 *
 * @example
 * ```ts
 * for await (const line of readLines('a\nb\n')) console.log(line);
 * ```
 */
export async function* readLines(src: ByteSource): AsyncGenerator<string> {
  for await (const lines of readLineChunks(src)) yield* lines;
}
