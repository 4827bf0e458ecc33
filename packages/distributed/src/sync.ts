import type { Module, NamedTensors, NamedVariables } from '@tessera/core';
import { moduleWeights } from '@tessera/train';
import { flatten, unflatten } from './flat.js';
import type { ProcessGroup } from './process-group.js';

/**
 * Assigns `data` (the layout of `flatten`: `names` in order) to the variables `vars[name]`.
 *
 * @example
 * ```ts
 * const { data, names } = flatten(vars);
 * group.broadcast(data);
 * assignFlat(vars, data, names);
 * ```
 */
export function assignFlat(vars: NamedTensors, data: Float32Array, names: string[]): void {
  const values = unflatten(data, names, vars);
  for (const n of names) {
    const v = (vars as NamedVariables)[n];
    const t = values[n];
    if (v && t) {
      v.assign(t);
      t.dispose();
    }
  }
}

/**
 * Makes every rank's module variables (parameters and state) equal to rank `root`'s.
 *
 * @example
 * ```ts
 * broadcastModules({ model }, group); // after building or restoring
 * ```
 */
export function broadcastModules(modules: Record<string, Module>, group: ProcessGroup, root = 0): void {
  if (group.worldSize === 1) return;
  const vars = moduleWeights(modules);
  const { data, names } = flatten(vars);
  group.broadcast(data, root);
  assignFlat(vars, data, names);
}

/**
 * Averages the modules' non-trainable state (e.g. batch-norm moving statistics) over the ranks.
 *
 * @example
 * ```ts
 * syncModuleState({ model }, group); // after each step
 * ```
 */
export function syncModuleState(modules: Record<string, Module>, group: ProcessGroup): void {
  const vars: NamedTensors = {};
  for (const [role, m] of Object.entries(modules)) for (const [n, v] of Object.entries(m.state())) vars[`${role}/${n}`] = v;
  if (Object.keys(vars).length === 0) return;
  const { data, names } = flatten(vars, { scale: 1 / group.worldSize });
  group.allReduce(data);
  assignFlat(vars, data, names);
}
