import { BackendUnavailableError, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { nodeGpu } from './node-gpu.js';

const installed = await nodeGpu().isAvailable();

describe('nodeGpu()', () => {
  it('describes itself', () => {
    expect(nodeGpu().name).toBe('node-gpu');
    expect(nodeGpu().priority).toBe(50);
  });
  it.skipIf(installed)('without @tensorflow/tfjs-node-gpu: says what to install and which CUDA it needs', async () => {
    const err = await useBackend(nodeGpu()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0.*CUDA 11\.2 and cuDNN 8\.1/);
  });
  it.skipIf(!installed)('with @tensorflow/tfjs-node-gpu installed: activates the tensorflow backend', async () => {
    await useBackend(nodeGpu());
    const { getBackend } = await import('@tensorflow/tfjs-core');
    expect(getBackend()).toBe('tensorflow');
  });
});
