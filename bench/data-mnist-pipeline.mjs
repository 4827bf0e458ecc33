#!/usr/bin/env node
// Measures how fast @tessera/data feeds MNIST batches (shuffle + batch(128), cpu backend):
// one full pass over the 60,000 training images, twice. Not a test.
// Usage: node bench/data-mnist-pipeline.mjs [datasetsDir]   (build the packages first)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2] ?? process.env.TESSERA_DATASETS ?? resolve(root, '../shared/datasets');
const backendName = process.env.TESSERA_BACKEND ?? 'cpu';
const { useBackend } = await import('@tessera/core');
const { tensorCount } = await import('@tessera/tensor');
const { mnist } = await import('@tessera/data');
const plugin = backendName === 'wasm' ? (await import('@tessera/backend-wasm')).wasm() : (await import('@tessera/backend-cpu')).cpu();
await useBackend(plugin);

const t0 = performance.now();
const { train } = await mnist({ from: resolve(dir, 'mnist') });
const loadS = (performance.now() - t0) / 1000;
const ds = train.shuffle({ seed: 1 }).batch(128).prefetch(2); // a uniform permutation of indices
const passes = [];
for (let p = 0; p < 2; p++) {
  const t = performance.now();
  let n = 0;
  for await (const b of ds) {
    n += b.x.shape[0];
    b.x.dispose();
    b.y.dispose();
  }
  passes.push(Math.round(n / ((performance.now() - t) / 1000)));
}
console.log(
  JSON.stringify({
    backend: backendName,
    loadAndVerifySeconds: Number(loadS.toFixed(2)),
    samplesPerSecondPerPass: passes,
    liveTensorsAfter: tensorCount(),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
