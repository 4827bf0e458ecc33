import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; the tuner directory lives in ./node', async () => {
    const bundle = (entry: string) => browserBundle(new URL(entry, import.meta.url));
    const text = await bundle('./index.ts');
    expect(text).toContain('function tune(');
    expect(text).toContain('function hyperbandBrackets(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|os|fs\/promises|child_process)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises|path|os/);
  });
});
