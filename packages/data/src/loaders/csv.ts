import { FormatError, splitCsvRecord, ValueError } from '@tessera/core';
import { readLineChunks } from '../io/lines.js';
import type { ByteSource } from '../io/source.js';
import { Dataset } from '../pipeline/dataset.js';
import type { ElementSpec, LeafSpec } from '../pipeline/spec.js';

/**
 * Column types: `number` (float), `int`, `string`, `boolean` (true/false/1/0/yes/no).
 *
 * @example
 * ```ts
 * const columns: Record<string, CsvType> = { age: 'int', income: 'number', city: 'string', member: 'boolean' };
 * const rows = csv(text, { columns });
 * ```
 */
export type CsvType = 'number' | 'int' | 'string' | 'boolean';
/**
 * A parsed CSV value.
 *
 * @example
 * ```ts
 * for await (const row of csv('name,score\nada,9.5\n')) {
 *   const score: CsvValue = row.score; // 9.5 (number)
 * }
 * ```
 */
export type CsvValue = number | string | boolean;

/**
 * Options of {@link csv}.
 *
 * @example
 * ```ts
 * const rows = csv(tsvText, {
 *   delimiter: '\t',
 *   header: ['label', 'text'],
 *   columns: { label: 'string', text: 'string' },
 *   quote: false,
 *   name: 'SMSSpamCollection.tsv',
 * });
 * ```
 */
export interface CsvOptions {
  /** Field separator (default ','; use '\t' for TSV). */
  delimiter?: string;
  /** true: the first row names the columns (default); false: columns are "0", "1", ...; a list: these names, no header row. */
  header?: boolean | string[];
  /** Column types; columns not listed are inferred from the first data row (number when it parses, else string). */
  columns?: Record<string, CsvType>;
  /** Keep only these columns, in this order. */
  select?: string[];
  /** Missing values: 'error' (default) throws naming line and column; 'drop' skips the row; 'fill' uses `fill`. */
  missing?: 'error' | 'drop' | 'fill';
  /** Fill value(s) for `missing: 'fill'`: one for all columns or per column (default NaN / ''). */
  fill?: CsvValue | Record<string, CsvValue>;
  /** Strings that mean "missing" (default '', 'NA', 'N/A', 'NaN', 'nan', 'null'). */
  naValues?: string[];
  /** Treat `"` as a quote character (default true); false splits on the delimiter only (raw text such as the SMS corpus). */
  quote?: boolean;
  /** Where errors say the data came from (a file name). */
  name?: string;
}

const DEFAULT_NA = ['', 'NA', 'N/A', 'NaN', 'nan', 'null'];

function parseValue(raw: string, type: CsvType, name: string, line: number, col: string): CsvValue {
  if (type === 'number' || type === 'int') {
    const n = +raw;
    if (Number.isFinite(n) && (type === 'number' || Number.isInteger(n)) && (n !== 0 || raw.trim().length > 0)) return n;
    throw new FormatError(
      'csv',
      `${name} line ${line}, column "${col}": expected ${type === 'int' ? 'an integer' : 'a number'}, received ${JSON.stringify(raw)}`,
    );
  }
  if (type === 'string') return raw;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new FormatError('csv', `${name} line ${line}, column "${col}": expected a boolean, received ${JSON.stringify(raw)}`);
}

