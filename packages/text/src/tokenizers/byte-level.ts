/**
 * GPT-2's pre-tokenization pattern: contractions, runs of letters, of digits, of other symbols
 * (each optionally preceded by one space) and runs of whitespace. BPE merges never cross the
 * boundaries of these chunks.
 *
 * @example
 * ```ts
 * "Hello world's 123!!".match(new RegExp(GPT2_PATTERN, 'gu')); // ['Hello', ' world', "'s", ' 123', '!!']
 * ```
 */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * Splits `text` into pre-tokenization chunks with `pattern` (flags `gu`). Characters no match
 * covers become chunks of their own, so the chunks always concatenate back to `text`.
 *
 * @example
 * ```ts
 * preTokenize('  hi there', GPT2_PATTERN); // [' ', ' hi', ' there']
 * ```
 */
export function preTokenize(text: string, pattern: string | RegExp): string[] {
  const re = typeof pattern === 'string' ? new RegExp(pattern, 'gu') : new RegExp(pattern.source, 'gu');
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (m[0].length === 0) continue;
    if (at > last) out.push(text.slice(last, at));
    out.push(m[0]);
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

let table: string[] | null = null;

/**
 * GPT-2's printable stand-in for each byte (`bytes_to_unicode`): printable Latin-1 bytes map to
 * themselves, the others to code points from 256 up, so byte-level tokens read as text
 * (a space is 'Ġ', a newline 'Ċ').
 *
 * @example
 * ```ts
 * byteToUnicode()[32]; // 'Ġ'
 * byteToUnicode()[97]; // 'a'
 * ```
 */
export function byteToUnicode(): readonly string[] {
  if (table) return table;
  const t: string[] = new Array(256);
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let n = 0;
  for (let b = 0; b < 256; b++) t[b] = String.fromCodePoint(printable(b) ? b : 256 + n++);
  table = t;
  return t;
}
