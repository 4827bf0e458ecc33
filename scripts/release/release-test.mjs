#!/usr/bin/env node
// Release test: version and publish every public package to a throw-away verdaccio registry,
// then install single packages from it into fresh directories outside the repo and use them.
//
//   npm run release:test                      (builds first; RELEASE_TEST_SKIP_BUILD=1 skips it)
//
// Steps: build -> copy the repo to a temp dir -> `changeset version` there (the real working
// tree's versions and changesets are never touched) -> start verdaccio on 127.0.0.1 (free port,
// storage in the temp dir; @tessera/* published locally, everything else proxied from the
// registry npm is configured with) -> `changeset publish` -> fresh installs:
//   1. only @tessera/core + @tessera/backend-cpu: exactly core, kernels and backend-cpu of @tessera
//      come along (the plugin registers @tessera/kernels' fixes), third-party packages only tfjs' own;
//   2. only layers + optimizers + losses + train + backend-wasm: a small training run in ESM
//      (.mjs) and in CJS (.cjs) whose loss must decrease (skipped, with the reason, while any of
//      those packages does not exist yet).
// Verdaccio's process group is killed at the end whatever happens. Every step has a time limit.
// Non-interactive (CI=true, no stdin). Exit code 0 = pass.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { publicPackages, REPO_ROOT } from './packages.mjs';

const T0 = Date.now();
const KEEP = process.env.RELEASE_TEST_KEEP === '1';
const SKIP_BUILD = process.env.RELEASE_TEST_SKIP_BUILD === '1';
// Only what git tracks (a clean clone sees exactly this): leaves out packages other people are
// still writing in a shared working tree.
const TRACKED_ONLY = process.env.RELEASE_TEST_TRACKED_ONLY === '1';
const TRAIN_SET = ['@tessera/layers', '@tessera/optimizers', '@tessera/losses', '@tessera/train', '@tessera/backend-wasm'];
const MINIMAL_SET = ['@tessera/core', '@tessera/backend-cpu'];
/** What installing MINIMAL_SET may bring of @tessera: the plugin registers @tessera/kernels' fixes. */
const MINIMAL_TESSERA = ['@tessera/backend-cpu', '@tessera/core', '@tessera/kernels'];
const timings = [];
// Whole-run bound: every command gets at most the time left before this deadline.
const DEADLINE = T0 + 1000 * Number(process.env.RELEASE_TEST_TIMEOUT_S ?? 600);

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
function log(msg) {
  console.log(`[release-test +${secs(Date.now() - T0)}] ${msg}`);
}
async function step(name, fn) {
  const t = Date.now();
  log(`${name} ...`);
  const r = await fn();
  timings.push([name, Date.now() - t]);
  log(`${name}: done in ${secs(Date.now() - t)}`);
  return r;
}

/** Runs a command synchronously with a time limit; throws with its output on failure. */
function run(cmd, args, { cwd, env, timeoutMs = 120_000, quiet = false } = {}) {
  const left = DEADLINE - Date.now();
  if (left < 1000) throw new Error(`the release test ran out of time (RELEASE_TEST_TIMEOUT_S) before \`${cmd} ${args.join(' ')}\``);
  timeoutMs = Math.min(timeoutMs, left);
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error || r.status !== 0) {
    const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${secs(timeoutMs)}` : `exit ${r.status} ${r.signal ?? ''}`;
    throw new Error(`\`${cmd} ${args.join(' ')}\` (in ${cwd}) failed: ${why}\n${out.slice(-6000)}`);
  }
  if (!quiet && out.trim())
    console.log(
      out
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
  return out;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---- verdaccio lifecycle -------------------------------------------------------------------
let verdaccio = null;
function stopVerdaccio() {
  if (!verdaccio || verdaccio.exitCode !== null || verdaccio.signalCode !== null) return;
  try {
    process.kill(-verdaccio.pid, 'SIGKILL'); // the whole process group (detached: true)
  } catch {
    try {
      verdaccio.kill('SIGKILL');
    } catch {}
  }
  log(`verdaccio (pid ${verdaccio.pid}) stopped`);
  verdaccio = null;
}
process.on('exit', stopVerdaccio);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopVerdaccio();
    process.exit(130);
  });
}

function upstreamRegistry() {
  const fromEnv = process.env.RELEASE_TEST_UPSTREAM;
  if (fromEnv) return fromEnv;
  const r = spawnSync('npm', ['config', 'get', 'registry'], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 30_000 });
  const url = (r.stdout ?? '').trim();
  return /^https?:\/\//.test(url) ? url : 'https://registry.npmjs.org/';
}

