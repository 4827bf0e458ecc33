import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; files live in ./node', async () => {
    const bundle = (entry: string) => browserBundle(new URL(entry, import.meta.url));
    const text = await bundle('./index.ts');
    expect(text).toContain('function exportOnnx(');
    expect(text).toContain('function loadKerasModel(');
    expect(text).toContain('function exportTorchSafetensors(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|zlib|module|fs\/promises|buffer|crypto|os|url|util)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises/);
  });
});
