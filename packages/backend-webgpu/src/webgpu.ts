import { env } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '@tessera/core';
import { registerGradientFixes } from '@tessera/kernels';

/**
 * Options of {@link webgpu}.
 *
 * @example
 * ```ts
 * await useBackend([webgpu({ flags: { WEBGPU_CPU_FORWARD: false } }), webgl(), wasm()]);
 * await useBackend(await auto([webgpu({ priority: 55 }), webgl(), wasm()])); // webgl (60) first
 * ```
 */
export interface WebgpuOptions {
  /** Priority used by `auto()` (default 70: the first choice where WebGPU works). */
  priority?: number;
  /** tfjs flags set before the backend starts, e.g. `{ WEBGPU_CPU_FORWARD: false }`. */
  flags?: Record<string, boolean | number>;
}

interface GpuLike {
  requestAdapter(options?: unknown): Promise<unknown | null>;
}

let probe: Promise<{ ok: boolean; reason: string }> | undefined;

/** Checks navigator.gpu and asks it for an adapter (once). */
function probeWebgpu(): Promise<{ ok: boolean; reason: string }> {
  probe ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) {
      return {
        ok: false,
        reason:
          'navigator.gpu is missing (no WebGPU here: needs a secure context in a WebGPU browser; headless Chromium needs --enable-unsafe-webgpu)',
      };
    }
    try {
      const adapter = await gpu.requestAdapter();
      if (adapter) return { ok: true, reason: '' };
      return { ok: false, reason: 'navigator.gpu.requestAdapter() returned no adapter (GPU blocked or unsupported)' };
    } catch (e) {
      return { ok: false, reason: `navigator.gpu.requestAdapter() failed: ${(e as Error)?.message ?? e}` };
    }
  })();
  return probe;
}

/**
 * The WebGPU backend: compute shaders, the fastest browser backend where a GPU adapter exists.
 * Available when `navigator.gpu` gives an adapter; `useBackend` then checks that tfjs really
 * switched to it (tfjs falls back silently when the adapter cannot start). Registers
 * `@tessera/kernels`' gradient fixes (the ones for every backend) when it loads.
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { webgpu } from '@tessera/backend-webgpu';
 * import { webgl } from '@tessera/backend-webgl';
 * await useBackend([webgpu(), webgl()]);
 * ```
 */
export function webgpu(options: WebgpuOptions = {}): BackendPlugin {
  let loaded = false;
  return {
    name: 'webgpu',
    priority: options.priority ?? 70,
    isAvailable: async () => (await probeWebgpu()).ok,
    unavailableReason: async () => (await probeWebgpu()).reason || 'available',
    async load() {
      if (loaded) return;
      await import('@tensorflow/tfjs-backend-webgpu');
      registerGradientFixes();
      for (const [flag, value] of Object.entries(options.flags ?? {})) env().set(flag, value);
      loaded = true;
    },
  };
}
