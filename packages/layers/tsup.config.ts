import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// Two entries: the layers, and `./testing` (the layer test harness). The harness imports
// `@tessera/layers` by name and it stays external, so both entries share one copy of the classes.
export default defineConfig(
  packageConfig({ entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' }, external: ['@tessera/layers'] }),
);
