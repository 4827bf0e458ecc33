import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// The main and `./tensorboard` entries are free of Node builtins (browser-safe); `./node` holds file I/O.
export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/node.ts', 'src/tensorboard.ts'], shims: false }));
