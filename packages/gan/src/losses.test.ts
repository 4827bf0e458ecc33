import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor2d } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ganLoss, ganLossNames } from './losses.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const r = [2, -1];
const f = [0.5, -3];
const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const value = (t: { dataSync(): ArrayLike<number>; dispose(): void }) => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};

describe('GAN losses against hand-computed values', () => {
  const expected: Record<string, { d: number; g: number }> = {
    nonSaturating: { d: mean(r.map((x) => softplus(-x))) + mean(f.map((x) => softplus(x))), g: mean(f.map((x) => softplus(-x))) },
    hinge: { d: mean(r.map((x) => Math.max(0, 1 - x))) + mean(f.map((x) => Math.max(0, 1 + x))), g: -mean(f) },
    leastSquares: {
      d: 0.5 * mean(r.map((x) => (x - 1) ** 2)) + 0.5 * mean(f.map((x) => x * x)),
      g: 0.5 * mean(f.map((x) => (x - 1) ** 2)),
    },
    wasserstein: { d: mean(f) - mean(r), g: -mean(f) },
  };
  it.each(ganLossNames.map((n) => [n]))('%s', (name) => {
    const l = ganLoss(name);
    const want = expected[name] as { d: number; g: number };
    expect(value(l.discriminator(tensor2d(r, [2, 1]), tensor2d(f, [2, 1])))).toBeCloseTo(want.d, 6);
    expect(value(l.generator(tensor2d(f, [2, 1])))).toBeCloseTo(want.g, 6);
  });
  it('hinge: d = (0 + 2)/2 + (1.5 + 0)/2 by hand', () => {
    expect(value(ganLoss('hinge').discriminator(tensor2d(r, [2, 1]), tensor2d(f, [2, 1])))).toBeCloseTo(1.75, 6);
  });
  it('an unknown name is a ValueError naming the choices', () => {
    expect(() => ganLoss('minimax' as never)).toThrow(/gan loss.*nonSaturating, hinge, leastSquares, wasserstein.*minimax/s);
  });
});
