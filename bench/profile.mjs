// Per-kernel profile of one training step of the bench models on wasm (or cpu, or node: native TensorFlow).
//
//   node bench/profile.mjs [mlp|cnn|lstm|gpt|all] [steps=5] [backend=wasm] [--json] [--shapes]
//   TESSERA_ROOT=/path/to/other/checkout node bench/profile.mjs ...   (that checkout's builds)
//   PROFILE_MIN=0 node bench/profile.mjs ...   (a row for every kernel; default 0.005: rows under 0.5% of the step are grouped)
//
// Builds the same models, data, batch and optimizer (adam 1e-3) as child.mjs (gpt: the char-level
// GPT of examples/char-gpt, nanoGPT's baby config: 4 layers, 4 heads, width 128, context 64, batch
// 12, on Tiny Shakespeare windows; not in "all"), runs two warm-up
// steps through a Trainer (the step `fit` drives), then wraps every kernel registered for the
// backend with a timer and runs `steps` more steps (wall clock, or the process's CPU time with --cpu). A kernel that dispatches other kernels counts
// only its own time (self time); the step's wall time minus the kernel time is the JS/framework
// overhead (tape, scopes, tensor bookkeeping, dataSync of the loss). Prints one table per model:
// kernel, calls per step, ms per step, % of the step.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as data from './data.mjs';

// TESSERA_ROOT=<another checkout> profiles that checkout's built packages (before/after runs).
const root = process.env.TESSERA_ROOT;
function imp(name) {
  if (!root) return import(name);
  const dir = realpathSync(join(root, 'node_modules', name));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const e = pkg.exports?.['.']?.import;
  const entry = (typeof e === 'string' ? e : (e?.node ?? e?.default)) ?? pkg.main;
  return import(pathToFileURL(join(dir, entry)).href);
}
const { getKernelsForBackend, registerKernel, unregisterKernel } = await imp('@tensorflow/tfjs-core');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const json = process.argv.includes('--json');
const byShape = process.argv.includes('--shapes'); // one row per kernel and input shapes
// --cpu: time with the process's CPU time (user + system) instead of the wall clock: steadier when
// the machine is shared (a process that waits for a core is not charged for the wait)
const useCpu = process.argv.includes('--cpu');
const now = useCpu
  ? () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    }
  : () => performance.now();
const which = args[0] ?? 'all';
const steps = Number(args[1] ?? 5);
const backend = args[2] ?? 'wasm';
const models = which === 'all' ? ['mlp', 'cnn', 'lstm'] : [which];
const batchOf = { mlp: 128, cnn: 64, lstm: 32, gpt: 12 };

const { useBackend } = await imp('@tessera/core');
const plugins = {
  wasm: async () => (await imp('@tessera/backend-wasm')).wasm(),
  cpu: async () => (await imp('@tessera/backend-cpu')).cpu(),
  node: async () => (await imp('@tessera/backend-node')).node(),
};
if (!plugins[backend]) throw new Error(`profile.mjs: backend must be wasm, cpu or node, got "${backend}"`);
const plugin = await plugins[backend]();
await useBackend(plugin);
const tf = await imp('@tessera/tensor');
const L = await imp('@tessera/layers');
const { sparseCategoricalCrossentropy, binaryCrossentropy } = await imp('@tessera/losses');
const { adam } = await imp('@tessera/optimizers');
const { Trainer } = await imp('@tessera/train');

// ---- kernel timing: every kernel of the backend re-registered behind a self-time wrapper ----
const stats = new Map(); // kernelName -> { calls, ms }
let on = false;
let childMs = 0; // time spent in kernels dispatched from inside the running kernel
const tfjsBackend = backend === 'node' ? 'tensorflow' : backend;
for (const config of getKernelsForBackend(tfjsBackend)) {
  const inner = config.kernelFunc;
  const name = config.kernelName;
  const kernelFunc = (a) => {
    if (!on) return inner(a);
    const key = byShape
      ? `${name} ${Object.values(a.inputs)
          .map((t) => JSON.stringify(t?.shape))
          .join(' ')}`
      : name;
    const outer = childMs;
    childMs = 0;
    const t0 = now();
    try {
      return inner(a);
    } finally {
      const total = now() - t0;
      const self = total - childMs;
      let s = stats.get(key);
      if (!s) {
        s = { calls: 0, ms: 0 };
        stats.set(key, s);
      }
      s.calls++;
      s.ms += self;
      childMs = outer + total;
    }
  };
  unregisterKernel(name, tfjsBackend);
  registerKernel({ ...config, kernelFunc });
}

