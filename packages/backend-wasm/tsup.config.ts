import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared';

// The pthread worker script of the threaded build in Node is started by path, next to the
// bundles (src/ in tests, dist/ once built): copy it as is.
export default defineConfig(
  packageConfig({
    onSuccess: async () => {
      copyFileSync('src/pthread-worker.cjs', 'dist/pthread-worker.cjs');
    },
  }),
);
