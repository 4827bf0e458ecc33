#!/usr/bin/env node
// `npm run size`: size-limit (config: .size-limit.mjs, budgets: scripts/release/size-budgets.json)
// over every public package's entry points and the minimal-app comparison. Prints a table and
// fails when a budget is exceeded.
//   npm run size -- --readme     also rewrites the "Bundle sizes" section of README.md
//   SIZE_SKIP_BUILD=1            use the existing dist/ folders
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { publicPackages, REPO_ROOT } from './packages.mjs';

const bin = (name) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
if (process.env.SIZE_SKIP_BUILD !== '1') {
  const filters = publicPackages().flatMap((p) => ['--filter', p.name]);
  const b = spawnSync(bin('turbo'), ['run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    timeout: 600_000,
  });
  if (b.status !== 0) {
    console.error('size: the build failed');
    process.exit(1);
  }
}

// The app comparison needs layers/losses/optimizers/train with the names the app imports: check
// that it bundles cleanly (esbuild only warns when an import is missing) before measuring it.
const env = { ...process.env };
const { build } = await import('esbuild');
const app = path.join(REPO_ROOT, 'scripts/release/size-app/tessera-app.mjs');
let appProblem = '';
try {
  const out = await build({ entryPoints: [app], bundle: true, write: false, format: 'esm', platform: 'browser', logLevel: 'silent' });
  if (out.warnings.length) appProblem = out.warnings.map((w) => w.text).join('; ');
} catch (err) {
  appProblem = (err.errors ?? []).map((e) => e.text).join('; ') || String(err);
}
if (appProblem) {
  // The app exists and must bundle: a failure here is a failure of the size check, not a skip.
  console.error(`size: scripts/release/size-app/tessera-app.mjs does not bundle (${appProblem.slice(0, 400)})`);
  process.exit(1);
}

const r = spawnSync(bin('size-limit'), ['--json'], {
  env,
  cwd: REPO_ROOT,
  encoding: 'utf8',
  timeout: 300_000,
  maxBuffer: 64 * 1024 * 1024,
});
let results;
try {
  results = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
} catch {
  console.error(r.stdout, r.stderr);
  console.error('size: size-limit did not return JSON');
  process.exit(1);
}
const kb = (b) => `${(b / 1000).toFixed(2)} kB`;
const rows = results.map((c) => ({
  name: c.name,
  size: c.size,
  limit: c.sizeLimit,
  ok: c.passed !== false,
}));
const w = Math.max(...rows.map((x) => x.name.length));
console.log(`${'entry'.padEnd(w)}  ${'min+gzip'.padStart(10)}  ${'budget'.padStart(10)}`);
for (const x of rows)
  console.log(
    `${x.name.padEnd(w)}  ${kb(Math.max(0, x.size)).padStart(10)}  ${(x.limit ? kb(x.limit) : '-').padStart(10)}  ${x.ok ? '' : 'OVER BUDGET'}`,
  );

if (process.argv.includes('--readme')) {
  const date = new Date().toISOString().slice(0, 10);
  const table = [
    '| entry | min+gzip | budget |',
    '|---|---:|---:|',
    ...rows.map((x) => `| \`${x.name}\` | ${kb(Math.max(0, x.size))} | ${x.limit ? kb(x.limit) : '—'} |`),
  ].join('\n');
  const app = (prefix) => rows.find((x) => x.name.startsWith(prefix))?.size;
  const [tessera, union, layersSet] = [app('app: Tessera'), app('app: @tensorflow/tfjs'), app('app: tfjs-core + tfjs-layers')];
  const ratio =
    tessera && union && layersSet
      ? `\nThe minimal Tessera app is **${((100 * tessera) / union).toFixed(0)}%** of the same app on \`@tensorflow/tfjs\` and
**${((100 * tessera) / layersSet).toFixed(0)}%** of it on tfjs-core + tfjs-layers + tfjs-backend-cpu (most of what remains is
tfjs-core's op set and every cpu kernel, which \`@tensorflow/tfjs-backend-cpu\` registers on import).\n`
      : '\nThe minimal-app comparison is not measured yet (it needs layers, losses, optimizers and train).\n';
  const section = `## Bundle sizes

Measured by \`npm run size\` (size-limit + esbuild, minified, browser ESM, gzip; ${date}); budgets
are enforced in CI and live in \`scripts/release/size-budgets.json\`.

- **Package entries** (\`@tessera/...\`): \`import *\` of the entry point with **all its dependencies and
  peers ignored** (tfjs-core, tfjs backends and other \`@tessera\` packages are not counted), i.e. each
  package's own code before tree-shaking.
- **Apps** (\`app: ...\`, \`scripts/release/size-app/\`): the same minimal program (one Dense layer,
  sgd, mse, the cpu backend, \`fit\`) bundled whole, **tfjs-core and the cpu backend included** as an
  app would ship them.

${table}
${ratio}`;
  const readmePath = path.join(REPO_ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf('## Bundle sizes');
  let next;
  if (start >= 0) {
    const rest = readme.slice(start + 3);
    const m = rest.search(/\n## /);
    next = m >= 0 ? start + 3 + m + 1 : readme.length;
  }
  const updated =
    start >= 0
      ? `${readme.slice(0, start)}${section}${next < readme.length ? `\n${readme.slice(next)}` : ''}`
      : `${readme.trimEnd()}\n\n${section}`;
  writeFileSync(readmePath, updated);
  console.log('README.md: "Bundle sizes" section written');
}
if (r.status !== 0 || rows.some((x) => !x.ok)) {
  console.error('size: over budget (or size-limit failed)');
  process.exit(1);
}
