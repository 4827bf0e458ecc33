import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared';

const packages = fileURLToPath(new URL('..', import.meta.url));

// `@tessera/train/node` from its sources too (the shared config maps package roots only), so tests never read a stale build.
export default mergeConfig(sharedConfig, {
  resolve: { alias: [{ find: /^@tessera\/train\/node$/, replacement: `${packages}train/src/node.ts` }] },
});
