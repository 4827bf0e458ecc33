/**
 * A serialized object: its class name and options.
 *
 * @example
 * ```ts
 * const s: Serialized = glorotUniform({ seed: 1 }).getConfig();
 * ```
 */
export interface Serialized {
  className: string;
  config: Record<string, unknown>;
}

/**
 * True for `{ className, config }` objects.
 *
 * @example
 * ```ts
 * isSerialized({ className: 'Dense', config: {} }); // true
 * ```
 */
export function isSerialized(x: unknown): x is Serialized {
  return typeof x === 'object' && x !== null && typeof (x as Serialized).className === 'string' && 'config' in x;
}
