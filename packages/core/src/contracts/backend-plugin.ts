/**
 * Runtime environments a backend can run in, as reported by {@link detectRuntime}.
 *
 * @example
 * ```ts
 * const runtime: Runtime = detectRuntime();
 * if (runtime === 'node') await useBackend(node());
 * ```
 */
export type Runtime = 'node' | 'browser' | 'worker' | 'unknown';

/**
 * A backend that `useBackend` can load: one value per backend package
 * (`cpu()`, `wasm()`, `webgl()`, `webgpu()`, `node()`, `nodeGpu()`).
 *
 * @example
 * ```ts
 * await useBackend(wasm());
 * ```
 */
export interface BackendPlugin {
  /** Tessera name: 'cpu', 'wasm', 'webgl', 'webgpu', 'node' or 'node-gpu'. */
  readonly name: string;
  /** Name of the tfjs backend it registers when it differs from `name` (tfjs-node: 'tensorflow'). */
  readonly tfjsName?: string;
  /** Higher wins when several are available and none is requested. */
  readonly priority: number;
  /** True when the backend can load here (its package is installed, the runtime supports it). */
  isAvailable(): boolean | Promise<boolean>;
  /** Why it is unavailable (what to install), when `isAvailable()` is false. */
  unavailableReason?(): string | Promise<string>;
  /** Imports and registers the backend with the tfjs engine, and its extra kernels. Idempotent. */
  load(): Promise<void>;
  /** Called after the backend became active (e.g. registers kernel patches). */
  afterActivate?(): void | Promise<void>;
}
