import { describe, expect, it } from 'vitest';
import { make } from '../envs/registry.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { pickTheSign } from './test-envs.js';

const oracle = {
  predict: (o: Float32Array) => ((o[0] as number) > 0 ? 1 : 0),
  predictBatch: (o: Float32Array) => Array.from({ length: o.length / 2 }, (_, i) => ((o[2 * i] as number) > 0 ? 1 : 0)),
};

describe('evaluatePolicy', () => {
  it('reports per-episode returns and lengths, one env or several side by side', () => {
    const one = evaluatePolicy({ predict: oracle.predict }, pickTheSign(), { nEpisodes: 7 });
    expect(one.returns).toEqual(new Array(7).fill(10));
    expect(one.lengths).toEqual(new Array(7).fill(10));
    expect(one.meanReturn).toBe(10);
    expect(one.stdReturn).toBe(0);
    const many = evaluatePolicy(oracle, pickTheSign, { nEpisodes: 13, nEnvs: 4 });
    expect(many.returns).toHaveLength(13);
    expect(many.meanReturn).toBe(10);
  });

  it('population std of returns (NumPy’s std) and the time limit of registered envs', () => {
    let k = 0;
    // always push right: CartPole falls within a few dozen steps
    const r = evaluatePolicy({ predict: () => 1 }, 'CartPole-v1', { nEpisodes: 5, seed: 3 });
    const m = r.returns.reduce((a, b) => a + b, 0) / 5;
    expect(r.meanReturn).toBeCloseTo(m, 12);
    expect(r.stdReturn).toBeCloseTo(Math.sqrt(r.returns.reduce((a, b) => a + (b - m) ** 2, 0) / 5), 12);
    expect(r.lengths).toEqual(r.returns);
    expect(Math.max(...r.lengths)).toBeLessThan(100);
    const capped = evaluatePolicy({ predict: () => (k++ % 2) as number }, make('CartPole-v1', { maxEpisodeSteps: 20 }), { nEpisodes: 2 });
    expect(Math.max(...capped.lengths)).toBeLessThanOrEqual(20);
    expect(() => evaluatePolicy(oracle, pickTheSign(), { nEpisodes: 0 })).toThrow(/nEpisodes/);
  });
});
