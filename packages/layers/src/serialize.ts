import type { ModuleConfig } from '@tessera/core';
import { FormatError, ValueError } from '@tessera/core';
import { builtinLayers } from './builtin-layers.js';
import { type AnyLayer, registeredLayer } from './registry.js';
import { isSerialized } from './serializable.js';

let builtins: ReturnType<typeof builtinLayers> | undefined;

/**
 * Rebuilds a layer (or model) from its `{ className, config }`.
 *
 * @example
 * ```ts
 * const copy = layerFromConfig(layer.getConfig());
 * ```
 */
export function layerFromConfig(cfg: ModuleConfig | unknown): AnyLayer {
  if (!isSerialized(cfg))
    throw new FormatError('layer config', `expected { className, config }, received ${JSON.stringify(cfg)?.slice(0, 80)}`);
  builtins ??= builtinLayers(layerFromConfig);
  const f = registeredLayer(cfg.className) ?? builtins[cfg.className];
  if (!f) throw new ValueError('layer config className', 'a registered layer class', cfg.className);
  return f({ ...cfg.config });
}

const FORMAT = 'tessera-module';

/**
 * Serializes a model's architecture (not its weights) to JSON.
 *
 * @example
 * ```ts
 * const json = serializeModule(model); const copy = deserializeModule(json);
 * ```
 */
export function serializeModule(module: { getConfig(): ModuleConfig }): string {
  return JSON.stringify({ format: FORMAT, version: 1, module: module.getConfig() });
}

/**
 * Rebuilds a model from {@link serializeModule}'s JSON (weights freshly initialized; copy them by name).
 *
 * @example
 * ```ts
 * const copy = deserializeModule(json);
 * for (const [k, v] of Object.entries(copy.variables())) v.assign(model.variables()[k]);
 * ```
 */
export function deserializeModule(json: string | object): AnyLayer {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new FormatError(FORMAT, 'invalid JSON', { cause: e });
    }
  }
  const p = parsed as { format?: unknown; module?: unknown };
  if (p?.format !== FORMAT) throw new FormatError(FORMAT, `expected format "${FORMAT}", received ${JSON.stringify(p?.format)}`);
  return layerFromConfig(p.module);
}
