import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { ChainState } from './state-types.js';

type Entry = [string, GradientTransform];

const isStateObject = (s: StateTree): s is ChainState => typeof s === 'object' && s !== null && !Array.isArray(s) && !('dataId' in s);

/** Brings a child's state to its current layout (unchanged when the child has no migration). */
const migrateChild = (t: GradientTransform, s: StateTree): StateTree => (t.migrateState ? t.migrateState(s) : s);

/**
 * The shared body of {@link chain} and {@link namedChain}: children applied in order, each
 * child's state under its key, the learning-rate protocol delegated to the children.
 * `fromArray` converts the positional layout of old checkpoints (chain only).
 */
function keyedChain(name: string, entries: Entry[], fromArray: boolean): GradientTransform<ChainState> {
  const keys = entries.map(([k]) => k);
  const migrate = (state: StateTree): ChainState => {
    if (fromArray && Array.isArray(state)) {
      if (state.length !== entries.length) {
        throw new ValueError(`${name} state`, `${entries.length} child states (old positional layout)`, state.length);
      }
      const out: ChainState = {};
      entries.forEach(([k, t], i) => {
        out[k] = migrateChild(t, state[i] as StateTree);
      });
      return out;
    }
    if (!isStateObject(state)) throw new ValueError(`${name} state`, `an object keyed ${keys.join(', ')}`, state);
    let out: ChainState | null = null;
    for (const [k, t] of entries) {
      if (!(k in state)) throw new ValueError(`${name} state`, `an entry "${k}" (keys: ${keys.join(', ')})`, Object.keys(state));
      const s = state[k] as StateTree;
      const m = migrateChild(t, s);
      if (m !== s) {
        out ??= { ...state };
        out[k] = m;
      }
    }
    return out ?? state;
  };
  return {
    name,
    init(params) {
      const out: ChainState = {};
      for (const [k, t] of entries) out[k] = t.init(params);
      return out;
    },
    update(grads, state, params) {
      const states = migrate(state);
      let updates: NamedTensors = grads;
      const next: ChainState = {};
      for (const [k, t] of entries) {
        const [u, s] = t.update(updates, states[k] as StateTree, params);
        updates = u;
        next[k] = s;
      }
      return [updates, next];
    },
    learningRate(state) {
      const states = migrate(state);
      for (const [k, t] of entries) {
        const lr = t.learningRate?.(states[k] as StateTree);
        if (lr !== undefined) return lr;
      }
      return undefined;
    },
    scaleLearningRate(state, factor) {
      const states = migrate(state);
      const out: ChainState = { ...states };
      for (const [k, t] of entries) if (t.scaleLearningRate) out[k] = t.scaleLearningRate(states[k] as StateTree, factor);
      return out;
    },
    migrateState: migrate,
  };
}

/**
 * Applies transforms in sequence. The state is an object with each transform's state under
 * `'<position>:<name>'` (e.g. `{ '0:clipByGlobalNorm': {}, '1:scaleByAdam': { count, mu, nu } }`;
 * a transform without a `name` is keyed `'<position>:transform'`). The positional array state of
 * earlier versions (old checkpoints) is accepted by `update` and converted by `migrateState`.
 * The learning-rate protocol is delegated to the children (the first child with a rate answers).
 *
 * @example
 * ```ts
 * const tx = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
 * const state = tx.init(params); // { '0:clipByGlobalNorm': {}, '1:scaleByAdam': {...}, '2:scaleByLearningRate': {...} }
 * ```
 */
export function chain(...transforms: GradientTransform[]): GradientTransform<ChainState> {
  return keyedChain(
    'chain',
    transforms.map((t, i): Entry => [`${i}:${t.name ?? 'transform'}`, t]),
    true,
  );
}

/**
 * Like {@link chain}, with the state keyed by the names given (inspectable: `state.adam.mu`).
 *
 * @example
 * ```ts
 * const tx = namedChain([['clip', clipByGlobalNorm(1)], ['adam', scaleByAdam()], ['lr', scaleByLearningRate(1e-3)]]);
 * ```
 */
export function namedChain(entries: Array<[string, GradientTransform]>): GradientTransform<ChainState> {
  const names = new Set<string>();
  for (const [name] of entries) {
    if (names.has(name)) throw new ValueError('namedChain names', 'unique names', name);
    names.add(name);
  }
  return keyedChain('namedChain', entries, false);
}

/**
 * Gives a transform a name (the key under which a {@link chain} keeps its state), keeping every
 * other member.
 *
 * @example
 * ```ts
 * const tx = named('warmupAdam', chain(scaleByAdam(), scaleByLearningRate(linearSchedule(0, 1e-3, 100))));
 * chain(clipByGlobalNorm(1), tx).init(params); // { '0:clipByGlobalNorm': {}, '1:warmupAdam': {...} }
 * ```
 */
export function named<S extends StateTree>(name: string, transform: GradientTransform<S>): GradientTransform<S> {
  return { ...transform, name };
}
