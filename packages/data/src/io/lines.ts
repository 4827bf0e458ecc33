import { type ByteSource, chunks } from './source.js';

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
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const c of chunks(src)) {
    const text = rest + (typeof c === 'string' ? c : decoder.decode(c, { stream: true }));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}
