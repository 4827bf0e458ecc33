#!/usr/bin/env node
// publint + `attw --pack` (@arethetypeswrong/cli) on every public package (packages/*, not private).
//   npm run check:packages            builds first (turbo, cached); CHECK_SKIP_BUILD=1 skips that
//   npm run check:packages -- core    only packages whose directory or name contains "core"
// Exit code 1 when any package has a publint error/warning or an attw problem.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { publicPackages, REPO_ROOT } from './packages.mjs';

const bin = (name) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
const filter = process.argv.slice(2);
const pkgs = publicPackages().filter((p) => filter.length === 0 || filter.some((f) => p.rel.includes(f) || p.name.includes(f)));

function run(cmd, args, cwd, timeout = 180_000) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { ok: r.status === 0 && !r.error, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), error: r.error };
}

if (process.env.CHECK_SKIP_BUILD !== '1') {
  const filters = pkgs.flatMap((p) => ['--filter', p.name]);
  const r = run(bin('turbo'), ['run', 'build', ...filters, '--output-logs=errors-only'], REPO_ROOT, 600_000);
  if (!r.ok) {
    console.error(r.out);
    console.error('check:packages: the build failed (see above)');
    process.exit(1);
  }
}

const results = [];
for (const p of pkgs) {
  // publint: --strict turns warnings into errors (suggestions are printed, not fatal).
  const pub = run(bin('publint'), ['run', '--strict', p.dir], REPO_ROOT);
  // attw packs the package with `npm pack` and checks every entry point under node10, node16
  // (CJS and ESM) and bundler resolution.
  const attw = run(bin('attw'), ['--pack', '.', '--format', 'table-flipped'], p.dir);
  const pubOk = pub.ok && !/\bError\b|\bWarning\b/i.test(pub.out.replace(/No issues found/i, ''));
  results.push({ name: p.name, publint: pubOk, attw: attw.ok });
  const mark = (ok) => (ok ? 'ok  ' : 'FAIL');
  console.log(`\n=== ${p.name} (${p.rel})  publint: ${mark(pubOk)}  attw: ${mark(attw.ok)}`);
  if (!pubOk || /suggestion/i.test(pub.out))
    console.log(
      pub.out
        .split('\n')
        .map((l) => `  publint| ${l}`)
        .join('\n'),
    );
  if (!attw.ok)
    console.log(
      attw.out
        .split('\n')
        .map((l) => `  attw   | ${l}`)
        .join('\n'),
    );
}

console.log('\npackage                       publint  attw');
for (const r of results) console.log(`${r.name.padEnd(30)}${(r.publint ? 'ok' : 'FAIL').padEnd(9)}${r.attw ? 'ok' : 'FAIL'}`);
const bad = results.filter((r) => !r.publint || !r.attw);
if (bad.length) {
  console.error(`\ncheck:packages: ${bad.length} of ${results.length} package(s) have problems: ${bad.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
console.log(`\ncheck:packages: all ${results.length} public packages pass publint and attw`);
