import { ShapeError, ValueError } from '@tessera/core';
import { type ActivationName, getActivation } from '../activations.js';
import { getInitializer, type InitializerLike } from '../initializers.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import type { Serialized } from '../serializable.js';
import type { Shape } from '../shape.js';

/** Serialized initializer (for `layerConfig`). */
export const initConfig = (x: InitializerLike, where: string): Serialized => getInitializer(x, where).getConfig();
/** Serialized regularizer or undefined. */
export const regConfig = (x: Regularizer | Serialized | undefined, where: string): Serialized | undefined =>
  getRegularizer(x, where)?.getConfig();

/** Checks a positive integer option, naming the layer and argument. */
export function positiveInt(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ValueError(where, 'a positive integer', value);
  return value;
}

/** Checks a rate in [0, 1). */
export function rate(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new ValueError(where, 'a number in [0, 1)', value);
  return value;
}

/** Normalizes an int-or-tuple option (kernel size, strides) to `n` positive integers. */
export function tuple(value: number | number[], n: number, where: string): number[] {
  const arr = typeof value === 'number' ? new Array(n).fill(value) : value;
  if (!Array.isArray(arr) || arr.length !== n) throw new ValueError(where, `an integer or ${n} integers`, value);
  arr.forEach((v) => {
    positiveInt(v, where);
  });
  return arr as number[];
}

/** Validates an activation name at construction time. */
export function activationOpt(name: ActivationName | undefined, where: string): ActivationName | undefined {
  getActivation(name, where);
  return name;
}

/** Throws a ShapeError unless the input has the given rank. */
export function requireRank(shape: Shape, rank: number, layer: string, lastDim?: number | null): void {
  if (shape.length !== rank) {
    const expected: Shape = new Array(rank).fill(null);
    if (lastDim !== undefined) expected[rank - 1] = lastDim;
    throw new ShapeError(`${layer} input`, expected, shape as number[], `expected rank ${rank}, received rank ${shape.length}`);
  }
}

/** Output length of a convolution/pooling window along one axis (Keras semantics). */
export function convLength(n: number | null, k: number, stride: number, padding: 'valid' | 'same', dilation = 1): number | null {
  if (n === null) return null;
  const eff = (k - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - eff) / stride) + 1;
}

/** Checks a padding option. */
export function paddingOpt(p: unknown, where: string): 'valid' | 'same' {
  if (p !== 'valid' && p !== 'same') throw new ValueError(where, '"valid" or "same"', p);
  return p;
}

/**
 * Refuses an input whose known spatial dimensions (between batch and channels) are smaller than
 * `need`, e.g. a "valid" window larger than the input, which would give an empty output.
 */
export function checkSpatialSize(shape: Shape, need: number[], layer: string, what: string): void {
  if (shape.slice(1, -1).some((d, i) => d != null && d < (need[i] ?? 1))) {
    throw new ValueError(`${layer} input shape`, `spatial dimensions of at least ${need.join(' x ')} (${what})`, shape);
  }
}
