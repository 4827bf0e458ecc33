#!/usr/bin/env node
// fit throughput per data path: the MLP 784-128-10 (adam, batch 128) on the first 5,120 MNIST
// training images, fed as
//   pre-batched   an array of { x, y } batch tensors made beforehand (the reference)
//   tensors       { x, y, batchSize: 128 }
//   shuffled      { x, y, batchSize: 128, shuffle: true, seed: 1 }
//   fromTensors   fromTensors({ x, y }).batch(128)
//   fromTensors+shuffle   fromTensors({ x, y }).shuffle({ seed: 1 }).batch(128)
// Each run is its own process; the paths alternate (A B C D E, then B C D E A, ...), and the table
// gives per path the median samples/s (wall clock) and samples per CPU second of the process (the
// steadier figure on a shared machine: training here is single-threaded), their ratios to
// pre-batched, and the CPU time one pass of the data path alone takes per batch (batches made and
// freed, no training). Not a test.
// Usage: node bench/data-paths.mjs [wasm|cpu ...]   (build the packages first)
// ROUNDS (default 3) runs per path; EPOCHS timed epochs per run (default: wasm 4, cpu 1).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mnist } from './data.mjs';

const ROWS = 5120;
const BATCH = 128;
const WARMUP = 5;
const PATHS = ['pre-batched', 'tensors', 'shuffled', 'fromTensors', 'fromTensors+shuffle'];

async function child(backend, path, epochs) {
  const { useBackend } = await import('@tessera/core');
  const plugin = backend === 'wasm' ? (await import('@tessera/backend-wasm')).wasm() : (await import('@tessera/backend-cpu')).cpu();
  await useBackend(plugin);
  const tf = await import('@tessera/tensor');
  const { dense, sequential } = await import('@tessera/layers');
  const { sparseCategoricalCrossentropy } = await import('@tessera/losses');
  const { adam } = await import('@tessera/optimizers');
  const { fit, Trainer, toBatchSource } = await import('@tessera/train');
  const { fromTensors } = await import('@tessera/data');
  const set = mnist(ROWS);
  const x = tf.tensor2d(set.x, [ROWS, 784]);
  const y = tf.tensor1d(set.y, 'int32');
  const batches = [];
  for (let i = 0; i < ROWS; i += BATCH) {
    batches.push({
      x: tf.tensor2d(set.x.subarray(i * 784, (i + BATCH) * 784), [BATCH, 784]),
      y: tf.tensor1d(set.y.subarray(i, i + BATCH), 'int32'),
    });
  }
  const data = {
    'pre-batched': () => batches,
    tensors: () => ({ x, y, batchSize: BATCH }),
    shuffled: () => ({ x, y, batchSize: BATCH, shuffle: true, seed: 1 }),
    fromTensors: () => fromTensors({ x, y }).batch(BATCH),
    'fromTensors+shuffle': () => fromTensors({ x, y }).shuffle({ seed: 1 }).batch(BATCH),
  }[path];
  const model = sequential([dense(128, { activation: 'relu' }), dense(10)]);
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  const trainer = new Trainer(model, { loss, optimizer: adam() });
  // Warm-up steps through the same path (first reads, kernel set-up, JIT); then `epochs` timed epochs.
  await fit(model, data(), { loss, epochs: 1, stepsPerEpoch: WARMUP, trainer });
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await fit(model, data(), { loss, epochs: 1 + epochs, trainer });
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const steps = WARMUP + (ROWS / BATCH) * epochs;
  if (trainer.step !== steps) throw new Error(`expected ${steps} trained steps, the trainer counted ${trainer.step}`);
  // The data path alone: one pass of batches made and freed, no training.
  const source = toBatchSource(data());
  let count = 0;
  const d0 = process.cpuUsage();
  for await (const batch of source.pass()) {
    count++;
    if (source.ownsBatches) tf.dispose([batch.x, batch.y]);
  }
  const d = process.cpuUsage(d0);
  return {
    samplesPerSec: (ROWS * epochs * 1000) / ms,
    samplesPerCpuSec: (ROWS * epochs * 1000) / cpuMs,
    dataCpuMsPerBatch: (d.user + d.system) / 1000 / count,
    leaked: tf.memory().numTensors - before,
  };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

if (process.argv[2] === '--child') {
  const [backend, path, epochs] = process.argv.slice(3);
  try {
    console.log(JSON.stringify({ ok: true, ...(await child(backend, path, Number(epochs))) }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e?.stack ?? e).slice(0, 400) }));
  }
  process.exit(0);
}

const backends = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['wasm', 'cpu'];
const rounds = Number(process.env.ROUNDS ?? 3);
const self = fileURLToPath(import.meta.url);
for (const backend of backends) {
  const epochs = Number(process.env.EPOCHS ?? (backend === 'wasm' ? 4 : 1));
  const runs = Object.fromEntries(PATHS.map((p) => [p, []]));
  const cpuRuns = Object.fromEntries(PATHS.map((p) => [p, []]));
  const dataMs = Object.fromEntries(PATHS.map((p) => [p, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < PATHS.length; k++) {
      const path = PATHS[(r + k) % PATHS.length];
      const out = execFileSync(process.execPath, [self, '--child', backend, path, String(epochs)], { encoding: 'utf8', timeout: 120_000 });
      const res = JSON.parse(out.trim().split('\n').at(-1));
      if (!res.ok) throw new Error(`${backend} ${path}: ${res.error}`);
      if (res.leaked !== 0) throw new Error(`${backend} ${path}: ${res.leaked} tensors leaked`);
      runs[path].push(res.samplesPerSec);
      cpuRuns[path].push(res.samplesPerCpuSec);
      dataMs[path].push(res.dataCpuMsPerBatch);
    }
  }
  const ref = median(runs['pre-batched']);
  const cpuRef = median(cpuRuns['pre-batched']);
  console.log(`\n${backend}: medians of ${rounds} runs, ${epochs} timed epoch(s) of ${ROWS} samples each`);
  console.table(
    PATHS.map((p) => ({
      path: p,
      'samples/s': Math.round(median(runs[p])),
      'vs pre-batched': +(median(runs[p]) / ref).toFixed(2),
      'samples/CPU s': Math.round(median(cpuRuns[p])),
      'vs pre-batched (CPU)': +(median(cpuRuns[p]) / cpuRef).toFixed(2),
      'data CPU ms/batch': +median(dataMs[p]).toFixed(3),
      'runs (samples/CPU s)': cpuRuns[p].map(Math.round).join(' '),
    })),
  );
}
