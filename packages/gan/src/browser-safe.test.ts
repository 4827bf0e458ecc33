import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('entry points', () => {
  it('the main entry bundles for the browser without Node builtins; files and zlib live in ./node', async () => {
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
    expect(text).toContain('function gan(');
    expect(text).toContain('function drawSampleSheet(');
    expect(text).not.toMatch(/["'](node:)?(fs|path|zlib|module|fs\/promises)["']/);
    await expect(bundle('./node.ts')).rejects.toThrow(/fs\/promises|zlib|module/);
  });
});
