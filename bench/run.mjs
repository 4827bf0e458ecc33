// npm run bench: Tessera `fit` vs tfjs-layers `model.fit` (the @tensorflow/tfjs union package),
// same backend, data, batch, optimizer (adam 1e-3) and data path, each run in its own process,
// runs alternating A B A B, median samples/s and the ratio. Two rows per case: `tensors` (one
// tensor pair that each side slices into batches: `fit(model, { x, y, batchSize })` against
// `model.fit(x, y)`) and `prebatched` (ready batches: a list of batches against `fitDataset` over
// `tf.data.array(batches)`). Also matMul/conv2d GFLOP/s and start-up. The `node` backend runs when
// @tensorflow/tfjs-node is installed (npm run setup:native) and is skipped, saying so, otherwise.
// Writes bench/results/bench-<date>.json. Env: ROUNDS (default 3), STEPS (default 20), MODELS and
// BACKENDS (comma lists, default all).
// `npm run bench:peers` (peers/run.mjs) adds the other data paths, Keras and PyTorch.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBackend } from './peers/detect.mjs';
import { median, runSide } from './spec.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 3);
const steps = Number(process.env.STEPS ?? 20);
const both = ['tensors', 'prebatched'];
const fast = (backend) => [
  [backend, 'mlp', steps, both],
  [backend, 'cnn', Math.max(3, Math.round(steps / 4)), both],
  [backend, 'lstm', Math.max(3, Math.round(steps / 2)), both],
];
const native = nodeBackend();
const only = (name) => process.env[name]?.split(',').map((x) => x.trim());
const [models, backends] = [only('MODELS'), only('BACKENDS')];
const cases = [
  ...fast('wasm'),
  ['cpu', 'mlp', Math.max(3, Math.round(steps / 2)), both],
  ['cpu', 'cnn', 3, ['tensors'], 60_000], // tfjs-layers' cpu filter gradient is a naive loop: bounded at 60 s
  ['cpu', 'lstm', 3, ['tensors'], 45_000], // tfjs-layers' cpu UnsortedSegmentSum crawls: bounded at 45 s
  ...(native.ok ? fast('node') : []),
].filter(([backend, model]) => (!models || models.includes(model)) && (!backends || backends.includes(backend)));
if (!native.ok) console.log(`node backend skipped: ${native.reason}`);

const child = (args, timeoutMs = 240_000) => runSide(process.execPath, args, { cwd: here, timeoutMs });
const summary = (list) => {
  const ok = list.filter((x) => x.ok);
  if (!ok.length) return { ok: false, error: list[0]?.crawls ? `crawls: ${list[0].error}` : list[0]?.error };
  return {
    ok: true,
    samplesPerSec: median(ok.map((x) => x.samplesPerSec)),
    samplesPerCpuSec: median(ok.map((x) => x.samplesPerCpuSec)),
    peakRssMB: Math.max(...ok.map((x) => x.peakRssMB)),
    leaked: Math.max(...ok.map((x) => x.leaked)),
    runs: ok.length,
  };
};

const load = { start: loadavg().map((x) => Math.round(x * 10) / 10) };
const results = [];
for (const [backend, model, n, paths, capMs] of cases) {
  for (const path of paths) {
    const runs = { tessera: [], tfjs: [] };
    for (let r = 0; r < rounds; r++) {
      for (const impl of r % 2 === 0 ? ['tessera', 'tfjs'] : ['tfjs', 'tessera']) {
        if (runs[impl].some((x) => !x.ok)) continue; // a side that failed once is not retried
        runs[impl].push(child(['child.mjs', impl, backend, model, String(n), path], capMs));
      }
    }
    const t = summary(runs.tessera);
    const a = summary(runs.tfjs);
    results.push({
      backend,
      model,
      path,
      steps: n,
      tessera: t,
      tfjsLayers: a,
      ratio: t.ok && a.ok ? t.samplesPerSec / a.samplesPerSec : undefined,
      cpuRatio: t.ok && a.ok ? t.samplesPerCpuSec / a.samplesPerCpuSec : undefined,
    });
  }
}
load.end = loadavg().map((x) => Math.round(x * 10) / 10);

