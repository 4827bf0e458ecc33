/** A serialized object: its class name and options. */
export interface Serialized {
  className: string;
  config: Record<string, unknown>;
}

/** True for `{ className, config }` objects. */
export function isSerialized(x: unknown): x is Serialized {
  return typeof x === 'object' && x !== null && typeof (x as Serialized).className === 'string' && 'config' in x;
}
