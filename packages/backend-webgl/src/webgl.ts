import { env } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '@tessera/core';
import { registerGradientFixes } from '@tessera/kernels';

/**
 * Options of {@link webgl}.
 *
 * @example
 * ```ts
 * await useBackend(webgl({ flags: { WEBGL_PACK: false, WEBGL_CPU_FORWARD: false } }));
 * await useBackend(await auto([webgpu(), webgl({ priority: 80 }), wasm()])); // webgl before webgpu
 * ```
 */
export interface WebglOptions {
  /** Priority used by `auto()` (default 60: below webgpu, above wasm and cpu). */
  priority?: number;
  /**
   * tfjs flags set before the backend starts, e.g. `{ WEBGL_PACK: false }` or
   * `{ WEBGL_CPU_FORWARD: false }` (run every op on the GPU, even tiny ones).
   */
  flags?: Record<string, boolean | number>;
}

let probe: { ok: boolean; reason: string } | undefined;

/** Tries to create a WebGL2 context once (on an OffscreenCanvas, else a detached canvas element). */
function probeWebgl2(): { ok: boolean; reason: string } {
  if (probe) return probe;
  const g = globalThis as unknown as {
    OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown };
    document?: { createElement(tag: string): { getContext(kind: string): unknown } };
  };
  let canvas: { getContext(kind: string): unknown } | undefined;
  if (typeof g.OffscreenCanvas === 'function') canvas = new g.OffscreenCanvas(1, 1);
  else if (g.document) canvas = g.document.createElement('canvas');
  if (!canvas) {
    probe = { ok: false, reason: 'this runtime has no canvas (WebGL2 needs a browser or a worker with OffscreenCanvas)' };
    return probe;
  }
  let ctx: unknown = null;
  try {
    ctx = canvas.getContext('webgl2');
  } catch {
    ctx = null;
  }
  const lose = (ctx as { getExtension?(n: string): { loseContext(): void } | null } | null)?.getExtension?.('WEBGL_lose_context');
  lose?.loseContext();
  probe = ctx
    ? { ok: true, reason: '' }
    : {
        ok: false,
        reason: 'a WebGL2 context could not be created (GPU blocked or disabled; in headless Chromium pass --use-angle=swiftshader)',
      };
  return probe;
}

/**
 * The WebGL2 backend: GPU training in every modern browser. Available when a WebGL2 context can
 * be created here; in Node it is never available (use wasm or node). Registers `@tessera/kernels`'
 * gradient fixes (the ones for every backend) when it loads.
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { webgl } from '@tessera/backend-webgl';
 * import { wasm } from '@tessera/backend-wasm';
 * await useBackend([webgl(), wasm()]); // webgl where the page can create a WebGL2 context
 * ```
 */
export function webgl(options: WebglOptions = {}): BackendPlugin {
  let loaded = false;
  return {
    name: 'webgl',
    priority: options.priority ?? 60,
    isAvailable: () => probeWebgl2().ok,
    unavailableReason: () => probeWebgl2().reason || 'available',
    async load() {
      if (loaded) return;
      await import('@tensorflow/tfjs-backend-webgl');
      registerGradientFixes();
      for (const [flag, value] of Object.entries(options.flags ?? {})) env().set(flag, value);
      loaded = true;
    },
  };
}
