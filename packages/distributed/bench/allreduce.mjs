// All-reduce bandwidth of a process group, run through the BUILT package by run.mjs (threads or
// processes). Rank 0 prints one JSON line per size: the time per all-reduce, the algorithm
// bandwidth (bytes / time) and the bus bandwidth (bytes × 2(N-1)/N / time, what each link carries).
import { initProcessGroup } from '@tessera/distributed/node';

const group = await initProcessGroup({ timeoutMs: 120_000 });
const sizes = (process.env.SIZES ?? '262144,1048576,4194304').split(',').map(Number);
for (const n of sizes) {
  const data = new Float32Array(n).fill(group.rank + 1);
  const reps = Math.max(3, Math.min(20, Math.round(2e7 / n)));
  group.allReduce(data);
  group.barrier();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) group.allReduce(data);
  const ms = (performance.now() - t0) / reps;
  // after the first all-reduce every element is 1 + ... + N; every later one multiplies it by N
  const expected = ((group.worldSize * (group.worldSize + 1)) / 2) * group.worldSize ** reps;
  if (Math.abs(data[0] / expected - 1) > 1e-3) throw new Error(`rank ${group.rank}: sum ${data[0]}, expected ${expected}`);
  const bytes = n * 4;
  const N = group.worldSize;
  if (group.rank === 0)
    console.log(
      JSON.stringify({
        transport: group.transport,
        worldSize: N,
        mbytes: bytes / 2 ** 20,
        ms: +ms.toFixed(3),
        algGBs: +(bytes / ms / 1e6).toFixed(3),
        busGBs: +((bytes * 2 * (N - 1)) / N / ms / 1e6).toFixed(3),
      }),
    );
}
group.close();
