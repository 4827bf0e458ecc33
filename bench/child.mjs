// One benchmark run in its own process:
//   node child.mjs <tessera|tfjs> <wasm|cpu|node> <mlp|cnn|lstm> <steps> [prebatched|tensors|shuffle|dataset]
// (data path default `tensors`). Prints one JSON line: samples/s over the two timed epochs of
// `steps` steps (after one warm-up step; the epochs' own time, from epoch-begin to epoch-end
// callbacks), the same per second of the process' CPU time (user + system, all threads) and per
// second of the whole fit call (its set-up included), peak RSS, tensors leaked, the data's fingerprint and threads used.
import * as data from './data.mjs';
import { tfjsLayersSide } from './peers/tfjs-layers.mjs';
import { BATCH } from './spec.mjs';
import { tesseraSide } from './tessera-side.mjs';

const [impl, backend, model, stepsArg, path = 'tensors'] = process.argv.slice(2);
const out = { impl, backend, model, path };
try {
  const steps = Number(stepsArg);
  const batch = BATCH[model];
  if (!batch) throw new Error(`unknown model ${model} (mlp, cnn or lstm)`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${stepsArg}`);
  const n = batch * (steps + 1);
  const set = model === 'lstm' ? data.sms(n) : data.mnist(n);
  const side = impl === 'tessera' ? tesseraSide : impl === 'tfjs' ? tfjsLayersSide : null;
  if (!side) throw new Error(`unknown side ${impl} (tessera or tfjs)`);
  const r = await side({ backend, model, steps, path, batch, set });
  console.log(
    JSON.stringify({
      ...out,
      ok: true,
      samplesPerSec: ((2 * steps * batch) / r.ms) * 1000,
      samplesPerCpuSec: ((2 * steps * batch) / r.cpuMs) * 1000,
      callSamplesPerSec: ((2 * steps * batch) / r.callMs) * 1000,
      steps,
      batch,
      leaked: r.tensorsAfter - r.tensorsBefore,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      threads: r.threads,
      data: data.fingerprint(set),
    }),
  );
} catch (e) {
  console.log(JSON.stringify({ ...out, ok: false, error: String(e?.message ?? e).slice(0, 160) }));
}
process.exit(0);
