import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; file I/O lives in ./node', async () => {
    const bundle = (entry: string) =>
      build({
        entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
        bundle: true,
        write: false,
        platform: 'browser',
        format: 'esm',
        external: ['@tessera/*', '@tensorflow/*'],
        logLevel: 'silent',
      });
    const main = await bundle('./index.ts');
    const text = main.outputFiles[0]?.text ?? '';
    expect(text).toContain('function fit(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|fs\/promises)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises/);
    // the TensorBoard encoder, writer and callbacks bundle for the browser too (file writing is in ./node)
    const tb = (await bundle('./tensorboard.ts')).outputFiles[0]?.text ?? '';
    expect(tb).toContain('function tensorBoardCallback(');
    expect(tb).not.toMatch(/["'](node:)?(fs|path|os|fs\/promises)["']/);
  });
});
