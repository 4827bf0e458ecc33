// Package discovery shared by the release tooling: every packages/*/package.json that is not
// private is a public package. Nothing here lists package names, so packages that land later
// are covered without edits.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (two levels above scripts/release). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Every workspace package under packages/ that is not private, sorted by directory name.
 * @returns {{ name: string, version: string, dir: string, rel: string, pkg: any }[]}
 */
export function publicPackages(root = REPO_ROOT) {
  const base = path.join(root, 'packages');
  const out = [];
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = path.join(base, entry.name, 'package.json');
    if (!existsSync(file)) continue;
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`packages/${entry.name}/package.json is not valid JSON: ${err.message}`);
    }
    if (pkg.private) continue;
    out.push({
      name: pkg.name,
      version: pkg.version,
      dir: path.join(base, entry.name),
      rel: `packages/${entry.name}`,
      pkg,
    });
  }
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

/**
 * The entry points of a package from its exports map: `[{ subpath, importFile, requireFile }]`
 * (files relative to the package directory; `./package.json` is left out).
 */
export function entryPoints(pkg) {
  const exp = pkg.exports ?? { '.': pkg.module ?? pkg.main };
  const map = typeof exp === 'string' || exp.import || exp.require || exp.default ? { '.': exp } : exp;
  const pick = (cond, keys) => {
    if (typeof cond === 'string') return cond;
    if (!cond || typeof cond !== 'object') return undefined;
    for (const k of keys)
      if (k in cond) {
        const v = pick(cond[k], keys);
        if (v) return v;
      }
    return undefined;
  };
  const out = [];
  for (const [subpath, cond] of Object.entries(map)) {
    if (subpath.endsWith('package.json') || subpath.includes('*')) continue;
    out.push({
      subpath,
      importFile: pick(cond, ['browser', 'import', 'module', 'default']),
      nodeImportFile: pick(cond, ['import', 'node', 'default']),
      requireFile: pick(cond, ['require', 'node', 'default']),
    });
  }
  return out;
}
