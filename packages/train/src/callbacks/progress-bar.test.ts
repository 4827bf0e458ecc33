import type { Callback, Module, TrainingControl } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { progressBar } from './progress-bar.js';

/** Drives a callback through `epochs` epochs of `batches` batches of `ms` milliseconds each on a fake clock. */
async function drive(cb: Callback, clock: { t: number }, epochs: number, batches: number, ms: number) {
  const control = { model: {} as Module, step: 0, epoch: 0, stop() {}, stopRequested: false } as {
    -readonly [K in keyof TrainingControl]: TrainingControl[K];
  };
  for (let e = 0; e < epochs; e++) {
    control.epoch = e;
    await cb.onEpochBegin?.(e, control);
    for (let b = 0; b < batches; b++) {
      clock.t += ms;
      control.step++;
      await cb.onBatchEnd?.(control.step, { loss: 1 / control.step, size: 8 }, control);
    }
    await cb.onEpochEnd?.(e, { loss: 1 / control.step }, control);
  }
  await cb.onTrainEnd?.({}, control);
}

describe('progressBar', () => {
  it('not a TTY: fast epochs are summarized (first, every lineIntervalMs, last), never one line per step', async () => {
    const clock = { t: 0 };
    const lines: string[] = [];
    const cb = progressBar({ stream: { write: (s) => lines.push(s) }, epochs: 50, now: () => clock.t });
    await drive(cb, clock, 50, 10, 100); // 1 s epochs, default interval 10 s
    expect(lines.map((l) => l.match(/^epoch (\d+)\//)?.[1])).toEqual(['1', '11', '21', '31', '41', '50']);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines[0]).toBe('epoch 1/50 - 10 steps - loss 0.1000 - 10.0 steps/s - 80.0 samples/s - 1s\n');
    expect(lines[1]).toMatch(/ \(9 epoch lines not shown\)\n$/);
    expect(lines[5]).toMatch(/ \(8 epoch lines not shown\)\n$/);
  });

  it('not a TTY: a long epoch gets a progress line at most every lineIntervalMs; an unknown last epoch is written at the end', async () => {
    const clock = { t: 0 };
    const lines: string[] = [];
    await drive(progressBar({ stream: { write: (s) => lines.push(s) }, stepsPerEpoch: 100, now: () => clock.t }), clock, 1, 100, 1000);
    expect(lines).toHaveLength(11); // 10 progress lines over 100 s + the epoch line
    expect(lines[0]).toBe('epoch 1 step 10/100 - loss 0.1000 - 1.0 steps/s - 8.0 samples/s - ETA 1m30s\n');
    expect(lines[10]).toMatch(/^epoch 1 - 100 steps - /);

    const clock2 = { t: 0 };
    const more: string[] = [];
    await drive(progressBar({ stream: { write: (s) => more.push(s) }, now: () => clock2.t }), clock2, 5, 10, 100);
    expect(more.map((l) => l.match(/^epoch (\d+) /)?.[1])).toEqual(['1', '5']);
    expect(more[1]).toMatch(/ \(3 epoch lines not shown\)\n$/);
  });

  it('TTY: one line redrawn in place (ETA, steps/s, metrics), at most every intervalMs, cut to the terminal width', async () => {
    const clock = { t: 0 };
    const out: string[] = [];
    const cb = progressBar({
      stream: { write: (s) => out.push(s), isTTY: true, columns: 60 },
      epochs: 2,
      stepsPerEpoch: 10,
      now: () => clock.t,
    });
    await drive(cb, clock, 2, 10, 50); // redraws every 100 ms: every other batch
    const redraws = out.filter((s) => !s.endsWith('\n'));
    expect(redraws).toHaveLength(10);
    expect(redraws.every((r) => r.startsWith('\r\x1b[2K') && r.length - 5 <= 59)).toBe(true);
    const wide: string[] = [];
    const clock2 = { t: 0 };
    await drive(
      progressBar({ stream: { write: (s) => wide.push(s), isTTY: true }, epochs: 2, stepsPerEpoch: 10, now: () => clock2.t }),
      clock2,
      1,
      10,
      50,
    );
    expect(wide[0]).toBe('\r\x1b[2Kepoch 1/2 step 2/10 - loss 0.5000 - 20.0 steps/s - 160 samples/s - ETA 0s');
    expect(out.filter((s) => s.endsWith('\n'))).toHaveLength(2);
  });
});
