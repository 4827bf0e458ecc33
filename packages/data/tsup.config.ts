import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// No shims: the main entry must stay free of Node builtins for browser bundles.
export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/node.ts'], shims: false }));
