import type { Module, NamedTensors, NamedVariables, TensorTree } from '@tessera/core';
import { ShapeError, TesseraError, ValueError } from '@tessera/core';
import { tidy } from '@tessera/tensor';

function isUnbuilt(m: Module): boolean {
  return m.built === false || (m.built === undefined && Object.keys(m.parameters()).length === 0);
}

/**
 * Builds a lazily built module with one inference-mode forward pass on `x` (in a memory scope);
 * does nothing when it is built.
 *
 * @example
 * ```ts
 * ensureBuilt(model, firstBatch.x);
 * const state = optimizer.init(model.parameters());
 * ```
 */
export function ensureBuilt(model: Module, x: TensorTree): void {
  if (isUnbuilt(model)) tidy(() => void model.call(x, { training: false }));
}

/**
 * The trainable parameters of a module, by path (what a step differentiates and updates): those
 * of `parameters()` whose `trainable` is true. Throws, naming the module as `label "<name>"`, when
 * there are none.
 *
 * @example
 * ```ts
 * const params = trainableParameters(discriminator, 'gan discriminator');
 * const { value, grads } = valueAndGrad(loss)(params);
 * ```
 */
export function trainableParameters(m: Module, label: string): NamedTensors {
  const out: NamedTensors = {};
  for (const [name, v] of Object.entries(m.parameters())) if (v.trainable) out[name] = v;
  if (Object.keys(out).length === 0) throw new TesseraError('VALUE', `${label} "${m.name}" has no trainable parameters`);
  return out;
}

function allVariables(modules: Record<string, Module>): NamedVariables {
  const roles = Object.keys(modules);
  const out: NamedVariables = {};
  for (const role of roles) {
    const m = modules[role] as Module;
    const prefix = roles.length === 1 ? '' : `${role}/`;
    for (const [name, v] of Object.entries({ ...m.state(), ...m.parameters() })) out[prefix + name] = v;
  }
  return out;
}

/**
 * Every variable (parameters and state) of the modules a step trains, by path: a single module's
 * own paths, or `<role>/<path>` for several (e.g. `generator/dense/kernel`). This is the `weights`
 * of a step snapshot; the tensors are live variables.
 *
 * @example
 * ```ts
 * snapshot: (s) => ({ weights: moduleWeights({ generator: g, discriminator: d }), optimizerState: { g: s.g, d: s.d } }),
 * ```
 */
export function moduleWeights(modules: Record<string, Module>): NamedTensors {
  return allVariables(modules);
}

/**
 * Assigns snapshot weights (as made by {@link moduleWeights}) to the modules' variables. Every
 * variable must be present with its shape; errors name the path, the expected and the received
 * value. The modules must be built.
 *
 * @example
 * ```ts
 * restoreModuleWeights({ generator: g, discriminator: d }, snapshot.weights, 'gan restore');
 * ```
 */
export function restoreModuleWeights(modules: Record<string, Module>, weights: NamedTensors, where: string): void {
  const vars = allVariables(modules);
  const missing = Object.keys(vars).filter((k) => !(k in weights));
  if (missing.length) throw new ValueError(`${where} weights`, `tensors for ${missing.join(', ')}`, Object.keys(weights));
  for (const [name, v] of Object.entries(vars)) {
    const t = weights[name];
    if (!t) continue;
    if (t.shape.join() !== v.shape.join()) {
      throw new ShapeError(`${where} "${name}"`, v.shape, t.shape);
    }
    v.assign(t);
  }
}
