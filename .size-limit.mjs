// size-limit checks, generated from the packages present (every non-private packages/*):
// - one check per entry point of every public package: `import *` of its browser ESM build,
//   minified + gzip, with ALL its dependencies and peers ignored (tfjs-core, the tfjs backends and
//   the other @tessera packages are not counted): the budget is the package's own code;
// - the minimal app (one Dense layer + sgd + mse + backend-cpu + fit) bundled whole, tfjs-core and
//   the cpu backend included as the app would ship them, next to the same app on @tensorflow/tfjs.
// Budgets live in scripts/release/size-budgets.json; an entry without one gets DEFAULT_BUDGET.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { entryPoints, publicPackages } from './scripts/release/packages.mjs';

const budgets = JSON.parse(readFileSync(new URL('./scripts/release/size-budgets.json', import.meta.url), 'utf8'));
const DEFAULT_BUDGET = budgets.default ?? '40 kB';
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Browser ESM, as a bundler would emit it (iife would drop import.meta).
const esm = (config) => ({ ...config, format: 'esm', platform: 'browser' });
const checks = [];
for (const p of publicPackages()) {
  const deps = Object.keys({ ...p.pkg.dependencies, ...p.pkg.peerDependencies, ...p.pkg.optionalDependencies });
  for (const e of entryPoints(p.pkg)) {
    if (!e.importFile) continue;
    const name = e.subpath === '.' ? p.name : `${p.name}/${e.subpath.replace(/^\.\//, '')}`;
    checks.push({
      name,
      path: `${p.rel}/${e.importFile.replace(/^\.\//, '')}`,
      import: '*',
      gzip: true,
      ignore: [...deps, ...nodeBuiltins],
      limit: budgets.entries?.[name] ?? DEFAULT_BUDGET,
      modifyEsbuildConfig: esm,
    });
  }
}

const have = new Set(publicPackages().map((p) => p.name));
const appNeeds = [
  '@tessera/core',
  '@tessera/tensor',
  '@tessera/backend-cpu',
  '@tessera/layers',
  '@tessera/losses',
  '@tessera/optimizers',
  '@tessera/train',
];
const lacking = appNeeds.filter((n) => !have.has(n));
if (lacking.length) throw new Error(`.size-limit.mjs: the minimal-app budget needs ${lacking.join(', ')} under packages/`);
checks.push(
  {
    name: 'app: Tessera (Dense + sgd + mse + fit + backend-cpu)',
    path: 'scripts/release/size-app/tessera-app.mjs',
    gzip: true,
    limit: budgets.apps?.tessera ?? '200 kB',
    modifyEsbuildConfig: esm,
  },
  {
    name: 'app: @tensorflow/tfjs (same app, union package)',
    path: 'scripts/release/size-app/tfjs-app.mjs',
    gzip: true,
    modifyEsbuildConfig: esm,
  },
  {
    name: 'app: tfjs-core + tfjs-layers + tfjs-backend-cpu (same app)',
    path: 'scripts/release/size-app/tfjs-layers-app.mjs',
    gzip: true,
    modifyEsbuildConfig: esm,
  },
);

export default checks;
