import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

export default defineConfig(packageConfig({ entry: ['src/index.ts', 'src/node.ts'] }));
