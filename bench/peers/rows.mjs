// The rows of the peer benchmark: which framework, backend and data path runs for each model,
// and how (command, arguments, time bound). Filters: FRAMEWORKS, BACKENDS, PATHS (comma lists);
// FULL=1 runs every path on every backend (the default leaves out the slow repeats listed below).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATHS } from '../spec.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = join(here, '..');

const list = (name) =>
  process.env[name]
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Data paths of one framework on one backend for one model. By default, Tessera runs every path
 * everywhere except on `cpu` for the CNN and the LSTM (a run takes ~30 s there: `tensors` only);
 * tfjs-layers runs every path for the MLP, `prebatched` and `tensors` for the others (`tensors`
 * only on cpu, where it crawls); Keras and PyTorch run every path.
 */
function defaultPaths(framework, backend, model) {
  if (process.env.FULL === '1') return PATHS;
  const slowCpu = backend === 'cpu' && model !== 'mlp';
  if (framework === 'tessera') return slowCpu ? ['tensors'] : PATHS;
  if (framework === 'tfjs') return slowCpu ? ['tensors'] : model === 'mlp' ? PATHS : ['prebatched', 'tensors'];
  return PATHS;
}

/**
 * Rows for one model: `{ framework, backend, path, command, args, timeoutMs }`, or
 * `{ framework, backend, skipped }` for a framework or backend that is not available here.
 */
export function rowsFor(model, steps, found) {
  const frameworks = list('FRAMEWORKS') ?? ['tessera', 'tfjs', 'keras', 'torch'];
  const backends = list('BACKENDS') ?? ['wasm', 'cpu', 'node'];
  const paths = list('PATHS');
  // cpu runs of the CNN and LSTM crawl (naive kernels); everything else ends in seconds
  const timeoutMs = (backend) => (backend === 'cpu' && model !== 'mlp' ? 45_000 : 120_000);
  const rows = [];
  const add = (framework, backend, make) => {
    for (const path of defaultPaths(framework, backend, model)) {
      if (paths && !paths.includes(path)) continue;
      rows.push({ framework, backend, path, ...make(path), timeoutMs: timeoutMs(backend) });
    }
  };
  for (const framework of frameworks) {
    if (framework === 'tessera' || framework === 'tfjs') {
      for (const backend of backends) {
        if (backend === 'node' && !found.node.ok) {
          rows.push({ framework, backend, skipped: found.node.reason });
          continue;
        }
        add(framework, backend, (path) => ({
          command: process.execPath,
          args: [join(benchDir, 'child.mjs'), framework, backend, model, String(steps), path],
        }));
      }
    } else {
      const py = framework === 'keras' ? found.keras : found.torch;
      const backend = framework === 'keras' ? 'tensorflow' : 'cpu';
      if (!py.ok) {
        rows.push({ framework, backend, skipped: py.reason });
        continue;
      }
      add(framework, backend, (path) => ({
        command: py.python,
        args: [join(here, `${framework}_peer.py`), model, String(steps), path],
      }));
    }
  }
  return rows;
}
