import type { Tensor } from '@tensorflow/tfjs-core';
import type { StateTree } from './contracts/gradient-transform.js';
import { ValueError } from './errors.js';
import { mapTensors, treeTensors } from './tensor-tree.js';

/**
 * A state tree split into its tensors (by path) and a JSON skeleton with the rest, as returned
 * by {@link flattenState}.
 *
 * @example
 * ```ts
 * const flat: FlatState = flattenState(optimizerState);
 * const json = JSON.stringify(flat.skeleton);
 * const restored = unflattenState(JSON.parse(json), flat.tensors);
 * ```
 */
export interface FlatState {
  /** The tensors of the tree, keyed by their slash-separated path. */
  tensors: Record<string, Tensor>;
  /** The tree with each tensor replaced by `{ $tensor: path }`. */
  skeleton: unknown;
}

/**
 * Flattens a state tree into named tensors plus a JSON-serializable skeleton, so optimizer
 * state can be written to safetensors + JSON and restored with {@link unflattenState}.
 *
 * @example
 * ```ts
 * const { tensors, skeleton } = flattenState({ count: 3, mu: { w: t } });
 * // tensors: { 'mu/w': t }, skeleton: { count: 3, mu: { w: { $tensor: 'mu/w' } } }
 * ```
 */
export function flattenState(tree: StateTree, prefix = ''): FlatState {
  const tensors: Record<string, Tensor> = {};
  const skeleton = mapTensors<unknown>(
    tree,
    (t, path) => {
      tensors[path] = t;
      return { $tensor: path };
    },
    prefix,
  );
  return { tensors, skeleton };
}

/**
 * Rebuilds a state tree from {@link flattenState}'s output.
 *
 * @example
 * ```ts
 * const tree = unflattenState(skeleton, tensors);
 * ```
 */
export function unflattenState(skeleton: unknown, tensors: Record<string, Tensor>): StateTree {
  const walk = (node: unknown): StateTree => {
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      const ref = (node as { $tensor?: unknown }).$tensor;
      if (typeof ref === 'string' && Object.keys(node).length === 1) {
        const t = tensors[ref];
        if (!t) throw new ValueError('unflattenState', `a tensor named "${ref}"`, Object.keys(tensors));
        return t;
      }
      const out: Record<string, StateTree> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v);
      return out;
    }
    if (node === null || typeof node === 'number' || typeof node === 'string') return node;
    throw new ValueError('unflattenState', 'numbers, strings, null, arrays or objects', node);
  };
  return walk(skeleton);
}

/**
 * Lists every tensor in a state tree (to dispose or keep them).
 *
 * @example
 * ```ts
 * for (const t of stateTensors(oldState)) t.dispose();
 * ```
 */
export function stateTensors(tree: StateTree): Tensor[] {
  return treeTensors(tree);
}
