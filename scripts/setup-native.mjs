// Sets up the native TensorFlow backend (@tessera/backend-node) without network downloads:
// builds @tensorflow/tfjs-node 4.22 against the TensorFlow C library taken from the
// `tensorflow-cpu` wheel in pip's (local) index, instead of the libtensorflow 2.9.1 download
// that tfjs-node's own install script makes.
//
// usage: npm run setup:native            (idempotent: a second run checks and returns in well under a second)
//        npm run setup:native -- --force (rebuild from scratch)
//
// Everything lands in the git-ignored .cache/native/ folder; node_modules/@tensorflow/tfjs-node is a
// link to it, so a plain `npm install` and the lockfile are untouched (a later `npm install` may prune
// the link: run this again, it only relinks). tfjs-node's install script never runs.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINDING_PATCH, patchTfjsBinding } from './patch-tfjs-binding.mjs';

const TF_VERSION = '2.21.0';
const TFJS_NODE_VERSION = '4.22.0';
const WHEEL_PYTHON = '3.11'; // the index holds the cp311 wheel; any Python with pip can download it

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'native');
const prefix = join(cache, 'pkg');
const pkgDir = join(prefix, 'node_modules', '@tensorflow', 'tfjs-node');
const libDir = join(pkgDir, 'deps', 'lib');
const binding = join(pkgDir, 'lib', 'napi-v8', 'tfjs_binding.node');
const link = join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const stampFile = join(cache, 'stamp.json');
const stamp = JSON.stringify({
  tensorflow: TF_VERSION,
  tfjsNode: TFJS_NODE_VERSION,
  platform: `${process.platform}-${process.arch}`,
  binding: BINDING_PATCH,
});
const started = Date.now();

const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[setup:native ${seconds()}] ${msg}`);
function fail(msg) {
  console.error(`[setup:native] FAILED: ${msg}`);
  process.exit(1);
}
/** Runs a command with inherited output; fails with `what` when it exits non-zero. */
function run(cmd, args, what, options = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.error || r.status !== 0) fail(`${what}: \`${cmd} ${args.join(' ')}\` ${r.error ? r.error.message : `exited with ${r.status}`}`);
}

function linkPackage() {
  const target = relative(dirname(link), pkgDir);
  const current = lstatSync(link, { throwIfNoEntry: false });
  if (current?.isSymbolicLink() && readlinkSync(link) === target) return false;
  if (current) rmSync(link, { recursive: true, force: true });
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link, 'dir');
  return true;
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(
    `the offline native set-up supports Linux x86-64 only (this is ${process.platform}-${process.arch}); elsewhere install @tensorflow/tfjs-node@${TFJS_NODE_VERSION} normally (its install script downloads libtensorflow)`,
  );
}
if (!existsSync(join(root, 'node_modules', '@tensorflow', 'tfjs-core')))
  fail('run `npm install` first (node_modules/@tensorflow/tfjs-core is missing)');

const force = process.argv.includes('--force');
const ready =
  !force &&
  existsSync(binding) &&
  existsSync(join(libDir, 'libtensorflow.so')) &&
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === stamp;
if (ready) {
  const relinked = linkPackage();
  log(
    `${relinked ? 'relinked' : 'already set up:'} node_modules/@tensorflow/tfjs-node -> .cache/native (TensorFlow ${TF_VERSION}) in ${seconds()}`,
  );
  process.exit(0);
}

