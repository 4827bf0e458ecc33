import { type RngKey, rngKey } from '@tessera/core';
// the package's own entry (not relative files): the published `@tessera/layers/testing` shares the
// layer classes and the registerLayer registry of `@tessera/layers` instead of bundling copies
import { deserializeModule, type Layer, serializeModule } from '@tessera/layers';
import type { Tensor, Variable } from '@tessera/tensor';
import { addN, dispose, mul, scope, sum, tensor, tensorCount, tidy, variable, variableGrads } from '@tessera/tensor';
import { isShapeList, type Shape } from '../shape.js';

type AnyLayer = Layer<Tensor | Tensor[]>;

/**
 * One layer under test: how to make it (fresh, unbuilt) and the input shape to run it on.
 *
 * @example
 * ```ts
 * const c: LayerCase = { name: 'scale', make: () => new Scale(), inputShape: [2, 3] };
 * checkLayer(c);
 * ```
 */
export interface LayerCase {
  /** Label for test titles. */
  name: string;
  /** Creates a fresh, unbuilt layer. */
  make: () => AnyLayer;
  /** Concrete input shape(s) with the batch dimension. */
  inputShape: number[] | number[][];
  /** Integer ids in [0, intInput) instead of floats (Embedding). */
  intInput?: number;
  /** Gradient check tolerance (relative, default 1e-2). */
  tol?: number;
}

/**
 * Options of the gradient check.
 *
 * @example
 * ```ts
 * checkGradients(c, { samples: 8, eps: 1e-3 });
 * ```
 */
export interface LayerCheckOptions {
  /** Entries sampled per variable for finite differences (default 4). */
  samples?: number;
  /** Finite-difference step (default 1e-2). */
  eps?: number;
}

const KEY = rngKey(1234);
let varCounter = 0;

function makeInputs(c: LayerCase, key: RngKey): Tensor[] {
  const shapes = isShapeList(c.inputShape) ? (c.inputShape as number[][]) : [c.inputShape as number[]];
  return shapes.map((s, i) => {
    const n = s.reduce((a, b) => a * b, 1);
    const u = key.fold(i).uniform(n);
    if (c.intInput)
      return tensor(
        Array.from(u, (v) => Math.floor(v * (c.intInput as number))),
        s,
        'int32',
      );
    return tensor(
      Array.from(u, (v) => v * 2 - 1),
      s,
      'float32',
    );
  });
}

const arg = (c: LayerCase, xs: Tensor[]) => (isShapeList(c.inputShape) ? xs : (xs[0] as Tensor));
const outputs = (y: Tensor | Tensor[]) => (Array.isArray(y) ? y : [y]);

/**
 * Checks that the output shape equals `computeOutputShape` (batch included).
 *
 * @example
 * ```ts
 * checkOutputShape({ name: 'dense', make: () => dense(3), inputShape: [2, 4] });
 * ```
 */
export function checkOutputShape(c: LayerCase): void {
  const layer = c.make();
  const xs = makeInputs(c, KEY);
  const y = layer.call(arg(c, xs));
  const got = outputs(y).map((t) => t.shape);
  const want = layer.computeOutputShape(isShapeList(c.inputShape) ? (c.inputShape as Shape[]) : (c.inputShape as Shape));
  const wantList = isShapeList(want) ? want : [want];
  dispose([...xs, ...outputs(y)]);
  layer.dispose();
  if (JSON.stringify(got) !== JSON.stringify(wantList)) {
    throw new Error(`${c.name}: output shape ${JSON.stringify(got)} differs from computeOutputShape ${JSON.stringify(wantList)}`);
  }
}

/** The scalar `sum(y * r)` for fixed random weights `r` (so every output entry matters). */
function objective(layer: AnyLayer, x: Tensor | Tensor[], weights: Tensor[]): Tensor {
  const ys = outputs(layer.call(x, { training: true, rng: KEY }));
  return addN(ys.map((y, i) => sum(mul(y, weights[i] as Tensor))));
}

/**
 * Compares analytic gradients (inputs and parameters) with central finite differences on
 * sampled entries; returns the largest relative error seen.
 *
 * @example
 * ```ts
 * expect(checkGradients({ name: 'dense', make: () => dense(3), inputShape: [2, 4] })).toBeLessThan(1e-2);
 * ```
 */
