import { ValueError } from '@tessera/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coreCount, MAX_WASM_THREADS, nodeThreadCount, threadsRequest } from './threads.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('threadsRequest', () => {
  it('takes the option first, then TESSERA_WASM_THREADS, then the fallback', () => {
    vi.stubEnv('TESSERA_WASM_THREADS', '');
    expect(threadsRequest(undefined, 1)).toEqual({ value: 1, explicit: false });
    expect(threadsRequest(undefined, 'auto')).toEqual({ value: 'auto', explicit: false });
    expect(threadsRequest(3, 1)).toEqual({ value: 3, explicit: true });
    expect(threadsRequest('auto', 1)).toEqual({ value: 'auto', explicit: false });
    vi.stubEnv('TESSERA_WASM_THREADS', '2');
    expect(threadsRequest(undefined, 1)).toEqual({ value: 2, explicit: true });
    expect(threadsRequest(1, 1)).toEqual({ value: 1, explicit: true });
    vi.stubEnv('TESSERA_WASM_THREADS', ' auto ');
    expect(threadsRequest(undefined, 1)).toEqual({ value: 'auto', explicit: false });
  });
  it('refuses anything but an integer from 1 to 8 or auto, naming where it came from', () => {
    for (const bad of [0, -1, 1.5, MAX_WASM_THREADS + 1, Number.NaN]) {
      expect(() => threadsRequest(bad, 1)).toThrow(ValueError);
    }
    expect(() => threadsRequest(9, 1)).toThrow("wasm threads: expected an integer from 1 to 8 or 'auto', received 9");
    vi.stubEnv('TESSERA_WASM_THREADS', 'two');
    expect(() => threadsRequest(undefined, 1)).toThrow('TESSERA_WASM_THREADS: expected an integer from 1 to 8 or \'auto\', received "two"');
  });
});

describe('nodeThreadCount', () => {
  it("makes 'auto' the core count, at most 8, and one thread without SIMD", () => {
    expect(nodeThreadCount('auto', 2, true)).toBe(2);
    expect(nodeThreadCount('auto', 1, true)).toBe(1);
    expect(nodeThreadCount('auto', 64, true)).toBe(MAX_WASM_THREADS);
    expect(nodeThreadCount('auto', 16, false)).toBe(1);
  });
  it('takes a count as is, more threads than cores included', () => {
    expect(nodeThreadCount(1, 16, true)).toBe(1);
    expect(nodeThreadCount(4, 2, true)).toBe(4);
    expect(nodeThreadCount(1, 16, false)).toBe(1);
  });
  it('refuses more than one thread without SIMD', () => {
    expect(() => nodeThreadCount(2, 2, false)).toThrow(
      'wasm threads: expected 1 when SIMD is off (tfjs-backend-wasm builds threads only with SIMD), received 2',
    );
  });
});

describe('coreCount', () => {
  it('prefers availableParallelism and falls back to cpus()', () => {
    expect(coreCount({ availableParallelism: () => 6, cpus: () => [1, 2] })).toBe(6);
    expect(coreCount({ cpus: () => [1, 2, 3] })).toBe(3);
    expect(coreCount({ cpus: () => [] })).toBe(1);
  });
});
