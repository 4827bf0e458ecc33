import { BackendUnavailableError, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { webgpu } from './webgpu.js';

// Node has no navigator.gpu: the plugin reports why. The real runs are in packages/browser-tests (Chromium).
describe('webgpu() in Node', () => {
  it('has priority 70 (overridable)', () => {
    expect(webgpu().name).toBe('webgpu');
    expect(webgpu().priority).toBe(70);
    expect(webgpu({ priority: 1 }).priority).toBe(1);
  });
  it('is unavailable without navigator.gpu, and useBackend says why', async () => {
    const plugin = webgpu();
    expect(await plugin.isAvailable()).toBe(false);
    const err = await useBackend(plugin).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toContain('backend "webgpu" is unavailable: navigator.gpu is missing');
  });
});
