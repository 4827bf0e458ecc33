/**
 * Splits one CSV record into fields (RFC 4180 quoting: `"a,b"`, `""` for a quote). Returns
 * undefined when a quoted field is still open at the end of `line` (the record continues on the next line).
 * With `quote` false, `"` is an ordinary character and the line is split on every delimiter (raw text).
 * The one CSV splitter of Tessera: `@tessera/data`'s `csv` and built-in datasets and `@tessera/train`'s
 * CSV logger use it.
 *
 * @example
 * ```ts
 * splitCsvRecord('a,"b,c",d', ','); // ['a', 'b,c', 'd']
 * splitCsvRecord('ham\tsay "hi"', '\t', false); // ['ham', 'say "hi"']
 * ```
 */
export function splitCsvRecord(line: string, delimiter: string, quote = true): string[] | undefined {
  if (!quote || !line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
    } else if (ch === '"' && field.length === 0) {
      quoted = true;
      i++;
    } else if (line.startsWith(delimiter, i)) {
      out.push(field);
      field = '';
      i += delimiter.length;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) return undefined;
  out.push(field);
  return out;
}
