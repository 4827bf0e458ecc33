import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import type { Layer } from './layer.js';

/**
 * A layer or model of any input arity: what {@link deserializeModule} and {@link layerFromConfig}
 * return and {@link summary} takes.
 *
 * @example
 * ```ts
 * const restored: AnyLayer = deserializeModule(serializeModule(model));
 * console.log(summary(restored));
 * ```
 */
export type AnyLayer = Layer<Tensor | Tensor[]>;
/**
 * Builds a layer from its saved `config` (the argument of {@link registerLayer}).
 *
 * @example
 * ```ts
 * const makeScale: LayerFactory = (config) => new Scale(config as LayerOptions); // Scale: the Layer example
 * registerLayer('Scale', makeScale);
 * ```
 */
export type LayerFactory = (config: Record<string, unknown>) => AnyLayer;
/**
 * A layer class {@link registerLayer} accepts: constructed from its saved config, named by a
 * static `className` (which survives minification; else the class's own name).
 *
 * @example
 * ```ts
 * const C: LayerClass = Scale; // class Scale extends Layer { static readonly className = 'Scale'; ... }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: constructors take their own option types
export type LayerClass = (new (config: any) => AnyLayer) & { readonly className?: string };

const custom = new Map<string, LayerFactory>();

/**
 * Registers a custom layer for {@link deserializeModule}: a class (its static `className` is the
 * key, its constructor takes the saved config) or a class name and a factory.
 *
 * @example
 * ```ts
 * registerLayer(Scale);
 * registerLayer('Scale', (config) => new Scale(config));
 * ```
 */
export function registerLayer(cls: LayerClass): void;
export function registerLayer(className: string, factory: LayerFactory): void;
export function registerLayer(a: string | LayerClass, factory?: LayerFactory): void {
  if (typeof a === 'function') {
    const name = Object.hasOwn(a, 'className') && typeof a.className === 'string' ? a.className : a.name;
    if (!name) throw new ValueError('registerLayer class', 'a class with a static className', a);
    custom.set(name, (c) => new a(c));
    return;
  }
  if (typeof a !== 'string' || a === '') throw new ValueError('registerLayer className', 'a non-empty string', a);
  if (typeof factory !== 'function') throw new ValueError(`registerLayer ${a} factory`, 'a function (config) => layer', factory);
  custom.set(a, factory);
}

/**
 * The factory registered for a class name, if any.
 *
 * @example
 * ```ts
 * registeredLayer('Scale')?.({ name: 'scale' });
 * ```
 */
export function registeredLayer(className: string): LayerFactory | undefined {
  return custom.get(className);
}
