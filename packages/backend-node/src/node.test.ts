import { BackendUnavailableError, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { node } from './node.js';

/** tfjs-node cannot be installed on machines without access to its libtensorflow download. */
const installed = await node().isAvailable();

describe('node()', () => {
  it('describes itself', () => {
    const p = node();
    expect(p.name).toBe('node');
    expect(p.tfjsName).toBe('tensorflow');
    expect(p.priority).toBe(40);
  });
  it.skipIf(installed)('without @tensorflow/tfjs-node: unavailable, with install instructions', async () => {
    expect(await node().isAvailable()).toBe(false);
    const err = await useBackend(node()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toContain('npm install @tensorflow/tfjs-node@4.22.0');
  });
  it.skipIf(!installed)('with @tensorflow/tfjs-node installed: activates the tensorflow backend', async () => {
    await useBackend(node());
    const { getBackend } = await import('@tensorflow/tfjs-core');
    expect(getBackend()).toBe('tensorflow');
  });
});

describe('fileUrl (the specifier load() imports)', () => {
  it('turns POSIX and Windows paths into file URLs Node can import', async () => {
    const { fileUrl } = await import('./tfjs-node-plugin.js');
    expect(fileUrl('/app/node_modules/@tensorflow/tfjs-node/dist/index.js')).toBe(
      'file:///app/node_modules/@tensorflow/tfjs-node/dist/index.js',
    );
    expect(fileUrl('C:\\app\\node_modules\\x\\index.js')).toBe('file:///C:/app/node_modules/x/index.js');
    expect(fileUrl('/a b/#c?.js')).toBe('file:///a%20b/%23c%3F.js');
    const here = new URL(import.meta.url).pathname;
    expect(fileUrl(here)).toBe(new URL(import.meta.url).href);
  });
});
