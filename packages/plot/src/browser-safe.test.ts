import { describe, expect, it } from 'vitest';
import { browserBundle } from '../../../test-support/browser-bundle.js';

describe('entry points', () => {
  it('the main entry (vega and vega-lite included, as an app would bundle them) has no Node builtins; PNG and files live in ./node', async () => {
    const bundle = (entry: string) => browserBundle(new URL(entry, import.meta.url));
    const text = await bundle('./index.ts');
    expect(text).toContain('function plotHistory(');
    expect(text).toContain('function toSvg(');
    // vega's own strings hold "path" (a mark type): look for imports only
    expect(text).not.toMatch(/(from |import\(|require\()["'](node:)?(fs|path|zlib|fs\/promises)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises|resvg/);
  });
});
