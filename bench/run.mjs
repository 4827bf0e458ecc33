// npm run bench: Tessera `fit` vs tfjs-layers `model.fit` (the @tensorflow/tfjs union package),
// same backend, data, batch and optimizer (adam 1e-3), each run in its own process, runs
// alternating A B A B, median samples/s and the ratio. Also matMul/conv2d GFLOP/s and start-up.
// Writes bench/results/bench-<date>.json. Env: ROUNDS (default 3), STEPS (default 20).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 3);
const steps = Number(process.env.STEPS ?? 20);
const cases = [
  ['wasm', 'mlp', steps],
  ['wasm', 'cnn', Math.max(3, Math.round(steps / 4))],
  ['wasm', 'lstm', Math.max(3, Math.round(steps / 2))],
  ['cpu', 'mlp', Math.max(3, Math.round(steps / 2))],
  ['cpu', 'cnn', 3, 60_000], // tfjs-layers' cpu filter gradient is a naive loop: bounded at 60 s
  ['cpu', 'lstm', 3, 45_000], // Tessera's cpu LSTM step is slow: bounded at 45 s
];

function child(args, timeoutMs = 240_000) {
  try {
    const out = execFileSync(process.execPath, args, {
      cwd: here,
      timeout: timeoutMs,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return {
      ok: false,
      error: e.killed || e.code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000}s (crawls)` : String(e.message).slice(0, 160),
    };
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};

const results = [];
for (const [backend, model, n, capMs] of cases) {
  const runs = { tessera: [], tfjs: [] };
  for (let r = 0; r < rounds; r++) {
    for (const impl of r % 2 === 0 ? ['tessera', 'tfjs'] : ['tfjs', 'tessera']) {
      if (runs[impl].some((x) => !x.ok)) continue; // a side that failed once is not retried
      runs[impl].push(child(['child.mjs', impl, backend, model, String(n)], capMs));
    }
  }
  const summary = (list) => {
    const ok = list.filter((x) => x.ok);
    if (!ok.length) return { ok: false, error: list[0]?.error };
    return {
      ok: true,
      samplesPerSec: median(ok.map((x) => x.samplesPerSec)),
      peakRssMB: Math.max(...ok.map((x) => x.peakRssMB)),
      leaked: Math.max(...ok.map((x) => x.leaked)),
      runs: ok.length,
    };
  };
  const t = summary(runs.tessera);
  const a = summary(runs.tfjs);
  results.push({
    backend,
    model,
    steps: n,
    tessera: t,
    tfjsLayers: a,
    ratio: t.ok && a.ok ? t.samplesPerSec / a.samplesPerSec : undefined,
  });
}

const micro = child(['micro.mjs'], 300_000);
const startup = {};
for (const b of ['cpu', 'wasm']) {
  const rs = [0, 1, 2].map(() => child(['startup.mjs', b], 60_000));
  const ok = rs.filter((r) => typeof r.ms === 'number');
  startup[b] = ok.length ? median(ok.map((r) => r.ms)) : `fails: ${rs[0]?.error}`;
}

const fmt = (s) => (s.ok ? `${Math.round(s.samplesPerSec)}` : `fails: ${s.error}`);
console.log('\n| backend | model | Tessera fit (samples/s) | tfjs-layers fit (samples/s) | ratio | Tessera peak RSS | leaked tensors |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.backend} | ${r.model} | ${fmt(r.tessera)} | ${fmt(r.tfjsLayers)} | ${r.ratio ? `${r.ratio.toFixed(2)}×` : '—'} | ${r.tessera.peakRssMB ?? '—'} MB | ${r.tessera.leaked ?? '—'} |`,
  );
}
const mlp = results.find((r) => r.backend === 'wasm' && r.model === 'mlp');
const cnn = results.find((r) => r.backend === 'wasm' && r.model === 'cnn');
const lstm = results.find((r) => r.backend === 'wasm' && r.model === 'lstm');
const targets = [
  ['wasm MLP >= 2.5x tfjs-layers fit', (mlp?.ratio ?? 0) >= 2.5],
  ['wasm CNN >= 100 samples/s', (cnn?.tessera.samplesPerSec ?? 0) >= 100],
  ['Embedding+LSTM trains on wasm', lstm?.tessera.ok === true],
  ['no tensor leak (Tessera)', results.every((r) => !r.tessera.ok || r.tessera.leaked === 0)],
];
console.log('\ntargets:');
for (const [name, ok] of targets) console.log(`  ${ok ? 'PASS' : 'MISS'} ${name}`);
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
    { machine, rounds, results, targets: Object.fromEntries(targets), peakGflopsOneCore: PEAK_GFLOPS_ONE_CORE, kernels, micro, startup },
    null,
    2,
  ),
);
console.log(`\nwrote ${file}`);
