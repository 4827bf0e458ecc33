#!/usr/bin/env node
// `npm run docs`: TypeDoc API docs for every public package (packages/*, not private) into
// docs/api (gitignored), then a check that every exported symbol has a TSDoc comment with an
// @example. Reads each package's sources; types imported from other @tessera packages come from
// their dist/*.d.ts, so build those first. Config in typedoc.json.
//   npm run docs                   build + check: exit 1 when any Tessera-owned exported symbol
//                                  lacks a TSDoc comment or an @example (CI runs this)
//   npm run docs -- --no-strict    build + report only (exit 0), e.g. while writing docs
//   npm run docs -- --json FILE    also write the report as JSON
// (`--strict` is accepted and is the default.)
// Symbols a package re-exports from a third-party dependency (the ~490 tfjs-core ops and types
// that @tessera/tensor re-exports) are not Tessera-owned: tfjs documents them
// (https://js.tensorflow.org/api/latest/) and their TSDoc lives in node_modules, which we do not
// edit. They are counted per package and listed by source package, not checked.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { publicPackages, REPO_ROOT } from './packages.mjs';

const args = process.argv.slice(2);
const strict = !args.includes('--no-strict');
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
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? 'a dependency';
        upstream.push({ name: sym.name, from: pkg });
        continue;
      }
      total++;
      const cs = comments(sym);
      const label = `${sym.name} (${KIND[sym.kind] ?? sym.kind})`;
      if (!cs.some(hasText)) missingComment.push(label);
      else if (!cs.some(hasExample)) missingExample.push(label);
    }
  }
  const upstreamFrom = [...new Set(upstream.map((u) => u.from))].sort();
  report.push({ package: pkgModule.name, exported: total, upstream: upstream.length, upstreamFrom, missingComment, missingExample });
}

let bad = 0;
console.log('\nTSDoc check: every Tessera-owned exported symbol needs a comment with an @example');
for (const p of report) {
  const n = p.missingComment.length + p.missingExample.length;
  bad += n;
  const up = p.upstream ? ` (+${p.upstream} re-exported from ${p.upstreamFrom.join(', ')}: documented upstream, not checked)` : '';
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
const checked = report.reduce((n, p) => n + p.exported, 0);
const upstreamTotal = report.reduce((n, p) => n + p.upstream, 0);
if (upstreamTotal) {
  console.log(
    `\nNot checked: ${upstreamTotal} symbol(s) re-exported from third-party packages ` +
      `(${[...new Set(report.flatMap((p) => p.upstreamFrom))].sort().join(', ')}); ` +
      'their docs are upstream (e.g. https://js.tensorflow.org/api/latest/) and their TSDoc is not ours to edit.',
  );
}
if (bad) {
  console.log(`\ndocs: ${bad} of ${checked} Tessera-owned exported symbol(s) lack a TSDoc comment or an @example`);
  if (strict) {
    console.log('docs: failing (add the comments/examples above; `npm run docs -- --no-strict` only reports)');
    process.exit(1);
  }
} else {
  console.log(`\ndocs: all ${checked} Tessera-owned exported symbols have a TSDoc comment with an @example`);
}