const { wallMs: _wall, ...micro } = child(['micro.mjs'], 300_000);
const startup = {};
for (const b of ['cpu', 'wasm']) {
  const rs = [0, 1, 2].map(() => child(['startup.mjs', b], 60_000));
  const ok = rs.filter((r) => typeof r.ms === 'number');
  startup[b] = ok.length ? median(ok.map((r) => r.ms)) : `fails: ${rs[0]?.error}`;
}

const fmt = (s) => (s.ok ? `${Math.round(s.samplesPerSec)}` : s.error?.startsWith('crawls') ? s.error : `fails: ${s.error}`);
console.log(
  '\n| backend | model | data path | Tessera fit (samples/s) | tfjs-layers (samples/s) | ratio | ratio per CPU s | Tessera peak RSS | leaked tensors |',
);
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.backend} | ${r.model} | ${r.path} | ${fmt(r.tessera)} | ${fmt(r.tfjsLayers)} | ${r.ratio ? `${r.ratio.toFixed(2)}×` : '—'} | ${r.cpuRatio ? `${r.cpuRatio.toFixed(2)}×` : '—'} | ${r.tessera.peakRssMB ?? '—'} MB | ${r.tessera.leaked ?? '—'} |`,
  );
}
console.log(`load average (1, 5, 15 min) at start ${load.start.join(', ')}, at end ${load.end.join(', ')} on ${cpus().length} cores`);
const find = (model, path = 'tensors') => results.find((r) => r.backend === 'wasm' && r.model === model && r.path === path);
const mlp = find('mlp');
const cnn = find('cnn');
const lstm = find('lstm');
// a target whose case did not run (MODELS/BACKENDS) is `null`: not run
const targets = [
  ['wasm MLP >= 2.5x tfjs-layers model.fit(x, y) (same data path)', mlp && (mlp.ratio ?? 0) >= 2.5],
  ['wasm CNN >= 100 samples/s', cnn && (cnn.tessera.samplesPerSec ?? 0) >= 100],
  ['Embedding+LSTM trains on wasm', lstm && lstm.tessera.ok === true],
  ['no tensor leak (Tessera)', results.every((r) => !r.tessera.ok || r.tessera.leaked === 0)],
].map(([name, ok]) => [name, ok ?? null]);
console.log('\ntargets:');
for (const [name, ok] of targets) console.log(`  ${ok === null ? 'NOT RUN' : ok ? 'PASS' : 'MISS'} ${name}`);
// fp32 FMA peak of one core (AVX2, hand-written loop), measured on this kind of machine (../shared/facts.md);
// the wasm backend runs single-threaded in Node, so one core is the ceiling.
const PEAK_GFLOPS_ONE_CORE = 98;
const kernels = Object.entries(micro)
  .filter(([, v]) => typeof v === 'number')
  .map(([name, gflops]) => ({ name, gflops, percentOfPeak: Math.round((gflops / PEAK_GFLOPS_ONE_CORE) * 1000) / 10 }));
console.log(`\n| wasm kernel | GFLOP/s | % of one-core peak (${PEAK_GFLOPS_ONE_CORE} GFLOP/s) |`);
console.log('|---|---:|---:|');
for (const k of kernels) console.log(`| ${k.name} | ${k.gflops} | ${k.percentOfPeak}% |`);
for (const [name, v] of Object.entries(micro)) if (typeof v !== 'number') console.log(`| ${name} | ${v} | — |`);
console.log('start-up ms (import + backend ready + first 256x256 matMul, median of 3):', JSON.stringify(startup));
const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memGB: Math.round(totalmem() / 2 ** 30), node: process.version };
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `bench-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      machine,
      load,
      rounds,
      results,
      targets: Object.fromEntries(targets),
      peakGflopsOneCore: PEAK_GFLOPS_ONE_CORE,
      kernels,
      micro,
      startup,
    },
    null,
    2,
  ),
);
console.log(`\nwrote ${file}`);
