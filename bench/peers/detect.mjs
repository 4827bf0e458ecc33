// Finds what the peer benchmark can run here: the native `node` backend (when
// @tensorflow/tfjs-node resolves), a Python with Keras 3 + TensorFlow and a Python with PyTorch.
// Each answer is `{ ok: true, ... }` or `{ ok: false, reason }` (the row is skipped, saying why).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = resolve(here, '../..');
/** The virtual environment `npm run setup:peers` makes. */
export const peersVenv = join(repoRoot, '.venv-peers');

/** Whether `@tensorflow/tfjs-node` resolves from the bench package. */
export function nodeBackend() {
  try {
    createRequire(join(here, '..', 'package.json')).resolve('@tensorflow/tfjs-node');
    return { ok: true };
  } catch {
    return { ok: false, reason: '@tensorflow/tfjs-node is not installed (npm run setup:native builds it)' };
  }
}

function hasModules(python, modules) {
  const code = `import importlib.util, sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`;
  const r = spawnSync(python, ['-c', code], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

function findPython(envVar, candidates, modules, hint) {
  const chosen = process.env[envVar];
  const list = chosen ? [chosen] : candidates.filter((p) => p.includes('/') === false || existsSync(p));
  for (const python of list) if (hasModules(python, modules)) return { ok: true, python };
  const where = chosen ? `${envVar}=${chosen}` : `${list.join(', ') || 'no interpreter found'}`;
  return { ok: false, reason: `no ${modules.join(' + ')} in ${where} (${hint})` };
}

/** A Python with Keras 3 and TensorFlow: TESSERA_KERAS_PYTHON, else .venv-peers. */
export function kerasPython() {
  return findPython('TESSERA_KERAS_PYTHON', [join(peersVenv, 'bin/python')], ['keras', 'tensorflow', 'numpy'], 'npm run setup:peers');
}

/** A Python with PyTorch: TESSERA_TORCH_PYTHON, else .venv-peers, /usr/bin/python3, python3. */
export function torchPython() {
  return findPython(
    'TESSERA_TORCH_PYTHON',
    [join(peersVenv, 'bin/python'), '/usr/bin/python3', 'python3'],
    ['torch', 'numpy'],
    'npm run setup:peers says how to install it',
  );
}
