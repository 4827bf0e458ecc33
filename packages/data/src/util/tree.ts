import { disposeTree, treeTensors } from '@tessera/core';
import { clone, isTensor } from '@tessera/tensor';

/**
 * Disposes every tensor of an element that was dropped (filtered, skipped, left in a buffer).
 *
 * @example
 * ```ts
 * disposeElement({ x: tensor([1]), y: 3 });
 * ```
 */
export function disposeElement(x: unknown): void {
  disposeTree(x);
}

/** Disposes the tensors of `input` that `output` does not hold (an operator consumed `input`). */
export function disposeConsumed(input: unknown, output: unknown): void {
  const inputs = treeTensors(input);
  if (inputs.length === 0) return;
  const kept = new Set(treeTensors(output).map((t) => t.id));
  for (const t of inputs) if (!kept.has(t.id) && !t.isDisposed) t.dispose();
}

/**
 * A copy of an element whose tensors are clones (they share data; disposing one keeps the other)
 * and whose typed arrays are copies (the consumer may modify them in place).
 *
 * @example
 * ```ts
 * const copy = cloneElement({ x: tensor([1, 2]), y: 0 });
 * ```
 */
export function cloneElement<T>(x: T): T {
  if (x == null || typeof x !== 'object') return x;
  if (isTensor(x)) return clone(x) as T;
  if (ArrayBuffer.isView(x)) return (x instanceof DataView ? x : (x as unknown as Uint8Array).slice()) as T;
  if (Array.isArray(x)) return x.map((v) => cloneElement(v)) as T;
  if (Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = cloneElement(v);
    return out as T;
  }
  return x;
}
