// wasm threads in Node, 1 vs 2 threads (or THREADS="1,4"...): matMul 1024² and conv2d GFLOP/s and
// Tessera `fit` samples/s of the bench's MLP, CNN and Embedding+LSTM. Every run is its own process
// (`node wasm-threads.mjs --child <threads>`), runs alternate A B, B A, ...; the table gives
// medians, the B/A ratio and the CPU time per sample. Env: ROUNDS (default 3), STEPS (default 20).
// Writes bench/results/wasm-threads-<date>.json. Needs the packages built (npm run bench builds them).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const steps = Number(process.env.STEPS ?? 20);
const models = {
  mlp: { batch: 128, steps },
  cnn: { batch: 64, steps: Math.max(3, Math.round(steps / 4)) },
  lstm: { batch: 32, steps: Math.max(3, Math.round(steps / 2)) },
};

async function runChild(threads) {
  const { useBackend } = await import('@tessera/core');
  const { wasm } = await import('@tessera/backend-wasm');
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const t0 = performance.now();
  await useBackend(wasm({ threads }));
  const readyMs = performance.now() - t0;
  if (getThreadsCount() !== threads) throw new Error(`asked for ${threads} threads, the backend runs ${getThreadsCount()}`);
  const tf = await import('@tessera/tensor');
  const out = { threads, readyMs, kernels: {}, models: {} };

  const rate = (flops, f, reps) => {
    tf.tidy(() => {
      f().dataSync();
    });
    const start = performance.now();
    for (let i = 0; i < reps; i++)
      tf.tidy(() => {
        f().dataSync();
      });
    return (flops * reps) / ((performance.now() - start) / 1000) / 1e9;
  };
  const a = tf.randomNormal([1024, 1024], 0, 1, 'float32', 1);
  const b = tf.randomNormal([1024, 1024], 0, 1, 'float32', 2);
  out.kernels.matMul1024 = rate(2 * 1024 ** 3, () => tf.matMul(a, b), 5);
  const x = tf.randomNormal([64, 28, 28, 32], 0, 1, 'float32', 3);
  const w = tf.randomNormal([3, 3, 32, 64], 0, 1, 'float32', 4);
  out.kernels.conv2d = rate(2 * 64 * 28 * 28 * 3 * 3 * 32 * 64, () => tf.conv2d(x, w, 1, 'same'), 3);
  tf.dispose([a, b, x, w]);

  const data = await import('./data.mjs');
  const L = await import('@tessera/layers');
  const { sparseCategoricalCrossentropy, binaryCrossentropy } = await import('@tessera/losses');
  const { adam } = await import('@tessera/optimizers');
  const { fit, Trainer } = await import('@tessera/train');
  for (const [model, spec] of Object.entries(models)) {
    const n = spec.batch * (spec.steps + 1);
    const set = model === 'lstm' ? data.sms(n) : data.mnist(n);
    const net =
      model === 'mlp'
        ? L.sequential([L.dense(128, { activation: 'relu' }), L.dense(10)])
        : model === 'cnn'
          ? L.sequential([
              L.reshape([28, 28, 1]),
              L.conv2d(32, 3, { activation: 'relu' }),
              L.maxPool2d(2),
              L.conv2d(64, 3, { activation: 'relu' }),
              L.maxPool2d(2),
              L.flatten(),
              L.dense(10),
            ])
          : L.sequential([L.embedding(set.vocab, 32), L.lstm(32), L.dense(1)]);
    const loss = model === 'lstm' ? binaryCrossentropy({ fromLogits: true }) : sparseCategoricalCrossentropy({ fromLogits: true });
    const bs = spec.batch;
    const batches = [];
    for (let i = 0; i <= spec.steps; i++) {
      batches.push(
        model === 'lstm'
          ? {
              x: tf.tensor2d(set.x.subarray(i * bs * set.len, (i + 1) * bs * set.len), [bs, set.len], 'int32'),
              y: tf.tensor2d(set.y.subarray(i * bs, (i + 1) * bs), [bs, 1]),
            }
          : {
              x: tf.tensor2d(set.x.subarray(i * bs * 784, (i + 1) * bs * 784), [bs, 784]),
              y: tf.tensor1d(set.y.subarray(i * bs, (i + 1) * bs), 'int32'),
            },
      );
    }
    const trainer = new Trainer(net, { loss, optimizer: adam() });
    await fit(net, batches.slice(0, 1), { loss, optimizer: adam(), epochs: 1, trainer });
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    // With a trainer, fit's `epochs` is the total: the warm-up was epoch 1, so 3 trains two more.
    await fit(net, batches.slice(1), { loss, optimizer: adam(), epochs: 3, trainer });
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const samples = 2 * spec.steps * bs;
    if (trainer.step !== 1 + 2 * spec.steps) throw new Error(`${model}: expected ${1 + 2 * spec.steps} steps, trained ${trainer.step}`);
    out.models[model] = { samplesPerSec: (samples / ms) * 1000, cpuMsPerSample: (cpu.user + cpu.system) / 1000 / samples };
    for (const batch of batches) tf.dispose([batch.x, batch.y]);
  }
  return out;
}

