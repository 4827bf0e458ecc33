import { BackendUnavailableError, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { webgl } from './webgl.js';

// Node has no WebGL2: the plugin reports why. The real runs are in packages/browser-tests (Chromium).
describe('webgl() in Node', () => {
  it('has priority 60 (overridable) and the tfjs name webgl', () => {
    expect(webgl().name).toBe('webgl');
    expect(webgl().priority).toBe(60);
    expect(webgl({ priority: 5 }).priority).toBe(5);
  });
  it('is unavailable without a canvas, and useBackend says why', async () => {
    const plugin = webgl();
    expect(await plugin.isAvailable()).toBe(false);
    expect(await plugin.unavailableReason?.()).toContain('no canvas');
    const err = await useBackend(plugin).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toBe(
      'backend "webgl" is unavailable: this runtime has no canvas (WebGL2 needs a browser or a worker with OffscreenCanvas)',
    );
  });
});
