import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { getBackend } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerCases } from './cases.js';
import { checkApply, checkGradients, checkNoLeak, checkOutputShape, checkRoundTrip, checkStatelessCall } from './index.js';

describe.each([cpu(), wasm()])('layer conformance on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  for (const c of layerCases()) {
    describe(c.name, () => {
      it('output shape equals computeOutputShape', () => {
        checkOutputShape(c);
      });
      const skip = plugin.name === 'wasm' ? c.wasmGradSkip : undefined;
      if (skip) it.skip(`gradient vs finite differences (skipped on wasm: ${skip})`, () => {});
      else
        it('gradient matches central finite differences', () => {
          expect(checkGradients(c)).toBeLessThanOrEqual(c.tol ?? 1e-2);
        });
      it('config round trip gives identical output with copied weights', () => {
        checkRoundTrip(c);
      });
      it('apply with its own variables equals call', () => {
        checkApply(c);
      });
      it('statelessCall writes no variable and returns what call assigns', () => {
        checkStatelessCall(c);
      });
      if (skip?.includes('lacks')) it.skip(`no tensor leak across call + grad (skipped on wasm: ${skip})`, () => {});
      else
        it('no tensor leak across call + grad', () => {
          const { before, after } = checkNoLeak(c);
          expect(after).toEqual(after.map(() => before));
        });
    });
  }
});