if (process.argv[2] === '--child') {
  try {
    console.log(JSON.stringify({ ok: true, ...(await runChild(Number(process.argv[3]))) }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e?.message ?? e).slice(0, 200) }));
  }
  // Exits on its own: a run that hangs (a worker keeping the process alive) times out below.
} else {
  const rounds = Number(process.env.ROUNDS ?? 3);
  const [A, B] = (process.env.THREADS ?? '1,2').split(',').map(Number);
  const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  const runs = { [A]: [], [B]: [] };
  const load = [loadavg()[0]];
  const wall0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 === 0 ? [A, B] : [B, A]) {
      const started = performance.now();
      try {
        const out = execFileSync(process.execPath, ['wasm-threads.mjs', '--child', String(t)], {
          cwd: here,
          timeout: 90_000,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        runs[t].push({ ...JSON.parse(out.trim().split('\n').pop()), processMs: performance.now() - started });
      } catch (e) {
        runs[t].push({ ok: false, error: e.killed ? 'timed out after 90 s (did not exit?)' : String(e.message).slice(0, 200) });
      }
    }
    load.push(loadavg()[0]);
  }
  const failed = [...runs[A], ...runs[B]].filter((x) => !x.ok);
  if (failed.length) console.log(`failed runs: ${failed.map((x) => x.error).join('; ')}`);
  const ok = { [A]: runs[A].filter((x) => x.ok), [B]: runs[B].filter((x) => x.ok) };
  const rows = [];
  const row = (name, unit, pick, lowerIsBetter = false) => {
    const a = median(ok[A].map(pick));
    const b = median(ok[B].map(pick));
    rows.push({ name, unit, [A]: a, [B]: b, ratio: lowerIsBetter ? a / b : b / a, all: { [A]: ok[A].map(pick), [B]: ok[B].map(pick) } });
  };
  row('matMul 1024²', 'GFLOP/s', (x) => x.kernels.matMul1024);
  row('conv2d [64,28,28,32]*[3,3,32,64]', 'GFLOP/s', (x) => x.kernels.conv2d);
  for (const m of Object.keys(models)) {
    row(`${m} fit, batch ${models[m].batch}`, 'samples/s', (x) => x.models[m].samplesPerSec);
    row(`${m} CPU time per sample`, 'ms', (x) => x.models[m].cpuMsPerSample, true);
  }
  row('backend ready', 'ms', (x) => x.readyMs, true);
  row('whole run (process)', 'ms', (x) => x.processMs, true);
  const fmt = (v) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3));
  console.log(`\n| measure | ${A} thread(s) | ${B} threads | ${B} vs ${A} |\n|---|---:|---:|---:|`);
  for (const r of rows) console.log(`| ${r.name} (${r.unit}) | ${fmt(r[A])} | ${fmt(r[B])} | ${r.ratio.toFixed(2)}× |`);
  console.log(
    `\n${rounds} rounds, ${ok[A].length}+${ok[B].length} runs, ${((performance.now() - wall0) / 1000).toFixed(0)} s; ` +
      `load average (1 min) ${load.map((l) => l.toFixed(1)).join(' → ')} on ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
  );
  mkdirSync(join(here, 'results'), { recursive: true });
  const file = join(here, 'results', `wasm-threads-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), rounds, steps, load, rows, runs }, null, 2));
  console.log(`JSON: ${file}`);
}
