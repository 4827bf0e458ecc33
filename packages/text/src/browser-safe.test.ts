import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; file helpers live in ./node', async () => {
    const bundle = (entry: string) => browserBundle(new URL(entry, import.meta.url));
    const text = await bundle('./index.ts');
    expect(text).toContain('function generate(');
    expect(text).toContain('function trainBpe(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|fs\/promises|os|url)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises/);
  });
});
