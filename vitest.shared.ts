import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Shared vitest config: workspace packages resolve to their sources so tests never
 * depend on stale builds. Each package's vitest.config.ts re-exports this.
 */
export const sharedConfig = defineConfig({
  resolve: {
    alias: [
      {
        find: /^@tessera\/([a-z0-9-]+)$/,
        replacement: `${root}packages/$1/src/index.ts`,
      },
    ],
  },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
