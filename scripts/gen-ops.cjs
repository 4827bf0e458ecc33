// Regenerates packages/tensor/src/ops.ts from the installed tfjs-core: its ops, re-exported by name,
// without the names an op facade must not carry (DENY below). Kernel name constants are left out
// too: kernels and gradients are registered by @tessera/kernels and the backend plugins, which
// import tfjs-core directly.
// usage: node scripts/gen-ops.cjs
const fs = require('node:fs');
const tf = require('@tensorflow/tfjs-core');

/** Names of tfjs-core left out of the facade, by why. */
const DENY = {
  // Training and models: @tessera/train, @tessera/losses, @tessera/optimizers and safetensors
  // checkpoints replace them.
  training: [
    'train',
    'losses',
    'io',
    'serialization',
    'Optimizer',
    'OptimizerConstructors',
    'SGDOptimizer',
    'MomentumOptimizer',
    'AdagradOptimizer',
    'AdadeltaOptimizer',
    'AdamOptimizer',
    'AdamaxOptimizer',
    'RMSPropOptimizer',
  ],
  // Collide with Tessera's own: @tessera/core's `Reduction` (a loss reduction name there, an enum
  // here) and @tessera/tensor's `valueAndGrad` over named parameter trees (value-and-grad.ts).
  collisions: ['Reduction', 'valueAndGrad'],
  // Backend selection and the environment: `useBackend` / `auto` in @tessera/core own them.
  backends: [
    'setBackend',
    'registerBackend',
    'removeBackend',
    'findBackend',
    'findBackendFactory',
    'backend',
    'ready',
    'setPlatform',
    'ENV',
    'Environment',
    'env',
    'KernelBackend',
    'DataStorage',
    'enableDebugMode',
    'enableProdMode',
    'disableDeprecationWarnings',
    'deprecationWarn',
    'version_core',
  ],
  // Kernel and gradient registries: @tessera/kernels and the backend plugins use them.
  registries: [
    'registerKernel',
    'unregisterKernel',
    'getKernel',
    'getKernelsForBackend',
    'copyRegisteredKernels',
    'registerGradient',
    'unregisterGradient',
    'getGradient',
  ],
  // Engine internals and kernel-author utilities.
  internals: [
    'backend_util',
    'broadcast_util',
    'device_util',
    'gather_util',
    'kernel_impls',
    'scatter_util',
    'slice_util',
    'tensor_util',
    'test_util',
    'util',
    'op',
    'OP_SCOPE_SUFFIX',
    '_FusedMatMul',
    'nextFrame',
  ],
};
const denied = new Set(Object.values(DENY).flat());
for (const name of denied) if (!(name in tf)) throw new Error(`gen-ops: denied name ${name} is not a tfjs-core export (update DENY)`);

const isKernel = (k) => typeof tf[k] === 'string' && tf[k] === k && /^[A-Z]/.test(k);
const keys = Object.keys(tf)
  .filter((k) => k !== 'default' && k !== '__esModule' && !isKernel(k) && !denied.has(k))
  .sort();
fs.writeFileSync(
  'packages/tensor/src/ops.ts',
  `// The op facade: tfjs-core's ops, tensor classes and autodiff, re-exported by name (no training,
// backend, registry or engine-internal names: see DENY in scripts/gen-ops.cjs).
// Generated from @tensorflow/tfjs-core ${tf.version_core} exports by scripts/gen-ops.cjs.
export {
${keys.map((k) => `  ${k},`).join('\n')}
} from '@tensorflow/tfjs-core';
`,
);
console.log(`packages/tensor/src/ops.ts: ${keys.length} names (${denied.size} denied, kernel names left out)`);
