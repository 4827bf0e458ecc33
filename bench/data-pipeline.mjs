#!/usr/bin/env node
// MNIST input pipeline rate and tensor allocations, cpu backend, one epoch:
// mnist({ flatten: true }).train.shuffle({ seed: 1 }).batch(128), every batch disposed.
// Prints samples/s and the tensors created during the epoch (tensor ids handed out by the
// engine, so tensors created and disposed inside the pipeline count too), plus samples per CPU
// second of the process (steadier than wall time on a shared machine). Not a test.
// Usage: node bench/data-pipeline.mjs [datasetsDir] [epochs]   (build the packages first)
// TESSERA_DATA_MODULE=<path to another build's dist/index.js> measures that build of @tessera/data
// instead (side-by-side comparisons against an older commit on the same core/tensor/backend).
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2] ?? process.env.TESSERA_DATASETS ?? resolve(root, '../shared/datasets');
const epochs = Number(process.argv[3] ?? 2);
const tf = await import('@tessera/tensor');
const { useBackend } = await import('@tessera/core');
const dataModule = process.env.TESSERA_DATA_MODULE;
const { mnist } = await import(dataModule ? pathToFileURL(resolve(dataModule)).href : '@tessera/data');
const { cpu } = await import('@tessera/backend-cpu');
await useBackend(cpu());

/** The id the engine gives the next tensor (a probe scalar, disposed at once). */
function nextTensorId() {
  const t = tf.scalar(0);
  const id = t.id;
  t.dispose();
  return id + 1;
}

const { train } = await mnist({ from: resolve(dir, 'mnist'), flatten: true });
const ds = train.shuffle({ seed: 1 }).batch(128);
const runs = [];
for (let e = 0; e < epochs; e++) {
  const liveBefore = tf.memory().numTensors;
  const idBefore = nextTensorId();
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  let samples = 0;
  let batches = 0;
  for await (const b of ds) {
    samples += b.x.shape[0];
    batches++;
    b.x.dispose();
    b.y.dispose();
  }
  const seconds = (performance.now() - t) / 1000;
  const c = process.cpuUsage(cpu0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  const created = nextTensorId() - idBefore - 1; // minus the closing probe
  runs.push({
    epoch: e,
    samples,
    batches,
    seconds: Number(seconds.toFixed(2)),
    samplesPerSecond: Math.round(samples / seconds),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    samplesPerCpuSecond: Math.round(samples / cpuSeconds),
    tensorsCreated: created,
    tensorsPerBatch: Number((created / batches).toFixed(2)),
    leakedTensors: tf.memory().numTensors - liveBefore,
  });
}
console.log(
  JSON.stringify({
    pipeline: 'mnist({ flatten: true }).train.shuffle({ seed: 1 }).batch(128)',
    data: dataModule ?? '@tessera/data',
    backend: tf.getBackend(),
    node: process.version,
    runs,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
