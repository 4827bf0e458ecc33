// Test-only: run code with one of Tessera's kernels unregistered, so a test can compare the kernel
// with the ops it replaces.
import { getBackend, getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Runs `f` on the active backend with `kernelName` unregistered (asserted), then registers it again. */
export function withoutKernel<T>(kernelName: string, f: () => T): T {
  const config = getKernel(kernelName, getBackend()) as KernelConfig;
  unregisterKernel(kernelName, getBackend());
  try {
    expect(getKernel(kernelName, getBackend())).toBeUndefined();
    return f();
  } finally {
    registerKernel(config);
  }
}
