import { readEnv, ValueError } from '@tessera/core';

/**
 * The most threads {@link wasm} runs: tfjs-backend-wasm 4.22's threaded build starts a pool of 8
 * pthread workers and caps its XNNPACK thread pool there.
 *
 * @example
 * ```ts
 * await useBackend(wasm({ threads: Math.min(availableParallelism(), MAX_WASM_THREADS) }));
 * ```
 */
export const MAX_WASM_THREADS = 8;

/**
 * A `threads` request of {@link wasm}: a count from 1 to {@link MAX_WASM_THREADS}, or 'auto'.
 *
 * @example
 * ```ts
 * const threads: ThreadsRequest = process.env.CI ? 1 : 'auto';
 * await useBackend(wasm({ threads }));
 * ```
 */
export type ThreadsRequest = number | 'auto';

/**
 * The `threads` request of a plugin: the option when given, else `TESSERA_WASM_THREADS` (a count
 * or 'auto'), else `fallback` (the runtime's default). `explicit` is true when a count was asked
 * for (option or variable). Throws a ValueError for anything but an integer from 1 to
 * {@link MAX_WASM_THREADS} or 'auto'.
 */
export function threadsRequest(option: ThreadsRequest | undefined, fallback: ThreadsRequest): { value: ThreadsRequest; explicit: boolean } {
  if (option !== undefined) return { value: checked('wasm threads', option), explicit: option !== 'auto' };
  const fromEnv = readEnv('TESSERA_WASM_THREADS')?.trim();
  if (!fromEnv) return { value: fallback, explicit: false };
  const value = fromEnv === 'auto' ? 'auto' : /^\d+$/.test(fromEnv) ? Number(fromEnv) : fromEnv;
  return { value: checked('TESSERA_WASM_THREADS', value), explicit: value !== 'auto' };
}

function checked(where: string, value: unknown): ThreadsRequest {
  if (value === 'auto') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_WASM_THREADS) return value;
  throw new ValueError(where, `an integer from 1 to ${MAX_WASM_THREADS} or 'auto'`, value);
}

/**
 * The thread count the plugin uses in Node: 'auto' is the core count (at most
 * {@link MAX_WASM_THREADS}), a number is taken as is. Without SIMD there is no threaded build,
 * so 'auto' is 1 and a count above 1 is refused.
 */
export function nodeThreadCount(request: ThreadsRequest, cores: number, simd: boolean): number {
  if (request === 'auto') return simd ? Math.max(1, Math.min(cores, MAX_WASM_THREADS)) : 1;
  if (request > 1 && !simd) {
    throw new ValueError('wasm threads', '1 when SIMD is off (tfjs-backend-wasm builds threads only with SIMD)', request);
  }
  return request;
}

/** The cores Node may use: `os.availableParallelism()` (Node 18.14+), else `os.cpus().length`. */
export function coreCount(os: { availableParallelism?: () => number; cpus(): unknown[] }): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}
