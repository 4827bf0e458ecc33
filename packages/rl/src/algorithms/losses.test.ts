import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor1d, tidy } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { a2cLoss } from './a2c.js';
import { ppoLoss } from './ppo-loss.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const inputs = () => ({
  // ratios 1.5 and 0.5
  logProb: tensor1d([Math.log(1.5), Math.log(0.5)]),
  oldLogProb: tensor1d([0, 0]),
  values: tensor1d([1, 2]),
  oldValues: tensor1d([0, 0]),
  returns: tensor1d([2, 1]),
  advantages: tensor1d([1, -1]),
  entropy: tensor1d([0.6, 0.8]),
});
const read = (terms: Record<string, { dataSync(): ArrayLike<number> }>) =>
  Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, v.dataSync()[0] as number]));

describe('ppoLoss', () => {
  it('matches hand-computed terms (clipped surrogate, value clipping, entropy, KL, clip fraction)', () => {
    const t = tidy(() =>
      read(ppoLoss(inputs(), { clipRange: 0.2, clipRangeVf: 0.5, entCoef: 0.01, vfCoef: 0.5, normalizeAdvantage: false }) as never),
    );
    // A = 1, r = 1.5: min(1.5, 1.2) = 1.2; A = -1, r = 0.5: min(-0.5, -0.8) = -0.8; policy loss -mean = -0.2
    expect(t.policyLoss).toBeCloseTo(-0.2, 6);
    // values clipped to 0 ± 0.5: (2 - 0.5)² and (1 - 0.5)², mean 1.25
    expect(t.valueLoss).toBeCloseTo(1.25, 6);
    expect(t.entropyLoss).toBeCloseTo(-0.7, 6);
    expect(t.loss).toBeCloseTo(-0.2 + 0.01 * -0.7 + 0.5 * 1.25, 6);
    // ((0.5 - ln 1.5) + (-0.5 - ln 0.5)) / 2
    expect(t.approxKl).toBeCloseTo((0.5 - Math.log(1.5) + (-0.5 - Math.log(0.5))) / 2, 6);
    expect(t.clipFraction).toBe(1);
  });

  it('without value clipping uses the plain squared error', () => {
    const t = tidy(() =>
      read(ppoLoss(inputs(), { clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0.5, normalizeAdvantage: false }) as never),
    );
    expect(t.valueLoss).toBeCloseTo(1, 6);
    expect(t.loss).toBeCloseTo(-0.2 + 0.5, 6);
  });

  it('normalizes advantages with the unbiased standard deviation (as torch)', () => {
    const t = tidy(() =>
      read(ppoLoss(inputs(), { clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0, normalizeAdvantage: true }) as never),
    );
    // [1, -1] → mean 0, std √2 → ±1/√2: min(1.5, 1.2)/√2 and min(-0.5, -0.8)/√2 → -(1.2 - 0.8)/(2√2)
    expect(t.policyLoss).toBeCloseTo(-(1.2 - 0.8) / (2 * Math.SQRT2), 6);
    // ratio inside the clip range: no clipping
    const inside = tidy(() =>
      read(
        ppoLoss(
          { ...inputs(), logProb: tensor1d([Math.log(1.1), Math.log(0.95)]) },
          { clipRange: 0.2, clipRangeVf: null, entCoef: 0, vfCoef: 0, normalizeAdvantage: false },
        ) as never,
      ),
    );
    expect(inside.policyLoss).toBeCloseTo(-(1.1 - 0.95) / 2, 6);
    expect(inside.clipFraction).toBe(0);
  });
});

describe('a2cLoss', () => {
  it('matches hand-computed terms', () => {
    const t = tidy(() =>
      read(
        a2cLoss(
          {
            logProb: tensor1d([Math.log(0.5), Math.log(0.25)]),
            values: tensor1d([1, 2]),
            returns: tensor1d([2, 1]),
            advantages: tensor1d([1, -1]),
            entropy: tensor1d([0.6, 0.8]),
          },
          { entCoef: 0.01, vfCoef: 0.5 },
        ) as never,
      ),
    );
    const pl = -(Math.log(0.5) - Math.log(0.25)) / 2;
    expect(t.policyLoss).toBeCloseTo(pl, 6);
    expect(t.valueLoss).toBeCloseTo(1, 6);
    expect(t.entropyLoss).toBeCloseTo(-0.7, 6);
    expect(t.loss).toBeCloseTo(pl - 0.007 + 0.5, 6);
  });
});
