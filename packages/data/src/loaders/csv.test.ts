import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../test-utils/paths.js';
import { csv } from './csv.js';

describe('csv', () => {
  it('columns declared int batch as int32, other numbers as float32', async () => {
    await useBackend(cpu());
    const ds = csv('id,score\n1,0.5\n2,3\n', { columns: { id: 'int' } });
    expect(ds.spec).toEqual({ id: { dtype: 'int32', shape: [] } });
    const [b] = await ds.batch(2).toArray();
    const { id, score } = b as Record<string, Tensor>;
    expect([id!.dtype, score!.dtype]).toEqual(['int32', 'float32']);
    expect(Array.from(id!.dataSync())).toEqual([1, 2]);
    id!.dispose();
    score!.dispose();
    expect(csv('id\n1\n', { columns: { id: 'int' }, missing: 'fill' }).spec).toBeUndefined(); // NaN fill
    expect(csv('id\n1\n', { columns: { id: 'int' }, missing: 'fill', fill: -1 }).spec).toEqual({ id: { dtype: 'int32', shape: [] } });
  });

  it('types columns, reads headers, quoted newlines, CRLF and chunk boundaries', async () => {
    const text = 'id,name,score,ok\r\n1,"Ann, A.",3.5,true\r\n2,"multi\nline",-1,no\r\n';
    const bytes = new TextEncoder().encode(text);
    const oneByteChunks = () =>
      (function* () {
        for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
      })();
    for (const src of [text, bytes, oneByteChunks]) {
      const rows = await csv(src, { columns: { id: 'int', ok: 'boolean' } }).toArray();
      expect(rows).toEqual([
        { id: 1, name: 'Ann, A.', score: 3.5, ok: true },
        { id: 2, name: 'multi\nline', score: -1, ok: false },
      ]);
    }
  });

  it('header: false / names, select, TSV', async () => {
    expect(await csv('1\t2\n3\t4\n', { header: false, delimiter: '\t' }).toArray()).toEqual([
      { 0: 1, 1: 2 },
      { 0: 3, 1: 4 },
    ]);
    expect(await csv('1,2\n', { header: ['a', 'b'], select: ['b'] }).toArray()).toEqual([{ b: 2 }]);
  });

  it('missing values: error (default), drop, fill', async () => {
    const text = 'a,b\n1,2\n,3\n4,NA\n';
    await expect(csv(text).toArray()).rejects.toThrow(/csv: csv line 3, column "a": missing value ""/);
    expect(await csv(text, { missing: 'drop' }).toArray()).toEqual([{ a: 1, b: 2 }]);
    expect(await csv(text, { missing: 'fill', fill: { a: -1, b: 0 } }).toArray()).toEqual([
      { a: 1, b: 2 },
      { a: -1, b: 3 },
      { a: 4, b: 0 },
    ]);
    const nan = await csv(text, { missing: 'fill' }).toArray();
    expect(Number.isNaN(nan[1]!.a)).toBe(true);
  });

  it('corrupt input gives clear errors: wrong field count, bad number, unterminated quote', async () => {
    await expect(csv('a,b\n1,2\n3\n', { name: 'x.csv' }).toArray()).rejects.toThrow(/x.csv line 3: expected 2 fields, received 1/);
    await expect(csv('a,b\n1,2\n3,zz\n', { columns: { b: 'number' } }).toArray()).rejects.toThrow(
      /line 3, column "b": expected a number, received "zz"/,
    );
    await expect(csv('a,b\n1,"2\n').toArray()).rejects.toThrow(/unterminated quoted field/);
  });

  it('reads the real iris.csv (150 rows, first and last records)', async () => {
    const bytes = readFileSync(join(DATASETS, 'iris/iris.csv'));
    const rows = await csv(bytes).toArray();
    expect(rows).toHaveLength(150);
    expect(rows[0]).toEqual({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, species: 'setosa' });
    expect(rows[149]).toEqual({ sepal_length: 5.9, sepal_width: 3, petal_length: 5.1, petal_width: 1.8, species: 'virginica' });
    // corrupted copy: a value replaced by text fails with the line number
    const bad = bytes.toString().replace('4.9,3.0,1.4,0.2', '4.9,x,1.4,0.2');
    await expect(csv(bad).toArray()).rejects.toThrow(/line 3, column "sepal_width": expected a number, received "x"/);
    // truncated copy: the last row loses fields
    const cut = bytes.subarray(0, bytes.length - 12);
    await expect(csv(cut).toArray()).rejects.toThrow(/line 151: expected 5 fields/);
  });
});
