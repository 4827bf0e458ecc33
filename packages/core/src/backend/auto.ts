import type { BackendPlugin } from '../contracts/backend-plugin.js';
import { BackendUnavailableError, TesseraError } from '../errors.js';
import { detectRuntime, readEnv, readQueryBackend } from './runtime.js';

/** Package of each first-party backend plugin, with the factory it exports. */
const KNOWN: ReadonlyArray<readonly [name: string, pkg: string, factory: string]> = [
  ['webgpu', '@tessera/backend-webgpu', 'webgpu'],
  ['webgl', '@tessera/backend-webgl', 'webgl'],
  ['node-gpu', '@tessera/backend-node-gpu', 'nodeGpu'],
  ['node', '@tessera/backend-node', 'node'],
  ['wasm', '@tessera/backend-wasm', 'wasm'],
  ['cpu', '@tessera/backend-cpu', 'cpu'],
];

/**
 * Options of {@link auto}.
 *
 * @example
 * ```ts
 * // Use wasm even where a higher-priority backend is available (overrides TESSERA_BACKEND).
 * await useBackend(await auto([webgl(), wasm(), cpu()], { prefer: 'wasm' }));
 * ```
 */
export interface AutoOptions {
  /** Backend name to force; defaults to `TESSERA_BACKEND` (Node) or `?backend=` (browser). */
  prefer?: string;
}

/**
 * Orders backend candidates for {@link useBackend}: a requested backend first
 * (`TESSERA_BACKEND` in Node, `?backend=` in a page, or `options.prefer`), otherwise all
 * available ones by descending priority. Without a list it imports the installed first-party
 * backend packages (Node); bundled apps should pass their plugins explicitly.
 *
 * @example
 * ```ts
 * await useBackend(await auto());                 // TESSERA_BACKEND=wasm → wasm
 * await useBackend(await auto([wasm(), cpu()]));  // explicit candidates
 * ```
 */
export async function auto(candidates?: readonly BackendPlugin[], options: AutoOptions = {}): Promise<BackendPlugin[]> {
  const list = candidates ? [...candidates] : await discoverInstalled();
  const requested = options.prefer ?? readEnv('TESSERA_BACKEND') ?? readQueryBackend();
  if (requested) {
    const wanted = list.find((p) => p.name === requested || p.tfjsName === requested);
    if (!wanted) {
      throw new BackendUnavailableError(
        requested,
        `it was requested (TESSERA_BACKEND / ?backend= / prefer) but is not among the candidates: ${list.map((p) => p.name).join(', ') || 'none installed'}`,
      );
    }
    return [wanted];
  }
  const available: BackendPlugin[] = [];
  for (const p of list) if (await p.isAvailable()) available.push(p);
  if (available.length === 0) {
    throw new TesseraError(
      'BACKEND_UNAVAILABLE',
      `auto(): no backend is available; candidates were: ${list.map((p) => p.name).join(', ') || 'none'} (install @tessera/backend-wasm or @tessera/backend-cpu)`,
    );
  }
  return available.sort((a, b) => b.priority - a.priority);
}

async function discoverInstalled(): Promise<BackendPlugin[]> {
  if (detectRuntime() !== 'node') {
    throw new TesseraError('CONFIG', 'auto(): outside Node, pass the backend plugins to consider, e.g. auto([webgl(), wasm()])');
  }
  const found: BackendPlugin[] = [];
  for (const [, pkg, factory] of KNOWN) {
    try {
      const mod = (await import(/* @vite-ignore */ pkg)) as Record<string, () => BackendPlugin>;
      const make = mod[factory];
      if (typeof make === 'function') found.push(make());
    } catch {
      // package not installed: not a candidate
    }
  }
  return found;
}
