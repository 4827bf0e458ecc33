// Fuzzed text loaders: CSV (inferred and declared column types) and JSON Lines, fed mutated strings
// and mutated UTF-8 bytes. Every case either yields its records or throws a TesseraError naming
// the file, within 200 ms and without allocating more than 64x its input + 1 MiB
// (see test-support/fuzz.ts).
// Cases per run: csv inferred 800 + csv typed 800 + csv bytes 400 + jsonl 600 + jsonl bytes 300 = 2900.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteMutations, checkParseAsync, fuzzParams, Tally, textMutations } from '../../../../test-support/fuzz.js';
import { csv } from './csv.js';
import { jsonl } from './jsonl.js';

const csvSeeds = [
  'a,b,c,d\n1,2.5,true,x\n3,-4,false,"y, z"\n5,6e3,yes,"q ""quoted"""\n',
  'a,b,c,d\r\n7,8,no,w\r\n9,10,1,"multi\nline"\r\n',
  'a,b,c,d\n0,0,0,\n',
];
const jsonlSeeds = [
  '{"text":"hi","label":1}\n{"text":"yo","label":0}\n\n{"text":"\\u00e9t\\u00e9","label":2}\n',
  '[1,2,3]\n"str"\n42\nnull\n{"nested":{"a":[true,false]}}\n',
];

async function drain<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of ds) out.push(x);
  return out;
}

const typed = { a: 'int', b: 'number', c: 'boolean', d: 'string' } as const;

describe('fuzzed text loaders yield records or throw a FormatError', () => {
  it('CSV, inferred types: 800 cases', async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(textMutations(csvSeeds), async (m) => {
        tally.add(
          await checkParseAsync(() => drain(csv(m.value, { name: 'iris.csv', missing: 'fill' })), m.value.length * 2, {
            names: /iris\.csv/,
          }),
        );
      }),
      fuzzParams(800, 60),
    );
    expect(tally.counts.parsed).toBeGreaterThan(50);
    expect(tally.counts.rejected).toBeGreaterThan(50);
  });

  it('CSV, declared types: 800 cases', async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(textMutations(csvSeeds), async (m) => {
        tally.add(
          await checkParseAsync(() => drain(csv(m.value, { name: 'iris.csv', columns: typed })), m.value.length * 2, {
            names: /iris\.csv/,
          }),
        );
      }),
      fuzzParams(800, 61),
    );
    expect(tally.counts.rejected).toBeGreaterThan(50);
  });

  it('CSV bytes: 400 cases', async () => {
    const seeds = csvSeeds.map((s) => new TextEncoder().encode(s));
    await fc.assert(
      fc.asyncProperty(byteMutations(seeds), async (m) => {
        await checkParseAsync(() => drain(csv(m.value, { name: 'iris.csv' })), m.value.length, { names: /iris\.csv/ });
      }),
      fuzzParams(400, 62),
    );
  });

  it('CSV: a stray quote before 50,000 more lines is reported in linear time', async () => {
    const text = `a,b\n1,"oops\n${'2,3\n'.repeat(50_000)}`;
    const t0 = performance.now();
    await expect(drain(csv(text, { name: 'big.csv' }))).rejects.toThrow('big.csv line 2: unterminated quoted field');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('JSONL: 600 cases', async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(textMutations(jsonlSeeds), async (m) => {
        tally.add(await checkParseAsync(() => drain(jsonl(m.value, { name: 'log.jsonl' })), m.value.length * 2, { names: /log\.jsonl/ }));
      }),
      fuzzParams(600, 63),
    );
    expect(tally.counts.parsed).toBeGreaterThan(50);
    expect(tally.counts.rejected).toBeGreaterThan(50);
  });

  it('JSONL bytes: 300 cases', async () => {
    const seeds = jsonlSeeds.map((s) => new TextEncoder().encode(s));
    await fc.assert(
      fc.asyncProperty(byteMutations(seeds), async (m) => {
        await checkParseAsync(() => drain(jsonl(m.value, { name: 'log.jsonl' })), m.value.length, { names: /log\.jsonl/ });
      }),
      fuzzParams(300, 64),
    );
  });
});
