import { getBackend, ready, setBackend, version_core } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '../contracts/backend-plugin.js';
import { BackendUnavailableError, TesseraError } from '../errors.js';
import { registerCoreGradients } from '../gradients.js';
import { nodeModuleBuiltin, resolveInNode } from './node-resolve.js';
import { checkLoadedTfjsCore, recordTfjsCore } from './single-copy.js';

let active: BackendPlugin | undefined;

/**
 * Options of {@link useBackend}.
 *
 * @example
 * ```ts
 * // Inference only: skip registering tfjs-core's gradients.
 * await useBackend(wasm(), { gradients: false });
 * ```
 */
export interface UseBackendOptions {
  /** Register tfjs-core's gradients (default true). */
  gradients?: boolean;
}

/**
 * Selects the backend all later tensor work runs on. Given a list, the first available one
 * wins (in list order). Loads it, registers gradients once, makes it active and checks that
 * tfjs really switched (some backends fall back silently).
 *
 * @example
 * ```ts
 * await useBackend(wasm());
 * await useBackend([webgpu(), webgl(), wasm(), cpu()]);
 * ```
 */
export async function useBackend(
  plugin: BackendPlugin | readonly BackendPlugin[],
  options: UseBackendOptions = {},
): Promise<BackendPlugin> {
  const candidates = Array.isArray(plugin) ? plugin : [plugin as BackendPlugin];
  if (candidates.length === 0) {
    throw new TesseraError('CONFIG', 'useBackend: expected at least one backend plugin, received an empty list');
  }
  const own = await resolveInNode('@tensorflow/tfjs-core', import.meta.url);
  if (own) recordTfjsCore(own, version_core, '@tessera/core');
  const moduleBuiltin = await nodeModuleBuiltin();
  checkLoadedTfjsCore(moduleBuiltin);
  const reasons: string[] = [];
  for (const candidate of candidates) {
    if (!(await candidate.isAvailable())) {
      const why = candidate.unavailableReason ? await candidate.unavailableReason() : 'not available here';
      if (candidates.length === 1) throw new BackendUnavailableError(candidate.name, why);
      reasons.push(`${candidate.name}: ${why}`);
      continue;
    }
    await activate(candidate, options, moduleBuiltin);
    return candidate;
  }
  throw new BackendUnavailableError(
    candidates.map((c) => c.name).join(' | '),
    `none of the candidates could be used (${reasons.join('; ')})`,
  );
}

async function activate(plugin: BackendPlugin, options: UseBackendOptions, moduleBuiltin: unknown): Promise<void> {
  try {
    await plugin.load();
  } catch (cause) {
    if (cause instanceof TesseraError) throw cause;
    throw new BackendUnavailableError(plugin.name, `loading failed: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  checkLoadedTfjsCore(moduleBuiltin);
  if (options.gradients !== false) registerCoreGradients();
  const tfjsName = plugin.tfjsName ?? plugin.name;
  const ok = await setBackend(tfjsName);
  await ready();
  if (!ok || getBackend() !== tfjsName) {
    throw new BackendUnavailableError(
      plugin.name,
      `tfjs did not activate it (active backend is "${getBackend()}"); the runtime may lack support`,
    );
  }
  if (plugin.afterActivate) await plugin.afterActivate();
  active = plugin;
}

/**
 * The plugin chosen by the last successful {@link useBackend}, if any.
 *
 * @example
 * ```ts
 * activeBackend()?.name; // 'wasm'
 * ```
 */
export function activeBackend(): BackendPlugin | undefined {
  return active;
}
