#!/usr/bin/env node
// `npm run docs`: TypeDoc API docs for every public package (packages/*, not private) into
// docs/api (gitignored), then a check that every exported symbol has a TSDoc comment with an
// @example. Reads sources (no build needed); config in typedoc.json.
//   npm run docs                 build + report missing comments/examples per package (exit 0)
//   npm run docs -- --strict     exit 1 when any exported symbol lacks a comment or an @example
//   npm run docs -- --json FILE  also write the report as JSON
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { publicPackages, REPO_ROOT } from './packages.mjs';

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const pkgs = publicPackages();
const out = path.join(REPO_ROOT, 'docs', 'api');
const apiJson = path.join(out, 'api.json');
mkdirSync(out, { recursive: true });

const t0 = Date.now();
const r = spawnSync(
  path.join(REPO_ROOT, 'node_modules', '.bin', 'typedoc'),
  ['--options', path.join(REPO_ROOT, 'typedoc.json'), ...pkgs.flatMap((p) => ['--entryPoints', p.rel]), '--json', apiJson],
  {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  },
);
// The per-package entry globs (src/index.ts, src/node.ts, src/browser.ts) do not all exist in
// every package: those warnings are expected noise.
const noise = /did not match any files|git remote .* was not valid|Found \d+ errors and \d+ warnings/;
const typedocLog = `${r.stdout ?? ''}${r.stderr ?? ''}`
  .split('\n')
  .map((l) => stripVTControlCharacters(l))
  .filter((l) => l.trim() && !noise.test(l));
if (typedocLog.length) console.log(typedocLog.map((l) => `  typedoc| ${l}`).join('\n'));
if (r.status !== 0) {
  console.error(`docs: typedoc failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})`);
  process.exit(1);
}
console.log(`docs: API docs for ${pkgs.length} packages in ${path.relative(REPO_ROOT, out)}/ (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// ---- TSDoc check ------------------------------------------------------------------------------
const KIND = {
  1: 'project',
  2: 'module',
  4: 'namespace',
  8: 'enum',
  32: 'variable',
  64: 'function',
  128: 'class',
  256: 'interface',
  2097152: 'type',
  4194304: 'reference',
};
const project = JSON.parse(readFileSync(apiJson, 'utf8'));
const hasExample = (c) => !!c?.blockTags?.some((t) => t.tag === '@example');
const hasText = (c) => !!c && ((c.summary ?? []).some((p) => p.text?.trim()) || (c.blockTags ?? []).length > 0);
function comments(refl) {
  const cs = [refl.comment];
  for (const s of refl.signatures ?? []) cs.push(s.comment);
  if (refl.getSignature) cs.push(refl.getSignature.comment);
  if (refl.type?.declaration) {
    for (const s of refl.type.declaration.signatures ?? []) cs.push(s.comment);
  }
  return cs.filter(Boolean);
}

const report = [];
for (const pkgModule of project.children ?? []) {
  const entries = (pkgModule.children ?? []).some((c) => c.kind === 2) ? pkgModule.children.filter((c) => c.kind === 2) : [pkgModule];
  const seen = new Set();
  const missingComment = [];
  const missingExample = [];
  const upstream = [];
  let total = 0;
  for (const entry of entries) {
    for (const sym of entry.children ?? []) {
      if (sym.kind === 4194304 || sym.kind === 2) continue; // re-export of a symbol documented elsewhere
      if (seen.has(sym.name)) continue;
      seen.add(sym.name);
      // Re-exports of third-party symbols (e.g. tfjs-core ops re-exported by @tessera/tensor) are
      // documented upstream: counted, not checked.
      const file = sym.sources?.[0]?.fileName ?? '';
      if (file.includes('node_modules/')) {
        upstream.push(sym.name);
        continue;
      }
      total++;
      const cs = comments(sym);
      const label = `${sym.name} (${KIND[sym.kind] ?? sym.kind})`;
      if (!cs.some(hasText)) missingComment.push(label);
      else if (!cs.some(hasExample)) missingExample.push(label);
    }
  }
  report.push({ package: pkgModule.name, exported: total, upstream: upstream.length, missingComment, missingExample });
}

let bad = 0;
console.log('\nTSDoc check: every exported symbol needs a comment with an @example');
for (const p of report) {
  const n = p.missingComment.length + p.missingExample.length;
  bad += n;
  const up = p.upstream ? ` (+${p.upstream} re-exported from dependencies, not checked)` : '';
  console.log(
    `  ${p.package.padEnd(28)} ${String(p.exported).padStart(4)} exported${up}, ${n === 0 ? 'all documented with @example' : `${n} missing`}`,
  );
  const isType = (l) => / \((interface|type)\)$/.test(l);
  const show = (what, list) => list.length && console.log(`      ${what}: ${list.join(', ')}`);
  show('no TSDoc comment', p.missingComment);
  show(
    'no @example (functions, classes, values)',
    p.missingExample.filter((l) => !isType(l)),
  );
  show('no @example (interfaces, types)', p.missingExample.filter(isType));
}
if (jsonOut) writeFileSync(path.resolve(jsonOut), `${JSON.stringify(report, null, 2)}\n`);
if (bad) {
  console.log(`\ndocs: ${bad} exported symbol(s) lack a TSDoc comment or an @example`);
  if (strict) process.exit(1);
} else {
  console.log('\ndocs: every exported symbol has a TSDoc comment with an @example');
}
