import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createSharedMemory } from '../src/shared-memory-group.js';

/**
 * The shared-memory protocol under stress: 3 worker threads run 300 back-to-back collectives of
 * varying lengths (longer than a slot, so they go in pieces; empty ones too), all-reduces mixed with
 * broadcasts from changing roots, and check every result exactly. All-reduces take two barriers
 * and alternate between two result slots, so a fast rank starting the next collective must never
 * overwrite what a slow rank is still reading. Runs the BUILT package (CJS) in each thread.
 */
const lib = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
const code = `
const { workerData, parentPort } = require('node:worker_threads');
const { sharedMemoryGroup } = require(workerData.lib);
const g = sharedMemoryGroup(workerData.init);
const W = g.worldSize;
const bad = [];
let checked = 0;
for (let it = 0; it < 300; it++) {
  const n = it % 37 === 0 ? 0 : 1 + ((it * 7) % 40);
  const d = new Float32Array(n).map((_, i) => (g.rank + 1) * (i + it));
  if (it % 5 === 4) {
    const root = it % W;
    g.broadcast(d, root);
    for (let i = 0; i < n; i++) if (d[i] !== (root + 1) * (i + it)) bad.push(['broadcast', it, i, d[i]]);
  } else {
    // a rank that is late by a few ms makes the others run ahead into the next collective
    if ((it + g.rank) % 11 === 0) { const t = Date.now() + 2; while (Date.now() < t); }
    g.allReduce(d);
    for (let i = 0; i < n; i++) if (d[i] !== ((W * (W + 1)) / 2) * (i + it)) bad.push(['allReduce', it, i, d[i]]);
  }
  checked += n;
}
g.close();
parentPort.postMessage({ bad: bad.slice(0, 5), checked });
`;

describe('sharedMemoryGroup', () => {
  it('300 mixed all-reduces and broadcasts over 3 threads, in pieces of a 16-float slot: every value exact', async () => {
    const shared = createSharedMemory(3, { capacity: 16 });
    const runs = [0, 1, 2].map(
      (rank) =>
        new Promise<{ bad: unknown[]; checked: number }>((done, fail) => {
          const w = new Worker(code, { eval: true, workerData: { lib, init: { ...shared, rank, timeoutMs: 20_000 } } });
          w.once('message', done);
          w.once('error', fail);
        }),
    );
    const results = await Promise.all(runs);
    for (const r of results) {
      expect(r.bad).toEqual([]);
      expect(r.checked).toBeGreaterThan(5000);
    }
  }, 60_000);
});
