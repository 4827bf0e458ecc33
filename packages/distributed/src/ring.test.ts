import { describe, expect, it } from 'vitest';
import { type RingLink, ringAllReduce, ringBroadcast } from './ring.js';

/** An in-memory ring: rank r's sends arrive, in order, at rank r + 1's receives; it counts the bytes. */
function memoryRing(n: number): { links: RingLink[]; sent: number[] } {
  const queues: Uint8Array[][] = Array.from({ length: n }, () => []);
  const waiters: Array<(() => void) | null> = Array.from({ length: n }, () => null);
  const sent = new Array(n).fill(0);
  const links = Array.from({ length: n }, (_, r): RingLink => {
    const to = (r + 1) % n;
    let pending = new Uint8Array(0);
    return {
      async send(bytes) {
        sent[r] += bytes.length;
        (queues[to] as Uint8Array[]).push(bytes.slice());
        waiters[to]?.();
        await Promise.resolve();
      },
      async recv(count) {
        while (pending.length < count) {
          const q = queues[r] as Uint8Array[];
          if (q.length === 0) await new Promise<void>((wake) => (waiters[r] = wake));
          const next = q.shift();
          if (next) {
            const merged = new Uint8Array(pending.length + next.length);
            merged.set(pending);
            merged.set(next, pending.length);
            pending = merged;
          }
        }
        const out = pending.slice(0, count);
        pending = pending.slice(count);
        return out;
      },
    };
  });
  return { links, sent };
}

describe('ringAllReduce', () => {
  it.each([2, 3, 4, 5])('sums %i ranks element-wise, the same bits on every rank, 2(N-1)/N of the bytes sent each', async (n) => {
    const length = 23;
    const inputs = Array.from({ length: n }, (_, r) => Float32Array.from({ length }, (_, i) => Math.sin(r * 31 + i) * 10 ** (i % 5)));
    const expected = Float64Array.from({ length }, (_, i) => inputs.reduce((s, a) => s + (a[i] as number), 0));
    const { links, sent } = memoryRing(n);
    const data = inputs.map((a) => a.slice());
    await Promise.all(data.map((d, r) => ringAllReduce(d, r, n, links[r] as RingLink)));
    for (const d of data) {
      expect(Array.from(d)).toEqual(Array.from(data[0] as Float32Array));
      for (const [i, v] of d.entries()) expect(v).toBeCloseTo(expected[i] as number, 2);
    }
    // every chunk sent twice per step except one: exactly 2 (N - 1) chunks of ~length/N floats
    for (const bytes of sent) {
      expect(bytes).toBeGreaterThanOrEqual(2 * (n - 1) * Math.floor(length / n) * 4);
      expect(bytes).toBeLessThanOrEqual(2 * (n - 1) * Math.ceil(length / n) * 4);
    }
  });

  it('handles arrays shorter than the ring (empty chunks)', async () => {
    const n = 4;
    const { links } = memoryRing(n);
    const data = Array.from({ length: n }, (_, r) => Float32Array.from([r + 1, 10 * (r + 1)]));
    await Promise.all(data.map((d, r) => ringAllReduce(d, r, n, links[r] as RingLink)));
    for (const d of data) expect(Array.from(d)).toEqual([10, 100]);
  });
});

describe('ringBroadcast', () => {
  it.each([
    [3, 0],
    [4, 2],
  ])('copies the root array to every rank (%i ranks, root %i), in pieces', async (n, root) => {
    const { links } = memoryRing(n);
    const data = Array.from({ length: n }, (_, r) => Float32Array.from({ length: 10 }, (_, i) => r * 100 + i));
    await Promise.all(data.map((d, r) => ringBroadcast(d, r, n, root, links[r] as RingLink, 3)));
    for (const d of data) expect(Array.from(d)).toEqual(Array.from({ length: 10 }, (_, i) => root * 100 + i));
  });
});
