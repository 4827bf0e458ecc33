// npm run bench:peers: the same models, data, batch and optimizer (adam 1e-3) in Tessera (every
// data path; wasm, cpu, and node when @tensorflow/tfjs-node is installed), tfjs-layers (same data
// paths), Keras 3 on TensorFlow (CPU) and PyTorch (CPU). Every run is its own time-bounded process;
// rounds alternate the order (forward, then backward); a row that failed is not retried, and a
// row whose first run took over SLOW_S seconds (default 15) runs once. Prints one table per model
// (median samples/s over the epochs, per CPU second, and over the whole fit call; ratios to Keras'
// fit(x, y)) and writes bench/results/peers-<date>.json.
// Env: ROUNDS (3), STEPS (20: the MLP's steps per epoch; CNN a quarter, LSTM half), MODELS,
// FRAMEWORKS, BACKENDS, PATHS, FULL=1, THREADS (peers' threads), TESSERA_KERAS_PYTHON,
// TESSERA_TORCH_PYTHON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BATCH, median, runSide, stepsFor } from '../spec.mjs';
import { kerasPython, nodeBackend, repoRoot, torchPython } from './detect.mjs';
import { printTable } from './report.mjs';
import { rowsFor } from './rows.mjs';

const rounds = Number(process.env.ROUNDS ?? 3);
const steps = Number(process.env.STEPS ?? 20);
const slowMs = Number(process.env.SLOW_S ?? 15) * 1000;
const models = process.env.MODELS?.split(',').map((s) => s.trim()) ?? ['mlp', 'cnn', 'lstm'];
const found = { node: nodeBackend(), keras: kerasPython(), torch: torchPython() };
for (const [name, f] of Object.entries(found)) console.log(`${name}: ${f.ok ? (f.python ?? 'available') : `skipped: ${f.reason}`}`);
const load = { start: loadavg().map((x) => Math.round(x * 10) / 10) };
const started = new Date();

const tables = [];
for (const model of models) {
  const n = stepsFor(model, steps);
  const rows = rowsFor(model, n, found);
  const runnable = rows.filter((r) => !r.skipped);
  for (const r of runnable) r.runs = [];
  for (let round = 0; round < rounds; round++) {
    for (const r of round % 2 === 0 ? runnable : [...runnable].reverse()) {
      if (r.runs.some((x) => !x.ok)) continue; // a row that failed or crawled once is not retried
      if (round > 0 && r.runs[0].wallMs > slowMs) continue;
      const res = runSide(r.command, r.args, { cwd: repoRoot, timeoutMs: r.timeoutMs });
      r.runs.push(res);
      process.stdout.write(res.ok ? '.' : 'x');
    }
  }
  process.stdout.write('\n');
  for (const r of runnable) {
    const ok = r.runs.filter((x) => x.ok);
    r.samplesPerSec = ok.length ? median(ok.map((x) => x.samplesPerSec)) : undefined;
    r.samplesPerCpuSec = ok.length ? median(ok.map((x) => x.samplesPerCpuSec)) : undefined;
    r.callSamplesPerSec = ok.length ? median(ok.map((x) => x.callSamplesPerSec)) : undefined;
    r.failure = ok.length ? undefined : r.runs[0]?.error;
    r.crawls = r.runs.some((x) => x.crawls);
  }
  const table = { model, batch: BATCH[model], steps: n, rows };
  tables.push(table);
  printTable(table);
}

load.end = loadavg().map((x) => Math.round(x * 10) / 10);
console.log(`\nload average (1, 5, 15 min) at start ${load.start.join(', ')}, at end ${load.end.join(', ')} on ${cpus().length} cores`);
const machine = { cpu: cpus()[0]?.model, cores: cpus().length, memGB: Math.round(totalmem() / 2 ** 30), node: process.version };
const dir = join(repoRoot, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `peers-${started.toISOString().slice(0, 19).replace(/:/g, '-')}.json`);
const strip = ({ command, args, ...r }) => ({ ...r, command: [command, ...args].join(' ') });
writeFileSync(
  file,
  JSON.stringify(
    {
      started: started.toISOString(),
      machine,
      load,
      rounds,
      steps,
      threads: process.env.THREADS ?? 'framework default',
      found,
      tables: tables.map((t) => ({ ...t, rows: t.rows.map((r) => (r.skipped ? r : strip(r))) })),
    },
    null,
    2,
  ),
);
console.log(`wrote ${file}`);