async function startVerdaccio(dir) {
  const port = await freePort();
  const upstream = upstreamRegistry();
  const storage = path.join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(storage)}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
      '    max_users: -1',
      'uplinks:',
      '  upstream:',
      `    url: ${JSON.stringify(upstream)}`,
      '    timeout: 60s',
      '    maxage: 30m',
      'packages:',
      "  '@tessera/*':",
      '    access: $all',
      '    publish: $all',
      '    unpublish: $all',
      "  '**':",
      '    access: $all',
      '    proxy: upstream',
      'server:',
      '  keepAliveTimeout: 60',
      'web:',
      '  enable: false',
      'middlewares:',
      '  audit:',
      '    enabled: false',
      'max_body_size: 200mb',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const bin = path.join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  if (!existsSync(bin)) throw new Error(`verdaccio is not installed (${bin} missing): run npm install at the repo root`);
  const logFile = path.join(dir, 'verdaccio.log');
  const { openSync } = await import('node:fs');
  const fd = openSync(logFile, 'a');
  verdaccio = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  verdaccio.unref();
  const url = `http://127.0.0.1:${port}/`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (verdaccio.exitCode !== null)
      throw new Error(`verdaccio exited (${verdaccio.exitCode}):\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      const res = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {}
    if (Date.now() > until)
      throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`verdaccio ${url} (pid ${verdaccio.pid}, storage ${storage}, uplink ${upstream} for everything but @tessera/*)`);
  return { url, port, logFile };
}

// ---- repo copy + changeset version ----------------------------------------------------------
function listRepoFiles() {
  const r = spawnSync('git', ['ls-files', TRACKED_ONLY ? '-c' : '-co', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status === 0) return r.stdout.split('\0').filter(Boolean);
  // No git: walk the tree, skipping build outputs.
  const skip = new Set(['node_modules', 'dist', '.git', '.turbo', 'docs', 'coverage']);
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(REPO_ROOT, rel), { withFileTypes: true })) {
      if (skip.has(e.name)) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk('');
  return out;
}

function copyRepo(dest, pkgs) {
  let n = 0;
  // Public packages left out of this run (RELEASE_TEST_EXCLUDE / untracked) stay out of the copy.
  const keep = new Set(pkgs.map((p) => p.rel));
  const leftOut = publicPackages()
    .filter((p) => !keep.has(p.rel))
    .map((p) => `${p.rel}/`);
  for (const f of listRepoFiles()) {
    if (leftOut.some((prefix) => f.startsWith(prefix))) continue;
    // The copy needs package manifests, changesets, configs and what packages publish; skip
    // other people's bulky example data and benchmarks results.
    const src = path.join(REPO_ROOT, f);
    if (!existsSync(src)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    cpSync(src, path.join(dest, f));
    n++;
  }
  for (const p of pkgs) {
    const dist = path.join(p.dir, 'dist');
    if (!existsSync(dist)) throw new Error(`${p.name}: ${p.rel}/dist is missing after the build`);
    cpSync(dist, path.join(dest, p.rel, 'dist'), { recursive: true });
  }
  // Tools (changesets' changelog module) resolve from the copy's node_modules.
  spawnSync('ln', ['-s', path.join(REPO_ROOT, 'node_modules'), path.join(dest, 'node_modules')]);
  return n;
}

function readVersions(root, pkgs) {
  return Object.fromEntries(pkgs.map((p) => [p.name, JSON.parse(readFileSync(path.join(root, p.rel, 'package.json'), 'utf8')).version]));
}

// ---- fresh installs -------------------------------------------------------------------------
function npmEnv(registry, npmrc) {
  return {
    npm_config_registry: registry,
    npm_config_userconfig: npmrc,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'warn',
    CI: 'true',
  };
}

function installedPackages(appDir) {
  const lock = JSON.parse(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8'));
  const names = new Map();
  for (const [key, meta] of Object.entries(lock.packages ?? {})) {
    if (!key) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    names.set(name, meta.version);
  }
  return names;
}

/**
 * The packages an install may hold besides the Tessera ones asked for: the dependency closure
 * (dependencies and installed peers) of the given roots, read from the install's lockfile.
 */
function dependencyClosure(appDir, roots) {
  const lock = JSON.parse(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8'));
  const byName = new Map();
  for (const [key, meta] of Object.entries(lock.packages ?? {})) {
    if (!key) continue;
    byName.set(key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), meta);
  }
  const seen = new Set();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.shift();
    if (seen.has(name) || !byName.has(name)) continue;
    seen.add(name);
    const meta = byName.get(name);
    queue.push(...Object.keys(meta.dependencies ?? {}), ...Object.keys(meta.peerDependencies ?? {}));
  }
  return seen;
}

/** Fails when the install holds two copies of tfjs-core or of any @tessera package. */
function assertSingleCopies(appDir) {
  const lock = JSON.parse(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8'));
  const where = new Map();
  for (const key of Object.keys(lock.packages ?? {})) {
    if (!key) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (name.startsWith('@tessera/') || name === '@tensorflow/tfjs-core') where.set(name, [...(where.get(name) ?? []), key]);
  }
  const dup = [...where.entries()].filter(([, keys]) => keys.length > 1);
  if (dup.length) throw new Error(`duplicate copies installed: ${dup.map(([n, k]) => `${n} at ${k.join(', ')}`).join('; ')}`);
}

function freshApp(root, name, deps, env) {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true }, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', ...deps], { cwd: dir, env, timeoutMs: 240_000 });
  assertSingleCopies(dir);
  return dir;
}

const TRAIN_BODY = `
await useBackend(wasm());
// y = 3x - 1 on 64 points in [-1, 1]; one Dense unit, sgd + mse.
const xs = Array.from({ length: 64 }, (_, i) => -1 + (2 * i) / 63);
const x = tensor2d(xs, [64, 1]);
const y = tensor2d(xs.map((v) => 3 * v - 1), [64, 1]);
const model = sequential([dense(1)]);
const history = await fit(model, { x, y, batchSize: 16, shuffle: true, seed: 1 }, {
  loss: meanSquaredError(),
  optimizer: sgd({ learningRate: 0.1 }),
  epochs: 12,
});
const losses = history.history.loss;
const first = losses[0], last = losses[losses.length - 1];
console.log(JSON.stringify({ backend: activeBackendName(), losses: losses.map((l) => +l.toFixed(5)) }));
if (!(Number.isFinite(first) && Number.isFinite(last) && last < first * 0.5)) {
  console.error('loss did not decrease: first ' + first + ', last ' + last);
  process.exit(1);
}
`;
const TRAIN_ESM = `// ESM consumer of the published packages
import { useBackend, activeBackend } from '@tessera/core';
import { wasm } from '@tessera/backend-wasm';
import { sequential, dense } from '@tessera/layers';
import { meanSquaredError } from '@tessera/losses';
import { sgd } from '@tessera/optimizers';
import { fit } from '@tessera/train';
import { tensor2d } from '@tessera/tensor';
const activeBackendName = () => { const b = activeBackend(); return typeof b === 'string' ? b : b?.name; };
${TRAIN_BODY}`;
const TRAIN_CJS = `// CommonJS consumer of the published packages
const { useBackend, activeBackend } = require('@tessera/core');
const { wasm } = require('@tessera/backend-wasm');
const { sequential, dense } = require('@tessera/layers');
const { meanSquaredError } = require('@tessera/losses');
const { sgd } = require('@tessera/optimizers');
const { fit } = require('@tessera/train');
const { tensor2d } = require('@tessera/tensor');
const activeBackendName = () => { const b = activeBackend(); return typeof b === 'string' ? b : b?.name; };
(async () => {
${TRAIN_BODY}
})().catch((err) => { console.error(err); process.exit(1); });
`;

// ---- main -----------------------------------------------------------------------------------
async function main() {
  let pkgs = publicPackages();
  if (TRACKED_ONLY) {
    const tracked = new Set(listRepoFiles());
    const untracked = pkgs.filter((p) => !tracked.has(`${p.rel}/package.json`));
    if (untracked.length) log(`RELEASE_TEST_TRACKED_ONLY=1: leaving out untracked ${untracked.map((p) => p.name).join(', ')}`);
    pkgs = pkgs.filter((p) => tracked.has(`${p.rel}/package.json`));
  }
  if (pkgs.length === 0) throw new Error('no public packages found under packages/');
  log(`public packages (${pkgs.length}): ${pkgs.map((p) => p.name).join(', ')}`);
  // Local debugging only: RELEASE_TEST_EXCLUDE=@tessera/a,@tessera/b leaves packages out.
  const excluded = (process.env.RELEASE_TEST_EXCLUDE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (excluded.length) {
    log(`RELEASE_TEST_EXCLUDE: leaving out ${excluded.join(', ')}`);
    pkgs = pkgs.filter((p) => !excluded.includes(p.name));
  }
  const names = new Set(pkgs.map((p) => p.name));
  for (const n of MINIMAL_SET) if (!names.has(n)) throw new Error(`${n} is not a public package under packages/`);
  const missingTrain = TRAIN_SET.filter((n) => !names.has(n));

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tessera-release-'));
  if (path.resolve(tmp).startsWith(`${path.resolve(REPO_ROOT)}${path.sep}`)) throw new Error(`temp dir ${tmp} is inside the repo`);
  log(`temp dir ${tmp}`);
  try {
    if (!SKIP_BUILD) {
      await step('build public packages (turbo)', () => {
        const filters = pkgs.flatMap((p) => ['--filter', p.name]);
        run(path.join(REPO_ROOT, 'node_modules', '.bin', 'turbo'), ['run', 'build', ...filters, '--output-logs=errors-only'], {
          cwd: REPO_ROOT,
          timeoutMs: 300_000,
        });
      });
    }

    const copy = path.join(tmp, 'repo');
    const before = readVersions(REPO_ROOT, pkgs);
    await step('copy the repo and run `changeset version` in the copy', () => {
      const n = copyRepo(copy, pkgs);
      log(`copied ${n} files + ${pkgs.length} dist folders`);
      const git = (...a) => run('git', a, { cwd: copy, quiet: true, timeoutMs: 60_000 });
      git('init', '-q', '-b', 'main');
      git('-c', 'user.email=release-test@localhost', '-c', 'user.name=release-test', 'add', '-A');
      git('-c', 'user.email=release-test@localhost', '-c', 'user.name=release-test', 'commit', '-q', '-m', 'release test snapshot');
      const changesets = readdirSync(path.join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
      log(`${changesets.length} pending changeset(s): ${changesets.join(', ') || '(none)'}`);
      run(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], {
        cwd: copy,
        timeoutMs: 120_000,
      });
    });
    const after = readVersions(copy, pkgs);
    for (const p of pkgs) log(`  ${p.name.padEnd(28)} ${before[p.name]} -> ${after[p.name]}`);
    if (JSON.stringify(readVersions(REPO_ROOT, pkgs)) !== JSON.stringify(before)) throw new Error('the real working tree versions changed');

    const reg = await step('start verdaccio', () => startVerdaccio(tmp));
    const npmrc = path.join(tmp, 'npmrc');
    // verdaccio allows anonymous publish of @tessera/*; npm still wants some token for publish.
    writeFileSync(npmrc, `registry=${reg.url}\n//127.0.0.1:${reg.port}/:_authToken=release-test-anonymous\n`);
    const env = npmEnv(reg.url, npmrc);

    await step('`changeset publish` to verdaccio', () => {
      run(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@changesets', 'cli', 'bin.js'), 'publish', '--no-git-tag'], {
        cwd: copy,
        env,
        timeoutMs: 240_000,
      });
    });
    for (const p of pkgs) {
      const res = await fetch(`${reg.url}${p.name.replace('/', '%2f')}`);
      const doc = res.ok ? await res.json() : null;
      if (!doc?.versions?.[after[p.name]])
        throw new Error(`${p.name}@${after[p.name]} is not on the local registry after publish (HTTP ${res.status})`);
    }
    log(`all ${pkgs.length} public packages are on the local registry at their new versions`);

    const apps = path.join(tmp, 'apps');
    await step(`fresh install of only ${MINIMAL_SET.join(' + ')}`, () => {
      const dir = freshApp(apps, 'minimal', MINIMAL_SET, env);
      const installed = installedPackages(dir);
      const tessera = [...installed.keys()].filter((n) => n.startsWith('@tessera/')).sort();
      const others = [...installed.entries()]
        .filter(([n]) => !n.startsWith('@tessera/'))
        .map(([n, v]) => `${n}@${v}`)
        .sort();
      log(`  @tessera packages installed: ${tessera.join(', ')}`);
      log(`  everything else (${others.length}): ${others.join(', ')}`);
      const extra = tessera.filter((n) => !MINIMAL_TESSERA.includes(n));
      if (extra.length) throw new Error(`installing ${MINIMAL_SET.join(' + ')} also installed ${extra.join(', ')}`);
      const missing = MINIMAL_TESSERA.filter((n) => !installed.has(n));
      if (missing.length) throw new Error(`not installed: ${missing.join(', ')}`);
      // Third-party packages: only what tfjs-core and tfjs-backend-cpu themselves need.
      const allowed = dependencyClosure(dir, ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu']);
      const stray = [...installed.keys()].filter((n) => !n.startsWith('@tessera/') && !allowed.has(n));
      if (stray.length) {
        throw new Error(
          `installing ${MINIMAL_SET.join(' + ')} also installed ${stray.join(', ')}, which tfjs-core and tfjs-backend-cpu do not need`,
        );
      }
      log(`  third-party packages: all ${others.length} are tfjs-core's and tfjs-backend-cpu's own dependencies`);
      writeFileSync(
        path.join(dir, 'smoke.mjs'),
        `import { getGradient, getKernel } from '@tensorflow/tfjs-core';
import { activeBackend, useBackend } from '@tessera/core';
import { conv2dBackpropFilterKernel, gradientFixes, unsortedSegmentSumKernel } from '@tessera/kernels';
import { cpu } from '@tessera/backend-cpu';
const everyBackend = gradientFixes.filter((f) => f.backendName === undefined).map((f) => f.config);
await useBackend(cpu());
const b = activeBackend();
console.log('active backend:', typeof b === 'string' ? b : b?.name);
if (getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc !== conv2dBackpropFilterKernel) throw new Error('cpu() did not register the im2col Conv2DBackpropFilter');
if (getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc !== unsortedSegmentSumKernel) throw new Error('cpu() did not register the one-pass UnsortedSegmentSum');
for (const c of everyBackend) if (getGradient(c.kernelName)?.gradFunc !== c.gradFunc) throw new Error('cpu() did not register the ' + c.kernelName + ' gradient');
if (!getGradient('Conv2D')) throw new Error("useBackend did not register tfjs-core's gradients");
console.log('kernels and gradients applied by default: Conv2DBackpropFilter, UnsortedSegmentSum (cpu); gradients ' + everyBackend.map((c) => c.kernelName).join(', '));
`,
      );
      run(process.execPath, ['smoke.mjs'], { cwd: dir, timeoutMs: 60_000 });
      writeFileSync(
        path.join(dir, 'smoke.cjs'),
        `const { useBackend, activeBackend } = require('@tessera/core');
const { cpu } = require('@tessera/backend-cpu');
useBackend(cpu()).then(() => { const b = activeBackend(); console.log('active backend (cjs):', typeof b === 'string' ? b : b?.name); })
  .catch((e) => { console.error(e); process.exit(1); });
`,
      );
      run(process.execPath, ['smoke.cjs'], { cwd: dir, timeoutMs: 60_000 });
    });

    if (missingTrain.length) {
      // Every package of the training set exists: a missing one is a failure, never a skip.
      throw new Error(
        `the training install test needs ${missingTrain.join(', ')}, not a public package under packages/${TRACKED_ONLY ? ' tracked by git' : ''}`,
      );
    }
    await step(`fresh install of only ${TRAIN_SET.join(' + ')}, training in ESM and CJS`, () => {
      const dir = freshApp(apps, 'train', TRAIN_SET, env);
      const tessera = [...installedPackages(dir).keys()].filter((n) => n.startsWith('@tessera/')).sort();
      log(`  @tessera packages installed: ${tessera.join(', ')}`);
      writeFileSync(path.join(dir, 'train.mjs'), TRAIN_ESM);
      writeFileSync(path.join(dir, 'train.cjs'), TRAIN_CJS);
      run(process.execPath, ['train.mjs'], { cwd: dir, timeoutMs: 120_000 });
      run(process.execPath, ['train.cjs'], { cwd: dir, timeoutMs: 120_000 });
    });
  } finally {
    stopVerdaccio();
    if (KEEP) log(`kept ${tmp} (RELEASE_TEST_KEEP=1)`);
    else rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
  console.log('\nrelease test timings:');
  for (const [name, ms] of timings) console.log(`  ${secs(ms).padStart(8)}  ${name}`);
  console.log(`  ${secs(Date.now() - T0).padStart(8)}  total`);
  log('PASS');
}

main().catch((err) => {
  stopVerdaccio();
  console.error(`\n[release-test] FAIL: ${err.stack ?? err}`);
  process.exit(1);
});
