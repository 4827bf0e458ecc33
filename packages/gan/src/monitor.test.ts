import type { TrainingControl } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { type GanWarning, ganMonitor } from './monitor.js';

const control = () => {
  const c = {
    stopped: false,
    stop() {
      c.stopped = true;
    },
  };
  return c as unknown as TrainingControl & { stopped: boolean };
};

describe('ganMonitor', () => {
  it('warns about mode collapse, a winning discriminator, divergence and NaN; stops on NaN by default', () => {
    const seen: GanWarning[] = [];
    const m = ganMonitor({ onWarning: (w) => seen.push(w), patience: 2 });
    const c = control();
    const epochs = [
      { d_loss: 1.2, g_loss: 0.8, d_acc: 0.6, diversity: 0.9 },
      { d_loss: 0.3, g_loss: 2.0, d_acc: 0.995, diversity: 0.1 },
      { d_loss: 0.1, g_loss: 3.1, d_acc: 0.999, diversity: 0.5 },
      { d_loss: Number.NaN, g_loss: 3.5, d_acc: 0.5, diversity: 0.5 },
    ];
    for (const [e, logs] of epochs.entries()) m.onEpochEnd?.(e, logs, c);
    expect(seen.map((w) => `${w.epoch}:${w.kind}`)).toEqual(['1:modeCollapse', '2:discriminatorWins', '3:nonFinite', '3:divergence']);
    // a condition that lasts warns once; a Wasserstein run (no d_acc) never warns of divergence
    m.onEpochEnd?.(4, { d_loss: 1, g_loss: 4, d_acc: 0.5, diversity: 0.5 }, c);
    expect(m.warnings).toHaveLength(4);
    const w = ganMonitor({ onWarning: () => {} });
    for (const [e, g] of [-1, 3, 5, 8].entries()) w.onEpochEnd?.(e, { d_loss: -0.2, g_loss: g, gp: 0.5 }, c);
    expect(w.warnings).toEqual([]);
    expect(seen[0]?.message).toMatch(/diversity 0.100 < 0.2/);
    expect(c.stopped).toBe(true);
    expect(m.warnings).toHaveLength(4); // divergence: g_loss above 0.8 + 2·0.8 at epochs 2 and 3
  });

  it('saves and restores its counters (exact resume)', () => {
    const a = ganMonitor({ onWarning: () => {} });
    const c = control();
    a.onEpochEnd?.(0, { g_loss: 1, d_acc: 1 }, c);
    const saved = a.saveState?.();
    const b = ganMonitor({ onWarning: () => {} });
    b.loadState?.(saved as never, { step: 10, epoch: 1 });
    b.onEpochEnd?.(1, { g_loss: 1, d_acc: 1 }, c);
    expect(b.warnings.map((w) => w.kind)).toEqual(['discriminatorWins']);
  });
});
