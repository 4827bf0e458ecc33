import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// Two entries: the main one is free of Node builtins (browser-safe); `./node` holds the tuner directory (files, TensorBoard).
export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/node.ts'], shims: false }));
