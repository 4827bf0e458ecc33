import { describe, expect, it } from 'vitest';
import { checkSchedule, linearSchedule, scheduleFromJSON, scheduleToJSON, scheduleValue } from './schedule.js';

describe('schedules of the progress remaining', () => {
  it('linearSchedule goes from start (progress 1) to end (progress 0), as rl-zoo lin_<x>', () => {
    const lr = linearSchedule(1e-3);
    expect(lr(1)).toBe(1e-3);
    expect(lr(0.25)).toBeCloseTo(2.5e-4, 15);
    expect(lr(0)).toBe(0);
    expect(linearSchedule(0.2, 0.1)(0.5)).toBeCloseTo(0.15, 15);
    expect(scheduleValue(0.3, 0.1)).toBe(0.3);
  });

  it('round-trips through JSON (linear as such, custom by its start value)', () => {
    const saved = JSON.parse(JSON.stringify({ lr: linearSchedule(1e-3), c: scheduleToJSON((p) => 0.1 * p), n: 0.5 }));
    expect(saved.lr).toEqual({ schedule: 'linear', start: 1e-3, end: 0 });
    expect(scheduleFromJSON(saved.lr) as (p: number) => number).toBeTypeOf('function');
    expect((scheduleFromJSON(saved.lr) as (p: number) => number)(0.5)).toBeCloseTo(5e-4, 15);
    expect(scheduleFromJSON(saved.c)).toBe(0.1);
    expect(scheduleFromJSON(saved.n)).toBe(0.5);
    expect(() => checkSchedule(-1, 'PPO learningRate')).toThrow(/PPO learningRate/);
  });
});