/** Columns declared `int` batch as int32 (unless a non-integer fill value can appear). */
function intSpec(options: CsvOptions): ElementSpec | undefined {
  const spec: Record<string, LeafSpec> = {};
  for (const [col, type] of Object.entries(options.columns ?? {})) {
    if (type !== 'int' || (options.select && !options.select.includes(col))) continue;
    if (options.missing === 'fill') {
      const f = options.fill;
      const fv = f !== null && typeof f === 'object' ? f[col] : f;
      if (typeof fv !== 'number' || (fv | 0) !== fv) continue;
    }
    spec[col] = { dtype: 'int32', shape: [] };
  }
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/**
 * Streams a CSV/TSV source as records `{ column: value }`: typed columns, header handling, a
 * missing-value policy. Reading is streamed line by line, so files larger than memory work
 * (pass a function returning a fresh stream, e.g. `csvFile` from `@tessera/data/node`).
 * Columns declared `int` are in the dataset's spec, so `batch` makes them int32; other numbers
 * batch as float32.
 *
 * @example
 * ```ts
 * const rows = csv(text, { columns: { species: 'string' }, missing: 'drop' });
 * for await (const r of rows) console.log(r.sepal_length, r.species);
 * ```
 */
export function csv(source: ByteSource, options: CsvOptions = {}): Dataset<Record<string, CsvValue>> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length === 0 || delimiter.includes('"') || delimiter.includes('\n')) {
    throw new ValueError('csv delimiter', 'a non-empty string without quotes or newlines', delimiter);
  }
  const na = new Set(options.naValues ?? DEFAULT_NA);
  const naMaxLength = Math.max(0, ...[...na].map((v) => v.length));
  const policy = options.missing ?? 'error';
  const name = options.name ?? 'csv';
  const quote = options.quote !== false;
  return new Dataset(async function* () {
    let names: string[] | undefined = Array.isArray(options.header) ? options.header : undefined;
    const useHeaderRow = options.header === undefined || options.header === true;
    let types: CsvType[] | undefined;
    let keep: number[] | undefined;
    let lineNo = 0;
    let pending = '';
    let startLine = 0;
    for await (const lines of readLineChunks(source)) {
      const batch: Record<string, CsvValue>[] = [];
      for (const line of lines) {
        lineNo++;
        const text = pending ? `${pending}\n${line}` : line;
        if (!pending) startLine = lineNo;
        // An open quoted field can only close at a quote: skip re-splitting the whole pending
        // record for lines without one (keeps a stray quote from making the read quadratic).
        if (pending && !line.includes('"')) {
          pending = text;
          continue;
        }
        const fields = splitCsvRecord(text, delimiter, quote);
        if (!fields) {
          pending = text;
          continue;
        }
        pending = '';
        if (text.length === 0) continue;
        if (!names) {
          if (useHeaderRow) {
            names = fields.map((f) => f.trim());
            continue;
          }
          names = fields.map((_, i) => String(i));
        }
        if (fields.length !== names.length) {
          throw new FormatError('csv', `${name} line ${startLine}: expected ${names.length} fields, received ${fields.length}`);
        }
        if (!keep) {
          const cols = options.select ?? names;
          // A column the options name but the data lacks: the file's fault when its header row
          // names the columns, the options' fault otherwise.
          const unknownColumn = (option: string, c: string): Error =>
            useHeaderRow
              ? new FormatError(
                  'csv',
                  `${name} header: no column ${JSON.stringify(c)} (named in ${option}); the header has ${JSON.stringify(names)}`,
                )
              : new ValueError(`csv ${option} (${name})`, `one of the columns ${JSON.stringify(names)}`, c);
          keep = cols.map((c) => {
            const i = names!.indexOf(c);
            if (i < 0) throw unknownColumn('select', c);
            return i;
          });
          for (const c of Object.keys(options.columns ?? {})) {
            if (!names.includes(c)) throw unknownColumn('columns', c);
          }
          types = keep.map((i) => {
            const col = names![i]!;
            const declared = options.columns?.[col];
            if (declared) return declared;
            const raw = fields[i]!;
            return !na.has(raw) && raw.trim() !== '' && Number.isFinite(Number(raw)) ? 'number' : 'string';
          });
        }
        const rec: Record<string, CsvValue> = {};
        let drop = false;
        for (let k = 0; k < keep.length; k++) {
          const i = keep[k]!;
          const col = names[i]!;
          const raw = fields[i]!;
          const type = types![k]!;
          if (raw.length <= naMaxLength && na.has(raw)) {
            if (policy === 'drop') {
              drop = true;
              break;
            }
            if (policy === 'error') {
              throw new FormatError(
                'csv',
                `${name} line ${startLine}, column "${col}": missing value ${JSON.stringify(raw)} (set missing: 'drop' or 'fill')`,
              );
            }
            const f = options.fill;
            const fv = f !== null && typeof f === 'object' ? f[col] : f;
            rec[col] = fv ?? (type === 'string' ? '' : Number.NaN);
            continue;
          }
          rec[col] = parseValue(raw, type, name, startLine, col);
        }
        if (!drop) batch.push(rec);
      }
      for (const r of batch) yield r;
    }
    if (pending) throw new FormatError('csv', `${name} line ${startLine}: unterminated quoted field`);
  }).withSpec(intSpec(options));
}
