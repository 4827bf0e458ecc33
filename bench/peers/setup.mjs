// npm run setup:peers: makes the Python peers of `npm run bench:peers` available. Idempotent.
// - Keras 3 on TensorFlow (CPU): a virtual environment .venv-peers at the repository root
//   (git-ignored) with `tensorflow-cpu==2.21.0` (it brings Keras 3), made with PYTHON (default
//   python3); skipped when it already imports.
// - PyTorch: not installed here (it needs root or an index that has it); says how, and checks
//   that Debian's build has a fast BLAS.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kerasPython, peersVenv, torchPython } from './detect.mjs';

const run = (cmd, args, env = {}) => {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
};

const keras = kerasPython();
if (keras.ok) console.log(`Keras + TensorFlow: ready (${keras.python})`);
else {
  const python = join(peersVenv, 'bin/python');
  // again over a half-made one is harmless: venv keeps what is there and adds what is missing
  run(process.env.PYTHON ?? 'python3', ['-m', 'venv', peersVenv]);
  // PIP_RETRIES=0: where pip has a local index it otherwise waits on the public one first
  run(python, ['-m', 'pip', 'install', 'tensorflow-cpu==2.21.0'], { PIP_RETRIES: '0' });
  const again = kerasPython();
  if (!again.ok) {
    console.error(`Keras + TensorFlow still missing: ${again.reason}`);
    process.exit(1);
  }
  console.log(`Keras + TensorFlow: ready (${again.python})`);
}

const torch = torchPython();
if (torch.ok) console.log(`PyTorch: ready (${torch.python})`);
else {
  console.log(`PyTorch: not found (${torch.reason}). To add it:
  - Debian/Ubuntu, as root: apt-get install python3-torch libopenblas0-pthread   (PyTorch 1.13 for /usr/bin/python3)
  - or where a pip index has it: ${join(peersVenv, 'bin/python')} -m pip install torch
  - or point TESSERA_TORCH_PYTHON at a Python that imports torch.`);
}
if (torch.ok && torch.python.startsWith('/usr/bin/')) {
  const blas = spawnSync('dpkg-query', ['-s', 'libopenblas0-pthread'], { encoding: 'utf8' });
  if (!blas.error && !blas.stdout?.includes('Status: install ok installed'))
    console.log(
      'PyTorch: Debian python3-torch without libopenblas0-pthread uses the reference BLAS (~30× slower matMul): apt-get install libopenblas0-pthread',
    );
}
