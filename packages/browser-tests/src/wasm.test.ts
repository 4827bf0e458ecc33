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

// wasm() registers @tessera/kernels' MaxPoolGrad, Conv2DBackpropFilter and UnsortedSegmentSum: no known failures.
conformanceSuite(() => wasm());
trainingSmoke(() => wasm());
