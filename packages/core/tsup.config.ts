import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// tfjs-core's gradient modules are ESM-only files inside a CJS package, so Node cannot load
// them: the Node builds (ESM + CJS) bundle them; they register into tfjs-core's global
// registries, so one engine is still shared. The browser ESM build keeps them as imports so
// bundlers share one copy of tfjs-core's ops.
const tfjsDeep = /^@tensorflow\/tfjs-core\/dist\//;
export default defineConfig([
  packageConfig({ external: ['@tensorflow/tfjs-core'], noExternal: [tfjsDeep] }),
  packageConfig({
    format: ['esm'],
    dts: false,
    clean: false,
    external: ['@tensorflow/tfjs-core', tfjsDeep],
    outExtension: () => ({ js: '.browser.js' }),
  }),
]);
