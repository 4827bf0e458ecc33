/**
 * Options of {@link basicTokenize}.
 *
 * @example
 * ```ts
 * basicTokenize('Héllo!', { lowercase: false, stripAccents: true }); // ['Hello', '!']
 * ```
 */
export interface BasicTokenizeOptions {
  /** Lower-case the text (default true, as uncased BERT). */
  lowercase?: boolean;
  /** Remove accents (NFD, then drop combining marks); default: the value of `lowercase`. */
  stripAccents?: boolean;
  /** Put spaces around CJK ideographs so each is a word (default true). */
  tokenizeChineseChars?: boolean;
}

const WS = /^[ \t\n\r]$|^\p{Zs}$/u;
const CONTROL = /^\p{C}$/u;
const PUNCT = /^\p{P}$/u;
const MARK = /\p{Mn}/gu;

/**
 * BERT's whitespace test: space, tab, newline, carriage return and Unicode space separators (Zs).
 *
 * @example
 * ```ts
 * isWhitespace('\u00A0'); // true
 * isWhitespace('A'); // false
 * ```
 */
export function isWhitespace(ch: string): boolean {
  return WS.test(ch);
}

/**
 * BERT's control test: Unicode category C* except tab, newline and carriage return.
 *
 * @example
 * ```ts
 * isControl('\u0005'); // true
 * isControl('\t'); // false
 * ```
 */
export function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

/**
 * BERT's punctuation test: every non-letter, non-digit, non-space printable ASCII character
 * (so `$`, `^` and `` ` `` count) and Unicode category P*.
 *
 * @example
 * ```ts
 * isPunctuation('$'); // true
 * isPunctuation('A'); // false
 * ```
 */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return PUNCT.test(ch);
}

/**
 * BERT's CJK test: the CJK Unified Ideographs blocks (and extensions and compatibility
 * ideographs). Hiragana, Katakana and Hangul are not in it.
 *
 * @example
 * ```ts
 * isChineseChar('博'); // true
 * isChineseChar('あ'); // false
 * ```
 */
export function isChineseChar(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * BERT's BasicTokenizer: drops control characters (and U+0000, U+FFFD), maps whitespace to
 * spaces, isolates CJK ideographs, splits on whitespace, lower-cases and strips accents
 * (per the options), then splits every punctuation character off as its own token.
 *
 * @example
 * ```ts
 * basicTokenize(' \tHeLLo!how  \n Are yoU?  '); // ['hello', '!', 'how', 'are', 'you', '?']
 * basicTokenize('ah\u535A\u63A8zz'); // ['ah', '\u535A', '\u63A8', 'zz']
 * ```
 */
export function basicTokenize(text: string, options: BasicTokenizeOptions = {}): string[] {
  const lowercase = options.lowercase ?? true;
  const strip = options.stripAccents ?? lowercase;
  const cjk = options.tokenizeChineseChars ?? true;
  let clean = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    if (isWhitespace(ch)) clean += ' ';
    else if (cjk && isChineseChar(ch)) clean += ` ${ch} `;
    else clean += ch;
  }
  const out: string[] = [];
  for (let word of clean.split(' ')) {
    if (!word) continue;
    if (lowercase) word = word.toLowerCase();
    if (strip) word = word.normalize('NFD').replace(MARK, '');
    let cur = '';
    for (const ch of word) {
      if (isPunctuation(ch)) {
        if (cur) out.push(cur);
        out.push(ch);
        cur = '';
      } else cur += ch;
    }
    if (cur) out.push(cur);
  }
  return out;
}

/**
 * BERT's WordpieceTokenizer on one word: greedy longest-match-first over `vocab`, pieces after
 * the first prefixed with `##`. A word longer than `maxInputCharsPerWord` code points, or one
 * that cannot be covered, becomes `[unk]` as a whole.
 *
 * @example
 * ```ts
 * const vocab = new Set(['un', '##want', '##ed', 'runn', '##ing']);
 * wordPieces('unwanted', vocab, '[UNK]'); // ['un', '##want', '##ed']
 * wordPieces('unwantedX', vocab, '[UNK]'); // ['[UNK]']
 * ```
 */
export function wordPieces(word: string, vocab: { has(token: string): boolean }, unk: string, maxInputCharsPerWord = 100): string[] {
  const chars = Array.from(word);
  if (chars.length > maxInputCharsPerWord) return [unk];
  const out: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let piece: string | null = null;
    while (start < end) {
      let sub = chars.slice(start, end).join('');
      if (start > 0) sub = `##${sub}`;
      if (vocab.has(sub)) {
        piece = sub;
        break;
      }
      end--;
    }
    if (piece === null) return [unk];
    out.push(piece);
    start = end;
  }
  return out;
}
