import { afterEach, describe, expect, it } from 'vitest';
import { testCpu } from '../../../../test-support/backends.js';
import { TesseraError, ValueError } from '../errors.js';
import { assertKernels, capabilities, hasKernel } from './capabilities.js';
import { useBackend } from './use-backend.js';

describe('capability checks with wrong input', () => {
  afterEach(async () => {
    await useBackend(testCpu);
  });
  it('capabilities of an unknown backend name lists the registered ones', async () => {
    await useBackend(testCpu);
    const err = (() => {
      try {
        capabilities('cpuu');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toMatch(
      /^capabilities backend: expected one of the registered backends \[.*"cpu".*\], received "cpuu"$/,
    );
    expect(capabilities('cpu').kernels).toContain('BatchMatMul');
  });
  it('assertKernels names the backend argument, the kernels asked for and the missing ones', async () => {
    await useBackend(testCpu);
    expect(() => assertKernels(['BatchMatMul'], { backend: 'gpu' })).toThrow(
      /^assertKernels backend: expected one of the registered backends .*, received "gpu"$/,
    );
    expect(() => assertKernels(['BatchMatMul', 'NoSuchKernel'], { gradients: true })).toThrow(
      new TesseraError(
        'UNSUPPORTED',
        'backend "cpu" cannot run this model (missing kernels: NoSuchKernel): assertKernels expected kernels BatchMatMul, NoSuchKernel and their gradients',
      ),
    );
    expect(() => assertKernels(['BatchMatMul'], { gradients: true })).not.toThrow();
  });
});

describe('hasKernel', () => {
  it('tells whether a kernel is registered for the active backend or a named one', async () => {
    await useBackend(testCpu);
    expect(hasKernel('BatchMatMul')).toBe(true);
    expect(hasKernel('BatchMatMul', 'cpu')).toBe(true);
    expect(hasKernel('NoSuchKernel')).toBe(false);
    expect(hasKernel('BatchMatMul', 'no-such-backend')).toBe(false);
  });
});