export function checkGradients(c: LayerCase, opts: LayerCheckOptions = {}): number {
  const eps = opts.eps ?? 1e-2;
  const samples = opts.samples ?? 4;
  const tol = c.tol ?? 1e-2;
  const layer = c.make();
  const raw = makeInputs(c, KEY);
  layer.build(isShapeList(c.inputShape) ? (c.inputShape as Shape[]) : (c.inputShape as Shape));
  const inputs = c.intInput ? raw : raw.map((t) => variable(t, true, `conformance_input_${varCounter++}`));
  const x = arg(c, inputs);
  const y0 = outputs(layer.call(x, { training: true, rng: KEY }));
  const weights = y0.map((y, i) =>
    tensor(
      Array.from(KEY.fold(100 + i).uniform(y.size), (v) => v - 0.5),
      y.shape,
    ),
  );
  dispose(y0);
  const vars: Variable[] = [...Object.values(layer.parameters()), ...(c.intInput ? [] : (inputs as Variable[]))];
  const { value, grads } = variableGrads(() => objective(layer, x, weights) as never, vars);
  value.dispose();
  const f = () => tidy(() => objective(layer, x, weights)).dataSync()[0] as number;
  let worst = 0;
  const failures: string[] = [];
  for (const v of vars) {
    const g = grads[v.name] as Tensor;
    const gv = g.dataSync();
    const base = v.dataSync().slice() as Float32Array;
    const picks = KEY.fold(v.size)
      .uniform(samples)
      .map((u) => Math.floor(u * v.size));
    for (const idx of new Set(picks)) {
      const set = (delta: number) => {
        const copy = base.slice();
        copy[idx] = (base[idx] as number) + delta;
        const t = tensor(copy, v.shape);
        v.assign(t);
        t.dispose();
      };
      set(eps);
      const fp = f();
      set(-eps);
      const fm = f();
      set(0);
      const numeric = (fp - fm) / (2 * eps);
      const analytic = gv[idx] as number;
      const err = Math.abs(numeric - analytic) / Math.max(1, Math.abs(numeric), Math.abs(analytic));
      worst = Math.max(worst, err);
      if (err > tol) failures.push(`${v.name}[${idx}]: analytic ${analytic.toFixed(5)}, numeric ${numeric.toFixed(5)}`);
    }
  }
  dispose(Object.values(grads));
  dispose([...weights, ...raw, ...(c.intInput ? [] : inputs)]);
  layer.dispose();
  if (failures.length) throw new Error(`${c.name} gradient mismatch (tolerance ${tol}):\n${failures.join('\n')}`);
  return worst;
}

/**
 * Serializes the layer, rebuilds it, copies the weights by name and checks the config and the
 * inference output are identical.
 *
 * @example
 * ```ts
 * checkRoundTrip({ name: 'dense', make: () => dense(3), inputShape: [2, 4] });
 * ```
 */
export function checkRoundTrip(c: LayerCase): void {
  const layer = c.make();
  const xs = makeInputs(c, KEY);
  const y = outputs(layer.call(arg(c, xs)));
  const json = serializeModule(layer);
  const copy = deserializeModule(json);
  if (serializeModule(copy) !== json) throw new Error(`${c.name}: config changed in the round trip:\n${json}\n${serializeModule(copy)}`);
  const y2a = outputs(copy.call(arg(c, xs)));
  dispose(y2a);
  const src = layer.variables();
  const dst = copy.variables();
  if (JSON.stringify(Object.keys(src).sort()) !== JSON.stringify(Object.keys(dst).sort())) {
    throw new Error(`${c.name}: variable names differ after the round trip: ${Object.keys(src)} vs ${Object.keys(dst)}`);
  }
  for (const [k, v] of Object.entries(dst)) v.assign(src[k] as Tensor);
  const y2 = outputs(copy.call(arg(c, xs)));
  const diff = y.map((t, i) => maxAbsDiff(t, y2[i] as Tensor));
  dispose([...xs, ...y, ...y2]);
  layer.dispose();
  copy.dispose();
  if (diff.some((d) => d > 1e-6)) throw new Error(`${c.name}: output after round trip differs by ${Math.max(...diff)}`);
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  if (a.shape.join() !== b.shape.join()) return Number.POSITIVE_INFINITY;
  return maxAbsDiffArrays(a.dataSync(), b.dataSync());
}

/**
 * Runs call + gradient several times inside a scope and returns the live-tensor counts after
 * each run (they must all equal the count before).
 *
 * @example
 * ```ts
 * const { before, after } = checkNoLeak(c); expect(after).toEqual([before, before, before]);
 * ```
 */
export function checkNoLeak(c: LayerCase, runs = 3): { before: number; after: number[] } {
  const layer = c.make();
  const xs = makeInputs(c, KEY);
  layer.build(isShapeList(c.inputShape) ? (c.inputShape as Shape[]) : (c.inputShape as Shape));
  const vars = Object.values(layer.parameters());
  const before = tensorCount();
  const after: number[] = [];
  for (let i = 0; i < runs; i++) {
    scope(() => {
      layer.call(arg(c, xs), { training: false });
      layer.statelessCall({}, {}, arg(c, xs), { training: true, rng: KEY });
      if (vars.length) variableGrads(() => sum(outputs(layer.call(arg(c, xs), { training: true, rng: KEY }))[0] as Tensor) as never, vars);
    });
    after.push(tensorCount());
  }
  dispose(xs);
  layer.dispose();
  return { before, after };
}

/** Fresh tensors holding the variables' current values, by name (the caller disposes them). */
function copyValues(vars: Record<string, Variable>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, tensor(v.dataSync().slice(), v.shape, v.dtype)]));
}

/**
 * Checks that `apply` with the layer's own variables (as plain tensors) gives the output of `call`,
 * in inference and in training mode (same random key).
 *
 * @example
 * ```ts
 * checkApply({ name: 'dense', make: () => dense(3), inputShape: [2, 4] });
 * ```
 */
