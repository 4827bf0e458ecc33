import { getBackend, getGradient } from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCpu, testMissing, testWasm } from '../../../../test-support/backends.js';
import { BackendUnavailableError, TesseraError } from '../errors.js';
import { auto } from './auto.js';
import { assertKernels, capabilities } from './capabilities.js';
import { assertSingleTfjsCore, checkLoadedTfjsCore, recordTfjsCore, resetTfjsCoreRecords } from './single-copy.js';
import { activeBackend, useBackend } from './use-backend.js';

describe('useBackend', () => {
  it('activates cpu and wasm and registers gradients', async () => {
    await useBackend(testCpu);
    expect(getBackend()).toBe('cpu');
    expect(getGradient('BatchMatMul')).toBeDefined();
    await useBackend(testWasm);
    expect(getBackend()).toBe('wasm');
    expect(activeBackend()?.name).toBe('wasm');
  });
  it('takes the first available of a list', async () => {
    const chosen = await useBackend([testMissing, testCpu]);
    expect(chosen.name).toBe('cpu');
    expect(getBackend()).toBe('cpu');
  });
  it('a single unavailable plugin fails with its reason', async () => {
    const err = await useBackend(testMissing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toBe('backend "node-gpu" is unavailable: @tensorflow/tfjs-node-gpu is not installed (needs CUDA 11.2)');
  });
  it('rejects an empty list', async () => {
    await expect(useBackend([])).rejects.toThrow('expected at least one backend plugin');
  });
});

describe('auto', () => {
  afterEach(() => {
    delete process.env.TESSERA_BACKEND;
  });
  it('orders available candidates by priority', async () => {
    const order = await auto([testCpu, testWasm, testMissing]);
    expect(order.map((p) => p.name)).toEqual(['wasm', 'cpu']);
  });
  it('honours TESSERA_BACKEND', async () => {
    process.env.TESSERA_BACKEND = 'cpu';
    expect((await auto([testCpu, testWasm])).map((p) => p.name)).toEqual(['cpu']);
  });
  it('names the candidates when TESSERA_BACKEND is unknown', async () => {
    process.env.TESSERA_BACKEND = 'webgl';
    await expect(auto([testCpu, testWasm])).rejects.toThrow('not among the candidates: cpu, wasm');
  });
  it('an explicit prefer wins', async () => {
    expect((await auto([testCpu, testWasm], { prefer: 'cpu' })).map((p) => p.name)).toEqual(['cpu']);
  });
});

describe('capabilities', () => {
  it('reports kernels, gradients and what wasm is missing', async () => {
    await useBackend(testCpu);
    const c = capabilities();
    expect(c.backend).toBe('cpu');
    expect(c.kernels).toContain('Conv2DBackpropFilter');
    expect(c.gradients).toContain('Conv2D');
    await useBackend(testWasm);
    const w = capabilities();
    expect(w.kernels).toContain('BatchMatMul');
    expect(w.kernelsWithoutGradient.length).toBeGreaterThan(0);
    expect(() => assertKernels(['BatchMatMul'], { gradients: true })).not.toThrow();
    expect(() => assertKernels(['NoSuchKernel'])).toThrow('backend "wasm" cannot run this model (missing kernels: NoSuchKernel)');
  });
});

describe('single copy of tfjs-core', () => {
  beforeEach(() => resetTfjsCoreRecords());
  afterEach(() => resetTfjsCoreRecords());
  it('throws naming both paths when two copies are recorded', () => {
    recordTfjsCore('/app/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js', '4.22.0', '@tessera/core');
    let err: unknown;
    try {
      recordTfjsCore('/app/node_modules/x/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js', '4.21.0', 'x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('DUPLICATE_TFJS');
    expect((err as Error).message).toContain(
      '/app/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js (v4.22.0, used by @tessera/core)',
    );
    expect((err as Error).message).toContain(
      '/app/node_modules/x/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js (v4.21.0, used by x)',
    );
  });
  it("reads the copies Node loaded from the module builtin's cache it is given (Node without getBuiltinModule)", () => {
    const a = '/app/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js';
    const b = '/app/node_modules/y/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js';
    expect(() => checkLoadedTfjsCore({ _cache: { [a]: {}, '/app/other.js': {} } })).not.toThrow();
    expect(() => checkLoadedTfjsCore({ _cache: { [a]: {}, [b]: {} } })).toThrow(
      new RegExp(`two copies of @tensorflow/tfjs-core are loaded: ${a}.*and ${b}`),
    );
  });
  it('accepts one copy recorded by several users', () => {
    recordTfjsCore('/a/tf-core.node.js', '4.22.0', 'one');
    recordTfjsCore('/a/tf-core.node.js', '4.22.0', 'two');
    expect(() => assertSingleTfjsCore()).not.toThrow();
  });
});
