import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { clone, engine, keep, scalar, valueAndGrad as tfValueAndGrad, zerosLike } from '@tensorflow/tfjs-core';
import { isTensor, ValueError } from '@tessera/core';

/**
 * Options of {@link valueAndGrad}.
 *
 * @example
 * ```ts
 * const options: ValueAndGradOptions = { hasAux: true };
 * ```
 */
export interface ValueAndGradOptions {
  /** `f` returns `[loss, aux]`: aux (any tree of tensors and plain values) is passed through. */
  hasAux?: boolean;
}

/**
 * The value of `f` and its gradient with respect to each parameter, keyed like the parameters.
 *
 * @example
 * ```ts
 * const { value, grads }: ValueAndGrad<{ w: Tensor }> = valueAndGrad(loss)({ w });
 * ```
 */
export interface ValueAndGrad<P extends Record<string, Tensor>> {
  /** `f(params)`, a scalar. */
  value: Scalar;
  /** d value / d params[path] for every path of `params` (zeros for a parameter `f` does not use). */
  grads: { [K in keyof P]: Tensor };
}

/**
 * {@link ValueAndGrad} with the auxiliary output of `f` (`hasAux: true`).
 *
 * @example
 * ```ts
 * const { value, grads, aux }: ValueAndGradWithAux<{ w: Tensor }, Tensor> = valueAndGrad(lossAndPred, { hasAux: true })({ w });
 * ```
 */
export interface ValueAndGradWithAux<P extends Record<string, Tensor>, A> extends ValueAndGrad<P> {
  /** The second element `f` returned; its tensors are tracked like `value`. */
  aux: A;
}

/** Maps every tensor of a tree of arrays and plain objects; other leaves are kept as they are. */
function mapTensors(tree: unknown, fn: (t: Tensor) => Tensor): unknown {
  if (isTensor(tree)) return fn(tree);
  if (Array.isArray(tree)) return tree.map((x) => mapTensors(x, fn));
  if (tree !== null && typeof tree === 'object' && Object.getPrototypeOf(tree) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = mapTensors(v, fn);
    return out;
  }
  return tree;
}

function checkParams(params: unknown): Array<[string, Tensor]> {
  const expected = 'a non-empty record of tensors by parameter path';
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new ValueError('valueAndGrad params', expected, params);
  const entries = Object.entries(params);
  if (entries.length === 0) throw new ValueError('valueAndGrad params', expected, params);
  for (const [path, t] of entries) if (!isTensor(t)) throw new ValueError(`valueAndGrad params["${path}"]`, 'a Tensor', t);
  return entries as Array<[string, Tensor]>;
}

/**
 * Functional gradients over named parameters: `valueAndGrad(f)(params)` evaluates the scalar
 * `f(params)` and its gradient with respect to every entry of `params` (a record of tensors by
 * parameter path, e.g. `model.parameters()`; Variables and plain tensors alike), returning
 * `{ value, grads }` with `grads` keyed by the same paths.
 *
 * - With `{ hasAux: true }`, `f` returns `[loss, aux]` (aux: any tree of tensors, arrays, plain
 *   objects and values, e.g. predictions for metrics) and the result carries `aux`.
 * - Memory: intermediate tensors of the forward and backward passes are freed; `value`, `grads`
 *   and the tensors of `aux` are tracked by the enclosing scope like any op result (dispose them,
 *   or return them from the `scope`/`tidy`). Works inside an outer `tidy` and under an outer
 *   gradient tape (second-order gradients).
 * - A parameter `f` does not use gets a gradient of zeros of its shape (not an error).
 * - `f` must return a scalar (rank 0): anything else is a `ValueError` (thrown after the tape is
 *   cleaned up, so nothing leaks); so is an empty or non-tensor `params`.
 * - Called with a single tensor (`valueAndGrad(f)(x, dy?)`) it is tfjs-core's `valueAndGrad`
 *   (`{ value, grad }`), kept for code written against it.
 *
 * @example
 * ```ts
 * const params = { 'dense/kernel': w, 'dense/bias': b };
 * const loss = (p: typeof params) => mean(square(sub(add(matMul(x, p['dense/kernel']), p['dense/bias']), y))) as Scalar;
 * const { value, grads } = valueAndGrad(loss)(params);
 * grads['dense/kernel'].shape; // like w
 *
 * const withPred = (p: typeof params): [Scalar, Tensor] => {
 *   const pred = add(matMul(x, p['dense/kernel']), p['dense/bias']);
 *   return [mean(square(sub(pred, y))) as Scalar, pred];
 * };
 * const { aux: pred } = valueAndGrad(withPred, { hasAux: true })(params);
 * ```
 */
export function valueAndGrad<P extends Record<string, Tensor>>(
  f: (params: P) => Scalar,
  options?: { hasAux?: false },
): (params: P) => ValueAndGrad<P>;
export function valueAndGrad<P extends Record<string, Tensor>, A>(
  f: (params: P) => [Scalar, A],
  options: { hasAux: true },
): (params: P) => ValueAndGradWithAux<P, A>;
export function valueAndGrad<I extends Tensor, O extends Tensor>(f: (x: I) => O): (x: I, dy?: O) => { value: O; grad: I };
export function valueAndGrad(f: (arg: never) => unknown, options: ValueAndGradOptions = {}) {
  const hasAux = options.hasAux === true;
  return (params: unknown, dy?: Tensor) => {
    if (isTensor(params)) return tfValueAndGrad(f as unknown as (x: Tensor) => Tensor)(params, dy);
    const entries = checkParams(params);
    let problem: Error | null = null;
    let auxKept: unknown;
    const keptAux: Tensor[] = [];
    const placeholder = (err: Error): Scalar => {
      problem ??= err;
      return scalar(0);
    };
    const { value, grads } = engine().gradients(
      () => {
        const out = (f as (p: unknown) => unknown)(params);
        let y = out;
        if (hasAux) {
          if (!Array.isArray(out) || out.length !== 2) {
            return placeholder(new ValueError('valueAndGrad f (hasAux: true)', 'a [scalar, aux] pair', out));
          }
          y = out[0];
          // aux must outlive this inner scope: hold it by kept clones (no data copy) for now
          auxKept = mapTensors(out[1], (t) => {
            const k = keep(clone(t));
            keptAux.push(k);
            return k;
          });
        }
        if (!isTensor(y)) return placeholder(new ValueError('valueAndGrad f', 'a scalar tensor', y));
        if (y.rank !== 0) {
          return placeholder(new ValueError('valueAndGrad f', 'a scalar (rank-0) tensor, e.g. mean(loss)', y));
        }
        return y as Scalar;
      },
      entries.map(([, t]) => t),
      undefined,
      true,
    );
    if (problem) {
      value.dispose();
      for (const g of grads) g?.dispose();
      for (const k of keptAux) k.dispose();
      throw problem;
    }
    const named: Record<string, Tensor> = {};
    entries.forEach(([path, t], i) => {
      named[path] = grads[i] ?? zerosLike(t);
    });
    const result: { value: Scalar; grads: Record<string, Tensor>; aux?: unknown } = { value: value as Scalar, grads: named };
    if (hasAux) {
      // hand aux to the caller's scope: a tracked clone of each kept tensor, then drop the kept one
      result.aux = mapTensors(auxKept, (k) => {
        const t = clone(k);
        k.dispose();
        return t;
      });
    }
    return result;
  };
}
