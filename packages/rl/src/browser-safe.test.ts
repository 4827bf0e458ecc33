import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';

describe('entry point', () => {
  it('the main entry bundles for the browser without Node builtins (file access goes through AlgorithmIO)', async () => {
    const text = await browserBundle(new URL('./index.ts', import.meta.url));
    expect(text).toContain('var PPO = class');
    expect(text).toContain('var CartPole = class');
    expect(text).not.toMatch(/["'](node:)?(fs|path|zlib|module|os|child_process|worker_threads|fs\/promises)["']/);
    expect(text).not.toMatch(/\bprocess\.(env|argv|stdout|hrtime)/);
    // What is left unbundled is Tessera's own browser-safe packages.
    const imports = new Set([...text.matchAll(/\bfrom "([^"]+)"/g)].map((m) => m[1]));
    expect([...imports].sort()).toEqual(['@tessera/core', '@tessera/layers', '@tessera/optimizers', '@tessera/tensor', '@tessera/train']);
  });
});
