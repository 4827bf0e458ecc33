import type { Runtime } from '../contracts/backend-plugin.js';

/**
 * Detects where the code runs.
 *
 * @example
 * ```ts
 * if (detectRuntime() === 'node') { ... }
 * ```
 */
export function detectRuntime(): Runtime {
  const g = globalThis as Record<string, unknown>;
  const proc = g.process as { versions?: { node?: string } } | undefined;
  if (proc?.versions?.node) return 'node';
  if (typeof g.window === 'object' && typeof g.document === 'object') return 'browser';
  if (typeof g.importScripts === 'function') return 'worker';
  return 'unknown';
}

/**
 * Reads an environment variable in Node; undefined elsewhere.
 *
 * @example
 * ```ts
 * const requested = readEnv('TESSERA_BACKEND'); // 'wasm' when run as TESSERA_BACKEND=wasm node app.mjs
 * ```
 */
export function readEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name];
}

/**
 * Reads `?backend=` from the page URL in a browser; undefined elsewhere.
 *
 * @example
 * ```ts
 * readQueryBackend(); // 'webgl' on https://example.test/?backend=webgl
 * ```
 */
export function readQueryBackend(): string | undefined {
  const loc = (globalThis as { location?: { search?: string } }).location;
  if (!loc?.search) return undefined;
  return new URLSearchParams(loc.search).get('backend') ?? undefined;
}
