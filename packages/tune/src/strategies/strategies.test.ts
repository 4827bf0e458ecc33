import { describe, expect, it } from 'vitest';
import { hyperband, hyperbandBrackets } from './hyperband.js';
import { randomSearch } from './random-search.js';
import type { Job, JobResult, Strategy } from './strategy.js';
import { successiveHalving, successiveHalvingRungs } from './successive-halving.js';

const rungs = (b: { rungs: Array<{ configs: number; epochs: number }> }) => b.rungs.map((r) => [r.configs, r.epochs]);

/** Runs a strategy to the end, scoring each job with `score(job)`. */
function drive(s: Strategy, score: (j: Job) => number | null, direction: 'min' | 'max' = 'max'): JobResult[] {
  const done: JobResult[] = [];
  for (let job = s.next(done, direction); job; job = s.next(done, direction)) done.push({ ...job, score: score(job) });
  return done;
}

describe('Hyperband brackets (Li et al. 2018)', () => {
  it('maxEpochs 27, eta 3: the hand-computed schedule', () => {
    // sMax = 3, B = 4 * 27 = 108; n = ceil(4 * 3^s / (s + 1)), r = 27 / 3^s
    // s=3: n=27, r=1;  s=2: n=ceil(36/3)=12, r=3;  s=1: n=ceil(12/2)=6, r=9;  s=0: n=4, r=27
    const b = hyperbandBrackets(27, 3);
    expect(b.map(rungs)).toEqual([
      [
        [27, 1],
        [9, 3],
        [3, 9],
        [1, 27],
      ],
      [
        [12, 3],
        [4, 9],
        [1, 27],
      ],
      [
        [6, 9],
        [2, 27],
      ],
      [[4, 27]],
    ]);
    expect(b.map((x) => x.firstConfig)).toEqual([0, 27, 39, 45]);
    const epochs = b.flatMap((x) => x.rungs.map((r) => r.configs * r.epochs)).reduce((a, c) => a + c, 0);
    expect(epochs).toBe(108 + 99 + 108 + 108);
  });

  it('maxEpochs 81, eta 3: Table 1 of the Hyperband paper', () => {
    expect(hyperbandBrackets(81, 3).map(rungs)).toEqual([
      [
        [81, 1],
        [27, 3],
        [9, 9],
        [3, 27],
        [1, 81],
      ],
      [
        [34, 3],
        [11, 9],
        [3, 27],
        [1, 81],
      ],
      [
        [15, 9],
        [5, 27],
        [1, 81],
      ],
      [
        [8, 27],
        [2, 81],
      ],
      [[5, 81]],
    ]);
  });

  it('a maxEpochs that is not a power of eta rounds budgets up (10, eta 3: sMax 2)', () => {
    // n = ceil(3 * 3^s / (s + 1)): 9, 5, 3; epochs ceil(10 / 3^(s - i))
    expect(hyperbandBrackets(10, 3).map(rungs)).toEqual([
      [
        [9, 2],
        [3, 4],
        [1, 10],
      ],
      [
        [5, 4],
        [1, 10],
      ],
      [[3, 10]],
    ]);
    expect(() => hyperbandBrackets(0, 3)).toThrow(/maxEpochs/);
    expect(() => hyperbandBrackets(9, 1.5)).toThrow(/factor/);
  });

  it('runs every job of the schedule once; iterations repeat it with new configurations', () => {
    const done = drive(hyperband({ maxEpochs: 9, factor: 3 }), (j) => j.config);
    // rung sizes 9,3,1 + 5,1 + 3
    expect(done.length).toBe(22);
    expect(new Set(done.map((d) => d.config)).size).toBe(17);
    const twice = drive(hyperband({ maxEpochs: 9, factor: 3, iterations: 2 }), (j) => j.config);
    expect(twice.length).toBe(44);
    expect(Math.max(...twice.map((d) => d.config))).toBe(33);
  });
});

describe('successive halving', () => {
  it('rungs: 27 configs at 1 epoch, then 9 at 3, 3 at 9, 1 at 27; maxEpochs cuts the ladder', () => {
    expect(rungs({ rungs: successiveHalvingRungs({ configs: 27, minEpochs: 1, factor: 3 }) })).toEqual([
      [27, 1],
      [9, 3],
      [3, 9],
      [1, 27],
    ]);
    expect(rungs({ rungs: successiveHalvingRungs({ configs: 10, minEpochs: 2, factor: 2, maxEpochs: 8 }) })).toEqual([
      [10, 2],
      [5, 4],
      [2, 8],
    ]);
  });

  it('promotes the top 1/eta of each rung (max and min objectives)', () => {
    // score = a fixed per-config value; the survivors of each rung are then known by hand
    const value = [5, 9, 1, 7, 3, 8, 2, 6, 4]; // config i scores value[i]
    const done = drive(successiveHalving({ configs: 9, minEpochs: 1, factor: 3 }), (j) => value[j.config]! + j.epochs / 100, 'max');
    const members = (rung: number) => done.filter((d) => d.rung === rung).map((d) => d.config);
    expect(members(0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(members(1)).toEqual([1, 3, 5]); // scores 9, 7, 8: the top 3, run in config order
    expect(members(2)).toEqual([1]);
    expect(done.filter((d) => d.rung === 1).every((d) => d.epochs === 3)).toBe(true);
    const lowest = drive(successiveHalving({ configs: 9, minEpochs: 1, factor: 3 }), (j) => value[j.config]!, 'min');
    expect(lowest.filter((d) => d.rung === 1).map((d) => d.config)).toEqual([2, 4, 6]); // scores 1, 3, 2
    expect(lowest.filter((d) => d.rung === 2).map((d) => d.config)).toEqual([2]);
  });

  it('promotes on the latest rung, not the first; failed trials are never promoted', () => {
    // rung 0 favours configs 0..2, rung 1 reverses the order
    const done = drive(successiveHalving({ configs: 9, minEpochs: 1, factor: 3 }), (j) => (j.rung === 0 ? 9 - j.config : j.config));
    expect(done.filter((d) => d.rung === 1).map((d) => d.config)).toEqual([0, 1, 2]);
    expect(done.filter((d) => d.rung === 2).map((d) => d.config)).toEqual([2]);
    const failing = drive(successiveHalving({ configs: 9, minEpochs: 1, factor: 3 }), (j) => (j.config < 8 ? null : 1));
    expect(failing.filter((d) => d.rung === 1).map((d) => d.config)).toEqual([8]);
    // ties break toward the lower configuration index
    const ties = drive(successiveHalving({ configs: 9, minEpochs: 1, factor: 3 }), () => 0.5);
    expect(ties.filter((d) => d.rung === 1).map((d) => d.config)).toEqual([0, 1, 2]);
  });
});

describe('random search', () => {
  it('runs `trials` new configurations at one budget', () => {
    const done = drive(randomSearch({ trials: 4, epochs: 7 }), () => 0);
    expect(done.map((d) => [d.config, d.epochs])).toEqual([
      [0, 7],
      [1, 7],
      [2, 7],
      [3, 7],
    ]);
    expect(() => randomSearch({ trials: 0, epochs: 1 })).toThrow(/trials/);
  });
});
