import { describe, expect, it } from 'vitest';
import { jsonl } from './jsonl.js';

describe('jsonl', () => {
  it('parses one value per line, skipping blank lines', async () => {
    expect(await jsonl('{"a":1}\n\n{"a":2}\r\n[3]').toArray()).toEqual([{ a: 1 }, { a: 2 }, [3]]);
  });

  it('a corrupt line throws with its line number', async () => {
    await expect(jsonl('{"a":1}\n{"a":\n', { name: 'd.jsonl' }).toArray()).rejects.toThrow(/jsonl: d.jsonl line 2: invalid JSON/);
    // truncated copy: the last record is cut in half
    const full = '{"text":"hello","y":0}\n{"text":"world","y":1}\n';
    await expect(jsonl(full.slice(0, full.length - 8)).toArray()).rejects.toThrow(/line 2: invalid JSON/);
  });
});
