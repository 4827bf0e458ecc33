import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { webgl } from '@tessera/backend-webgl';
import { webgpu } from '@tessera/backend-webgpu';
import { auto, useBackend } from '@tessera/core';
import { getBackend } from '@tessera/tensor';
import { afterEach, describe, expect, it } from 'vitest';

const all = () => [cpu(), wasm(), webgl(), webgpu()];

describe('auto() in headless Chromium', () => {
  const original = location.href;
  afterEach(() => history.replaceState(null, '', original));

  it('orders the available backends webgpu > webgl > wasm > cpu', async () => {
    const order = await auto(all());
    expect(order.map((p) => p.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    await useBackend(order);
    expect(getBackend()).toBe('webgpu');
  });

  it('?backend= in the page URL overrides the order', async () => {
    const url = new URL(original);
    url.searchParams.set('backend', 'wasm');
    history.replaceState(null, '', url.href);
    const order = await auto(all());
    expect(order.map((p) => p.name)).toEqual(['wasm']);
    await useBackend(order);
    expect(getBackend()).toBe('wasm');
  });

  it('an explicit prefer overrides the order', async () => {
    expect((await auto(all(), { prefer: 'webgl' })).map((p) => p.name)).toEqual(['webgl']);
  });

  it('without candidates it asks for them (no package discovery in a bundle)', async () => {
    await expect(auto()).rejects.toThrow('outside Node, pass the backend plugins');
  });
});