// 1. Python with pip (the wheel comes from pip's index; PIP_RETRIES=0: no waiting on an unreachable public index).
const python = ['python3', 'python'].find((p) => spawnSync(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0);
if (!python)
  fail(
    'pip is not available: the native set-up needs Python 3 with pip (`python3 -m pip --version` fails) to fetch the tensorflow-cpu wheel',
  );
rmSync(cache, { recursive: true, force: true });
mkdirSync(prefix, { recursive: true });

// 2. tfjs-node's JavaScript and binding sources, without its install script (which downloads libtensorflow 2.9.1).
log(`1/5 npm install @tensorflow/tfjs-node@${TFJS_NODE_VERSION} --ignore-scripts into .cache/native/pkg`);
writeFileSync(
  join(prefix, 'package.json'),
  `${JSON.stringify({ name: 'tessera-native-cache', private: true, dependencies: { '@tensorflow/tfjs-node': TFJS_NODE_VERSION } }, null, 2)}\n`,
);
run(
  'npm',
  ['install', '--ignore-scripts', '--no-package-lock', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
  'npm could not install @tensorflow/tfjs-node',
  { cwd: prefix },
);

// 3. The tensorflow-cpu wheel: it holds libtensorflow_cc (the C API tfjs-node calls), libtensorflow_framework and the headers.
log(`2/5 ${python} -m pip download tensorflow-cpu==${TF_VERSION} (no dependencies, from pip's index)`);
const wheelDir = join(cache, 'wheel');
run(
  python,
  [
    '-m',
    'pip',
    'download',
    `tensorflow-cpu==${TF_VERSION}`,
    '--no-deps',
    '--only-binary=:all:',
    '--python-version',
    WHEEL_PYTHON,
    '--dest',
    wheelDir,
    '--quiet',
  ],
  `pip could not download the tensorflow-cpu ${TF_VERSION} wheel (is it in pip's index? see \`pip config list\`)`,
  { env: { ...process.env, PIP_RETRIES: '0', PIP_DISABLE_PIP_VERSION_CHECK: '1' } },
);
const wheel = readdirSync(wheelDir).find((f) => f.startsWith('tensorflow_cpu-') && f.endsWith('.whl'));
if (!wheel) fail(`pip reported success but left no tensorflow_cpu wheel in ${wheelDir}`);

// 4. Unpack the two libraries and the C headers into tfjs-node's deps/ folder (what its binding.gyp expects).
log(`3/5 unpacking the TensorFlow libraries and C headers from ${wheel}`);
const unpack = `
import os, shutil, sys, zipfile
whl, deps = sys.argv[1], sys.argv[2]
headers = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/xla/tsl/c/', 'tensorflow/include/tsl/platform/ctstring',
           'tensorflow/include/tensorflow/core/platform/ctstring')
libs = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
found = 0
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if n.endswith('/'):
            continue
        if n in libs:
            dst = os.path.join(deps, 'lib', os.path.basename(n)); found += 1
        elif n.startswith(headers):
            dst = os.path.join(deps, 'include', n[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with z.open(n) as s, open(dst, 'wb') as d:
            shutil.copyfileobj(s, d, 1 << 22)
sys.exit(0 if found == len(libs) else 3)
`;
run(
  python,
  ['-c', unpack, join(wheelDir, wheel), join(pkgDir, 'deps')],
  `the wheel ${wheel} lacks libtensorflow_cc.so.2 or libtensorflow_framework.so.2`,
);
rmSync(wheelDir, { recursive: true, force: true }); // 270 MB; pip's index still has it
const strip = spawnSync('strip', ['--strip-unneeded', join(libDir, 'libtensorflow_cc.so.2')], { stdio: 'inherit' });
if (strip.status !== 0) log('   (strip is unavailable or failed: the library stays ~200 MB larger, nothing else changes)');
// The binding links -ltensorflow -ltensorflow_framework; libtensorflow.so.2.9.1 is the file tfjs-node's
// install script looks for before deciding to download.
for (const [name, to] of [
  ['libtensorflow.so', 'libtensorflow_cc.so.2'],
  [`libtensorflow.so.2.9.1`, 'libtensorflow_cc.so.2'],
  ['libtensorflow_framework.so', 'libtensorflow_framework.so.2'],
]) {
  symlinkSync(to, join(libDir, name));
}

// 5. Compile the N-API binding against those headers and libraries (node-gyp; Node's headers from /usr/include/node when present),
// with list(string) and list(type) attributes added (scripts/patch-tfjs-binding.mjs: TensorFlow's fused convolution needs them).
log('4/5 compiling the tfjs-node binding (node-gyp), with list(string) and list(type) attributes');
try {
  patchTfjsBinding(join(pkgDir, 'binding', 'tfjs_backend.cc'));
} catch (e) {
  fail(`patching the tfjs-node binding: ${e.message}`);
}
const nodedir = existsSync('/usr/include/node/node_api.h') ? { npm_config_nodedir: '/usr' } : {};
run(
  'npm',
  ['rebuild', '@tensorflow/tfjs-node', '--loglevel=error'],
  'building the tfjs-node binding failed (needs make, a C++ compiler and python3 for node-gyp)',
  {
    cwd: prefix,
    env: { ...process.env, ...nodedir, npm_config_build_from_source: 'true' },
  },
);
if (!existsSync(binding)) fail(`the build finished but ${relative(root, binding)} is missing`);
// tfjs-node must share the repository's single tfjs engine: drop the copies npm put beside it.
for (const d of readdirSync(join(prefix, 'node_modules', '@tensorflow'))) {
  if (d !== 'tfjs-node') rmSync(join(prefix, 'node_modules', '@tensorflow', d), { recursive: true, force: true });
}

// 6. Link it where @tessera/backend-node resolves it, and check that it loads and computes.
log('5/5 linking node_modules/@tensorflow/tfjs-node and checking it loads');
linkPackage();
const check = spawnSync(
  process.execPath,
  [
    '-e',
    `const tf = require('@tensorflow/tfjs-node');
     const v = tf.backend().binding.TF_Version;
     const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync();
     if (tf.getBackend() !== 'tensorflow' || v !== '${TF_VERSION}' || y[0] !== 17 || y[1] !== 39) { console.error('got', tf.getBackend(), v, y); process.exit(2); }`,
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], env: { TF_ENABLE_ONEDNN_OPTS: '0', TF_CPP_MIN_LOG_LEVEL: '2', ...process.env } },
);
if (check.status !== 0) fail(`@tensorflow/tfjs-node was built but does not load or compute correctly:\n${check.stderr}`);
writeFileSync(stampFile, stamp);
const du = spawnSync('du', ['-sm', cache], { encoding: 'utf8' }).stdout?.split('\t')[0];
log(
  `done in ${seconds()}: TensorFlow ${TF_VERSION} under @tensorflow/tfjs-node ${TFJS_NODE_VERSION}${du ? `, ${du} MB in .cache/native` : ''}`,
);
