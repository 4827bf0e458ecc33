// Forward + backward of nanoGPT's "baby" Shakespeare config (4 layers, 4 heads, width 128, block 64,
// batch 12, vocab 65) on wasm and cpu: ms per step and tokens/s. Run: node bench/transformer-lm.mjs [--quick]
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { transformerLM } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { dispose, tensor, tensorCount, tidy, valueAndGrad } from '@tessera/tensor';

const quick = process.argv.includes('--quick');
const [batch, block, vocab] = [12, 64, 65];
const backends = (process.env.BACKENDS ?? 'wasm').split(',');
const ids = (seed) => Int32Array.from({ length: batch * block }, (_, i) => (i * 7 + seed * 13) % vocab);

for (const name of backends) {
  await useBackend(name === 'wasm' ? wasm() : cpu());
  const lm = transformerLM({ vocabSize: vocab, blockSize: block, layers: 4, heads: 4, width: 128, dropout: 0, seed: 1 });
  lm.build([batch, block]);
  const x = tensor(ids(0), [batch, block], 'int32');
  const y = tensor(ids(1), [batch, block], 'int32');
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  const params = lm.parameters();
  const step = () =>
    tidy(() => {
      const { value, grads } = valueAndGrad((p) => loss(y, lm.apply(p, x, { training: true })))(params);
      value.dataSync();
      dispose([value, ...Object.values(grads)]);
    });
  step(); // warm-up
  const before = tensorCount();
  // wall time, and this process's CPU time (the wasm backend runs on one thread: on a shared,
  // loaded machine CPU time is close to the wall time of an idle core)
  const times = [];
  const cpuTimes = [];
  for (let i = 0; i < (quick ? 3 : 5); i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    step();
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = median(times);
  const cpuMs = median(cpuTimes);
  console.log(
    JSON.stringify({
      bench: 'transformerLM forward+backward (4x4x128, block 64, batch 12)',
      backend: name,
      params: lm.countParams().trainable,
      msPerStep: Math.round(ms),
      tokensPerSecond: Math.round((batch * block * 1000) / ms),
      cpuMsPerStep: Math.round(cpuMs),
      tokensPerCpuSecond: Math.round((batch * block * 1000) / cpuMs),
      load: (await import('node:os')).loadavg()[0],
      leaked: tensorCount() - before,
    }),
  );
  dispose([x, y]);
  lm.dispose();
}
