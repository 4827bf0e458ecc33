// Regenerates packages/tensor/src/ops.ts and kernel-names.ts from the installed tfjs-core.
// usage: node scripts/gen-ops.cjs
const fs = require('node:fs');
const tf = require('@tensorflow/tfjs-core');
const keys = Object.keys(tf)
  .filter((k) => k !== 'default' && k !== '__esModule')
  .sort();
const isKernel = (k) => typeof tf[k] === 'string' && tf[k] === k && /^[A-Z]/.test(k);
const header = `// Generated from @tensorflow/tfjs-core ${tf.version_core} exports by scripts/gen-ops.cjs.\n`;
const block = (names) => `export {\n${names.map((k) => `  ${k},`).join('\n')}\n} from '@tensorflow/tfjs-core';\n`;
fs.writeFileSync(
  'packages/tensor/src/ops.ts',
  `// The op facade: every tfjs-core op, class and utility, re-exported by name.\n${header}${block(keys.filter((k) => !isKernel(k)))}`,
);
fs.writeFileSync(
  'packages/tensor/src/kernel-names.ts',
  `// Kernel name constants of tfjs-core (for kernel and gradient registration).\n${header}${block(keys.filter(isKernel))}`,
);
