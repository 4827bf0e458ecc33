import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * True for tfjs tensors (and variables); works across bundled copies of tfjs-core, since it
 * checks the shape of the value, not its class.
 *
 * @example
 * ```ts
 * isTensor(zeros([2])); // true
 * isTensor({ shape: [2] }); // false
 * ```
 */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x && 'dtype' in x;
}

/** Arrays and plain objects are walked; class instances (other than tensors) and JSON values are leaves. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Every tensor in a tree of tensors, arrays and plain objects (depth first, in key order; a
 * tensor reached twice is listed once). Other values (numbers, strings, null, class instances)
 * are leaves without tensors.
 *
 * @example
 * ```ts
 * treeTensors({ w: w1, layers: [{ b: b1 }, null], step: 3 }); // [w1, b1]
 * ```
 */
export function treeTensors(tree: unknown): Tensor[] {
  const out = new Set<Tensor>();
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (isTensor(node)) out.add(node);
    else if (Array.isArray(node) || isPlainObject(node)) {
      if (seen.has(node)) return;
      seen.add(node);
      for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child);
    }
  };
  walk(tree);
  return [...out];
}

/**
 * A copy of a tree of tensors, arrays and plain objects with every tensor replaced by
 * `fn(tensor, path)`; `path` joins the keys and indices from the root with `/` (after `prefix`).
 * Other values are passed through unchanged. `fn` usually returns a tensor, so the result has the
 * tree's type; `flattenState` replaces tensors with `{ $tensor: path }` references.
 *
 * @example
 * ```ts
 * const doubled = mapTensors({ w, nested: [b], lr: 0.1 }, (t) => mul(t, 2)); // { w: 2w, nested: [2b], lr: 0.1 }
 * mapTensors({ dense: { kernel: w } }, (t, path) => { console.log(path); return t; }); // 'dense/kernel'
 * ```
 */
export function mapTensors<T>(tree: T, fn: (t: Tensor, path: string) => unknown, prefix = ''): T {
  const walk = (node: unknown, path: string): unknown => {
    if (isTensor(node)) return fn(node, path);
    const at = (key: string | number) => (path ? `${path}/${key}` : String(key));
    if (Array.isArray(node)) return node.map((child, i) => walk(child, at(i)));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, at(k));
      return out;
    }
    return node;
  };
  return walk(tree, prefix) as T;
}

/**
 * Disposes every tensor in a tree of tensors, arrays and plain objects (each once; already
 * disposed ones are skipped). Other values are left alone.
 *
 * @example
 * ```ts
 * disposeTree({ state: { mu: m, nu: v }, batch: [x, y], step: 3 });
 * ```
 */
export function disposeTree(tree: unknown): void {
  for (const t of treeTensors(tree)) if (!t.isDisposed) t.dispose();
}

/**
 * Disposes the tensors of `old` that `next` no longer holds: what an update of a state tree
 * (optimizer state, a step's state) leaves behind when parts pass through unchanged.
 *
 * @example
 * ```ts
 * const [updates, next] = tx.update(grads, state, params);
 * disposeStale(state, next);
 * state = next;
 * ```
 */
export function disposeStale(old: unknown, next: unknown): void {
  const kept = new Set(treeTensors(next));
  for (const t of treeTensors(old)) if (!kept.has(t) && !t.isDisposed) t.dispose();
}