function makeModel(model, vocab) {
  if (model === 'mlp') return L.sequential([L.dense(128, { activation: 'relu' }), L.dense(10)]);
  if (model === 'cnn')
    return L.sequential([
      L.reshape([28, 28, 1]),
      L.conv2d(32, 3, { activation: 'relu' }),
      L.maxPool2d(2),
      L.conv2d(64, 3, { activation: 'relu' }),
      L.maxPool2d(2),
      L.flatten(),
      L.dense(10),
    ]);
  if (model === 'gpt')
    return L.transformerLM({
      vocabSize: vocab,
      blockSize: 64,
      layers: 4,
      heads: 4,
      width: 128,
      dropout: 0,
      useBias: false,
      layerNormCenter: false,
      seed: 1337,
    });
  return L.sequential([L.embedding(vocab, 32), L.lstm(32), L.dense(1)]);
}

function profile(model) {
  const b = batchOf[model];
  const warm = 2;
  const n = b * (warm + steps);
  const set = model === 'lstm' ? data.sms(n) : model === 'gpt' ? data.shakespeare(n) : data.mnist(n);
  const batches = [];
  for (let i = 0; i < warm + steps; i++) {
    const tokens = (a) => tf.tensor2d(a.subarray(i * b * set.len, (i + 1) * b * set.len), [b, set.len], 'int32');
    batches.push(
      model === 'gpt'
        ? { x: tokens(set.x), y: tokens(set.y) }
        : model === 'lstm'
          ? {
              x: tf.tensor2d(set.x.subarray(i * b * set.len, (i + 1) * b * set.len), [b, set.len], 'int32'),
              y: tf.tensor2d(set.y.subarray(i * b, (i + 1) * b), [b, 1]),
            }
          : {
              x: tf.tensor2d(set.x.subarray(i * b * 784, (i + 1) * b * 784), [b, 784]),
              y: tf.tensor1d(set.y.subarray(i * b, (i + 1) * b), 'int32'),
            },
    );
  }
  const net = makeModel(model, set.vocab);
  const loss = model === 'lstm' ? binaryCrossentropy({ fromLogits: true }) : sparseCategoricalCrossentropy({ fromLogits: true });
  const trainer = new Trainer(net, { loss, optimizer: adam() });
  const run = (batch) => {
    const logs = trainer.runStep(batch);
    logs.loss.dataSync();
    for (const t of Object.values(logs)) t.dispose();
  };
  for (let i = 0; i < warm; i++) run(batches[i]);
  const before = tf.memory().numTensors;
  stats.clear();
  on = true;
  const t0 = now();
  for (let i = warm; i < warm + steps; i++) run(batches[i]);
  const wall = (now() - t0) / steps;
  on = false;
  const leaked = tf.memory().numTensors - before;
  trainer.dispose();
  net.dispose?.();
  for (const x of batches) tf.dispose([x.x, x.y]);
  const rows = [...stats.entries()]
    .map(([kernel, s]) => ({ kernel, calls: s.calls / steps, ms: s.ms / steps }))
    .sort((p, q) => q.ms - p.ms);
  const kernelMs = rows.reduce((acc, r) => acc + r.ms, 0);
  const dispatches = rows.reduce((acc, r) => acc + r.calls, 0);
  return { model, batch: b, steps, wallMs: wall, kernelMs, dispatches, samplesPerSec: (b / wall) * 1000, leaked, rows };
}

const fmt = (x, d = 2) => x.toFixed(d);
const results = [];
for (const model of models) {
  const r = profile(model);
  results.push(r);
  if (json) continue;
  console.log(
    `\n${model} on ${backend}, batch ${r.batch}: ${fmt(r.wallMs)} ${useCpu ? 'CPU ' : ''}ms/step (${Math.round(r.samplesPerSec)} samples/s), ` +
      `${r.dispatches} kernel dispatches/step, ${r.leaked} tensors leaked over ${r.steps} steps`,
  );
  console.log('| kernel | calls/step | ms/step | % of step |');
  console.log('|---|---:|---:|---:|');
  for (const row of r.rows) {
    if (row.ms / r.wallMs < (process.env.PROFILE_MIN ?? 0.005)) continue;
    console.log(`| ${row.kernel} | ${row.calls} | ${fmt(row.ms)} | ${fmt((100 * row.ms) / r.wallMs, 1)}% |`);
  }
  const small = r.rows.filter((row) => row.ms / r.wallMs < (process.env.PROFILE_MIN ?? 0.005));
  if (small.length > 0) {
    const ms = small.reduce((acc, row) => acc + row.ms, 0);
    const calls = small.reduce((acc, row) => acc + row.calls, 0);
    console.log(`| ${small.length} other kernels (< 0.5% each) | ${calls} | ${fmt(ms)} | ${fmt((100 * ms) / r.wallMs, 1)}% |`);
  }
  const overhead = r.wallMs - r.kernelMs;
  console.log(`| **JS/framework overhead** (step − kernels) | | ${fmt(overhead)} | ${fmt((100 * overhead) / r.wallMs, 1)}% |`);
  console.log(`| **step** | ${r.dispatches} | ${fmt(r.wallMs)} | 100% |`);
}
if (json) console.log(JSON.stringify(results));
process.exit(0);