export function checkApply(c: LayerCase): void {
  const layer = c.make();
  const xs = makeInputs(c, KEY);
  layer.build(isShapeList(c.inputShape) ? (c.inputShape as Shape[]) : (c.inputShape as Shape));
  const problems: string[] = [];
  for (const training of [false, true]) {
    const opts = { training, rng: KEY };
    const params = copyValues(layer.variables());
    const before = snapshot(layer);
    const viaApply = outputs(layer.apply(params, arg(c, xs), opts));
    // apply in training mode assigns state like call does: restore it before the reference call
    restore(layer, before);
    const viaCall = outputs(layer.call(arg(c, xs), opts));
    const diff = Math.max(...viaCall.map((t, i) => maxAbsDiff(t, viaApply[i] as Tensor)));
    if (!(diff <= 1e-5)) problems.push(`training ${training}: apply differs from call by ${diff}`);
    dispose([...viaApply, ...viaCall, ...Object.values(params)]);
  }
  dispose(xs);
  layer.dispose();
  if (problems.length) throw new Error(`${c.name}: ${problems.join('; ')}`);
}

/**
 * Checks `statelessCall`: with the layer's own values it gives `call`'s output, writes no variable,
 * and returns (for every key of `state()`) the values `call` assigns, in inference and training mode.
 *
 * @example
 * ```ts
 * checkStatelessCall({ name: 'bn', make: () => batchNormalization(), inputShape: [4, 3] });
 * ```
 */
export function checkStatelessCall(c: LayerCase): void {
  const layer = c.make();
  const xs = makeInputs(c, KEY);
  layer.build(isShapeList(c.inputShape) ? (c.inputShape as Shape[]) : (c.inputShape as Shape));
  const problems: string[] = [];
  for (const training of [false, true]) {
    const opts = { training, rng: KEY };
    const before = snapshot(layer);
    const params = copyValues(layer.parameters());
    const state = copyValues(layer.state());
    const { output, state: next } = layer.statelessCall(params, state, arg(c, xs), opts);
    const changed = Object.keys(before).filter(
      (k) => maxAbsDiffArrays(before[k] as ArrayLike<number>, layer.variables()[k]?.dataSync() ?? []) > 0,
    );
    if (changed.length) problems.push(`training ${training}: statelessCall wrote the variables ${changed.join(', ')}`);
    const stateKeys = Object.keys(layer.state()).sort();
    if (JSON.stringify(Object.keys(next).sort()) !== JSON.stringify(stateKeys)) {
      problems.push(`training ${training}: returned state keys ${Object.keys(next)} differ from state() keys ${stateKeys}`);
    }
    const viaCall = outputs(layer.call(arg(c, xs), opts));
    const viaStateless = outputs(output);
    const diff = Math.max(...viaCall.map((t, i) => maxAbsDiff(t, viaStateless[i] as Tensor)));
    if (!(diff <= 1e-5)) problems.push(`training ${training}: statelessCall output differs from call by ${diff}`);
    for (const [k, v] of Object.entries(layer.state())) {
      const d = next[k] ? maxAbsDiff(v, next[k] as Tensor) : Number.POSITIVE_INFINITY;
      if (!(d <= 1e-5)) problems.push(`training ${training}: returned state ${k} differs from what call assigns by ${d}`);
    }
    restore(layer, before);
    dispose([...viaCall, ...viaStateless, ...Object.values(next), ...Object.values(params), ...Object.values(state)]);
  }
  dispose(xs);
  layer.dispose();
  if (problems.length) throw new Error(`${c.name}: ${problems.join('; ')}`);
}

/**
 * Every check on one layer: output shape vs `computeOutputShape`, gradients vs finite differences,
 * config round trip through `serializeModule`/`deserializeModule` (register a custom layer with
 * `registerLayer` first), `apply`, `statelessCall`, and no tensor leak. Throws an Error naming the
 * case and what failed; returns the worst relative gradient error.
 *
 * @example
 * ```ts
 * registerLayer(Scale);
 * checkLayer({ name: 'Scale', make: () => new Scale(), inputShape: [2, 3] });
 * ```
 */
export function checkLayer(c: LayerCase, opts: LayerCheckOptions & { gradients?: boolean } = {}): number {
  checkOutputShape(c);
  const worst = opts.gradients === false ? 0 : checkGradients(c, opts);
  checkRoundTrip(c);
  checkApply(c);
  checkStatelessCall(c);
  const { before, after } = checkNoLeak(c);
  if (after.some((n) => n !== before)) throw new Error(`${c.name}: tensor count grew across call + grad: ${before} -> ${after.join(', ')}`);
  return worst;
}

function snapshot(layer: AnyLayer): Record<string, Float32Array | Int32Array | Uint8Array> {
  return Object.fromEntries(Object.entries(layer.variables()).map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
}

function restore(layer: AnyLayer, values: Record<string, ArrayLike<number>>): void {
  for (const [k, v] of Object.entries(layer.variables())) {
    const t = tensor(Array.from(values[k] as ArrayLike<number>), v.shape, v.dtype);
    v.assign(t);
    t.dispose();
  }
}

function maxAbsDiffArrays(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
