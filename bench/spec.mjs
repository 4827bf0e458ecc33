// What every benchmark side agrees on: the models' batch sizes, the data paths, the steps per
// model, and how a driver runs one side in its own time-bounded process.
import { spawnSync } from 'node:child_process';

/** Batch size per model (the same in Tessera, tfjs-layers, Keras and PyTorch). */
export const BATCH = { mlp: 128, cnn: 64, lstm: 32 };

/**
 * How the training data reaches the step. Every side implements each one in its own idiom:
 * - `prebatched`: a list of ready batch tensors, made before the clock starts;
 * - `tensors`: one tensor pair, sliced into batches by the framework (Tessera `fit(model, { x, y,
 *   batchSize })`, tfjs-layers/Keras `model.fit(x, y)`, PyTorch `x[i:i+b]`);
 * - `shuffle`: the same with a new order every epoch (`shuffle: true, seed`, Keras/tfjs-layers
 *   `shuffle: true`, PyTorch `randperm` + indexing);
 * - `dataset`: a per-sample dataset batched by the data library (`fromTensors({ x, y }).batch(b)`
 *   of `@tessera/data`, `tf.data.zip(...).batch(b)` of tfjs-data, `tf.data.Dataset
 *   .from_tensor_slices(...).batch(b)`, PyTorch `DataLoader(TensorDataset(x, y), batch_size=b)`).
 */
export const PATHS = ['prebatched', 'tensors', 'shuffle', 'dataset'];

/** Timed steps per epoch for each model, from STEPS (the MLP's; 20 by default). */
export function stepsFor(model, steps) {
  if (model === 'mlp') return steps;
  if (model === 'cnn') return Math.max(3, Math.round(steps / 4));
  return Math.max(3, Math.round(steps / 2));
}

/** Median of a list of numbers (the upper one of an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
}

/**
 * Runs one side in its own process, bounded at `timeoutMs`, and returns the JSON object it printed
 * last, `{ ok: false, error }` when it failed, or `{ ok: false, crawls: true, error }` when it was
 * still running at the bound. `wallMs` is the wall time of the whole process.
 */
export function runSide(command, args, { cwd, timeoutMs, env }) {
  const t0 = performance.now();
  const r = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - t0;
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGKILL') {
    return { ok: false, crawls: true, error: `not done in ${Math.round(timeoutMs / 1000)} s`, wallMs };
  }
  if (r.error) return { ok: false, error: String(r.error.message).slice(0, 160), wallMs };
  const last = (r.stdout ?? '').trim().split('\n').pop();
  try {
    return { ...JSON.parse(last), wallMs };
  } catch {
    const why = (r.stderr ?? '').trim().split('\n').pop() || `exit ${r.status}`;
    return { ok: false, error: why.slice(0, 160), wallMs };
  }
}

/**
 * Sums wall and process CPU time between `begin()` and `end()` calls: the sides call them at
 * every epoch's start and end, so the rate counts the training steps and each epoch's own data
 * work, not the set-up a `fit` call does once.
 */
export function epochClock() {
  let t0 = 0;
  let cpu0 = null;
  const clock = {
    ms: 0,
    cpuMs: 0,
    begin() {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    },
    end() {
      clock.ms += performance.now() - t0;
      const u = process.cpuUsage(cpu0);
      clock.cpuMs += (u.user + u.system) / 1000;
    },
  };
  return clock;
}
