import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { engine, getBackend } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { coreRows } from './bad-input/core.js';
import { dataRows } from './bad-input/data.js';
import { layersRows } from './bad-input/layers.js';
import { lossesRows } from './bad-input/losses.js';
import { optimizersRows } from './bad-input/optimizers.js';
import { mismatch, thrownBy } from './bad-input/table.js';
import { tensorRows } from './bad-input/tensor.js';
import { trainRows } from './bad-input/train.js';

/**
 * Wrong calls across the packages, one table: each must throw a Tessera error of the listed class
 * and code whose message names the argument, the expected and the received value.
 */
const rows = [...coreRows, ...tensorRows, ...layersRows, ...lossesRows, ...optimizersRows, ...dataRows, ...trainRows];

beforeAll(async () => {
  await useBackend(cpu());
});

describe('bad API input on the cpu backend', () => {
  it('has at least 70 rows across the packages', () => {
    expect(getBackend()).toBe('cpu');
    expect(rows.length).toBeGreaterThanOrEqual(70);
    expect([...new Set(rows.map((r) => r.pkg))].sort()).toEqual(['core', 'data', 'layers', 'losses', 'optimizers', 'tensor', 'train']);
  });

  for (const row of rows) {
    it(`${row.pkg}: ${row.label}`, async () => {
      engine().startScope();
      let err: unknown;
      try {
        err = await thrownBy(row.run);
      } finally {
        engine().endScope();
      }
      const problem = mismatch(row, err);
      if (problem) expect.fail(problem);
    });
  }
});
