import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { OutputMetadata, TfBackend } from './binding.js';

/**
 * Native handles a kernel makes on the binding for one call; it frees those left when it ends
 * (an output handed to tfjs with {@link handOut} is taken out first).
 */
export type NativeTemps = number[];

/**
 * Runs one float32 TensorFlow op with one output straight on the native binding (attribute `T`
 * plus `extra`); the output handle is pushed to `temps`.
 */
export function floatOp(
  tb: TfBackend,
  name: string,
  ids: number[],
  temps: NativeTemps,
  extra: { name: string; type: number; value: unknown }[] = [],
): number {
  const bind = tb.binding;
  const attrs = [{ name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT }, ...extra];
  const id = (bind.executeOp(name, attrs, ids, 1)[0] as OutputMetadata).id;
  temps.push(id);
  return id;
}

/** Hands native float32 handle `id` to tfjs as a kernel output, taking it out of `temps` (so it is not freed). */
export function handOut(tb: TfBackend, id: number, shape: number[], temps: NativeTemps): TensorInfo {
  temps.splice(temps.indexOf(id), 1);
  return tb.createOutputTensor({ id, shape, dtype: tb.binding.TF_FLOAT });
}

/** A native int32 vector of `values` (a shape or size argument); the handle is pushed to `temps`. */
export function intVector(tb: TfBackend, values: readonly number[], temps: NativeTemps): number {
  const id = tb.binding.createTensor([values.length], tb.binding.TF_INT32, Int32Array.from(values));
  temps.push(id);
  return id;
}
