import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// the library (ESM + CJS), and two ESM-only files run by Node directly: the communication thread
// of a TCP group (loaded by URL next to node.js / node.cjs) and the tessera-launch command
export default defineConfig([
  packageConfig({ entry: ['src/index.ts', 'src/node.ts'], clean: false }),
  packageConfig({ entry: { 'tcp-worker': 'src/tcp-worker.ts', bin: 'src/bin.ts' }, format: ['esm'], dts: false, clean: false }),
]);
