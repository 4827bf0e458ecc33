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
  const times = [];
  for (let i = 0; i < (quick ? 3 : 5); i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  console.log(
    JSON.stringify({
      bench: 'transformerLM forward+backward (4x4x128, block 64, batch 12)',
      backend: name,
      params: lm.countParams().trainable,
      msPerStep: Math.round(ms),
      tokensPerSecond: Math.round((batch * block * 1000) / ms),
      leaked: tensorCount() - before,
    }),
  );
  dispose([x, y]);
  lm.dispose();
}
