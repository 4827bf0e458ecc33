import type { ModuleConfig } from '@tessera/core';
import { describeValue, FormatError, TesseraError, ValueError } from '@tessera/core';
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
  // Layers built so far in this (possibly nested) call: when it fails, their weights are freed.
  const top = created === undefined;
  if (top) created = [];
  try {
    const layer = buildFromConfig(cfg);
    created!.push(layer);
    return layer;
  } catch (e) {
    if (top) for (const l of created!) l.dispose();
    throw e;
  } finally {
    if (top) created = undefined;
  }
}

let created: AnyLayer[] | undefined;

function buildFromConfig(cfg: unknown): AnyLayer {
  if (!isSerialized(cfg))
    throw new FormatError('layer config', `expected { className, config }, received ${JSON.stringify(cfg)?.slice(0, 80)}`);
  builtins ??= builtinLayers(layerFromConfig);
  const f = registeredLayer(cfg.className) ?? (Object.hasOwn(builtins, cfg.className) ? builtins[cfg.className] : undefined);
  if (!f) throw new ValueError('layer config className', 'a registered layer class', cfg.className);
  const config = cfg.config as unknown;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new FormatError('layer config', `${cfg.className}: expected a config object, received ${describeValue(config)}`);
  }
  try {
    return f({ ...(config as Record<string, unknown>) });
  } catch (e) {
    // A nested layer's error already says where it is; anything else gets the class and name.
    if (e instanceof TesseraError && e.message.startsWith('layer config')) throw e;
    const name = (config as { name?: unknown }).name;
    const where = typeof name === 'string' ? `${cfg.className} "${name}"` : cfg.className;
    throw new FormatError('layer config', `${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
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
