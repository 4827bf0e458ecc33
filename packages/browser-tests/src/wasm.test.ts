import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { env } from '@tensorflow/tfjs-core';
import { wasm } from '@tessera/backend-wasm';
import { expect, it } from 'vitest';
import { activate, conformanceSuite, trainingSmoke } from './suite.js';

it('wasm: loads its .wasm files through the bundler with SIMD, and no threads without cross-origin isolation', async () => {
  await activate(wasm());
  expect(await env().getAsync('WASM_HAS_SIMD_SUPPORT')).toBe(true);
  expect(globalThis.crossOriginIsolated).toBe(false);
  expect(getThreadsCount()).toBe(1);
});

conformanceSuite(() => wasm(), {
  knownFailures: {
    'gradient/maxPool, windows without a positive value':
      'tfjs-backend-wasm 4.22 MaxPoolGrad is wrong when a window holds no positive value (fix belongs to @tessera/kernels)',
  },
});
trainingSmoke(() => wasm());
