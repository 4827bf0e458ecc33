import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; file I/O lives in ./node', async () => {
    const bundle = (entry: string) => browserBundle(new URL(entry, import.meta.url));
    const text = await bundle('./index.ts');
    expect(text).toContain('function fit(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|fs\/promises)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises/);
    // the TensorBoard encoder, writer and callbacks bundle for the browser too (file writing is in ./node)
    const tb = await bundle('./tensorboard.ts');
    expect(tb).toContain('function tensorBoardCallback(');
    expect(tb).not.toMatch(/["'](node:)?(fs|path|os|fs\/promises)["']/);
  });
});
