// Budget for this page's smallest app: MLP training on webgl (src/mlp-webgl.ts), bundled whole
// (tfjs-core, tfjs-backend-webgl, @tessera/core, tensor, layers, losses, optimizers, train) as a
// browser ESM bundle, minified + gzip. Measured 167 kB when the budget was set.
export default [
  {
    name: 'examples/browser: MLP training on webgl (whole bundle, min+gzip)',
    path: 'src/mlp-webgl.ts',
    import: '{ trainOnWebgl }',
    gzip: true,
    limit: '185 kB',
    modifyEsbuildConfig: (config) => ({ ...config, format: 'esm', platform: 'browser' }),
  },
];
