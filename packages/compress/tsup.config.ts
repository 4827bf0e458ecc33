import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// Two entries: the main one is free of Node builtins (browser-safe); `./node` holds file I/O.
export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/node.ts'], shims: false }));
