import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared';

const packages = fileURLToPath(new URL('..', import.meta.url));

// `@tessera/train/node` and `/tensorboard` from their sources too (the shared config maps package roots only), so tests never read a stale build.
export default mergeConfig(sharedConfig, {
  resolve: {
    alias: [
      { find: /^@tessera\/train\/node$/, replacement: `${packages}train/src/node.ts` },
      { find: /^@tessera\/train\/tensorboard$/, replacement: `${packages}train/src/tensorboard.ts` },
    ],
  },
});
