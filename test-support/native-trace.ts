import type { Tensor } from '@tensorflow/tfjs-core';
import { registerTensorflowKernels, unregisterTesseraKernels } from '@tessera/kernels';
import { expect } from 'vitest';
import { relativeDiff } from './relative-diff.js';

// Helpers for tests on the native `tensorflow` backend (tfjs-node): which TensorFlow ops a piece of
// code ran, and what tfjs-node's own kernels give for it.

type Tf = typeof import('@tensorflow/tfjs-core');
type Binding = { executeOp: (name: string, ...rest: unknown[]) => unknown };

/** A copy of a native binding (its properties are read-only), methods bound to the original, for a test to wrap. */
function bindingCopy(original: object): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(original)) {
    const value = Reflect.get(original, key);
    copy[key] = typeof value === 'function' ? value.bind(original) : value;
  }
  return copy;
}

/** Runs `f` in a scope and returns its outputs' values (the outputs are freed). */
export function valuesOf(tf: Tf, f: () => Tensor[]): Float32Array[] {
  const out = tf.tidy(f);
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return values;
}

/** Runs `f` and returns its values and the native op names it ran (the backend's binding is wrapped meanwhile). */
export function traced(tf: Tf, f: () => Tensor[]): { values: Float32Array[]; ops: string[] } {
  const backend = tf.backend() as unknown as { binding: Binding };
  const original = backend.binding;
  const ops: string[] = [];
  const copy = bindingCopy(original);
  copy.executeOp = (name: string, ...rest: unknown[]) => {
    ops.push(name);
    return original.executeOp(name, ...rest);
  };
  backend.binding = copy as Binding;
  try {
    return { values: valuesOf(tf, f), ops };
  } finally {
    backend.binding = original;
  }
}

/** Runs `f` on tfjs-node's own kernels (Tessera's native kernels taken out, then put back). */
export function stock(tf: Tf, f: () => Tensor[]): Float32Array[] {
  unregisterTesseraKernels();
  try {
    return traced(tf, f).values;
  } finally {
    registerTensorflowKernels();
  }
}

/** Expects `got` and `want` to hold as many arrays, each within relative difference `rel` of the other. */
export function expectClose(got: Float32Array[], want: Float32Array[], rel: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(relativeDiff(g, want[i] as Float32Array)).toBeLessThanOrEqual(rel);
  });
}

/** A copy of the backend's binding that refuses list attributes, as tfjs-node's own build does. */
export function withoutListAttributes<T>(tf: Tf, f: () => T): { result: T; refused: number } {
  const backend = tf.backend() as unknown as { binding: Record<string, unknown> };
  const original = backend.binding;
  const copy = bindingCopy(original);
  let refused = 0;
  const execute = copy.executeOp as (name: string, attrs: { type: number; value: unknown }[], ...rest: unknown[]) => unknown;
  copy.executeOp = (name: string, attrs: { type: number; value: unknown }[], ...rest: unknown[]) => {
    const list = attrs.find((a) => Array.isArray(a.value) && (a.type === original.TF_ATTR_STRING || a.type === original.TF_ATTR_TYPE));
    if (list) {
      refused++;
      throw new Error(`Invalid napi_status: A ${list.type === original.TF_ATTR_STRING ? 'string' : 'number'} was expected`);
    }
    return execute(name, attrs, ...rest);
  };
  backend.binding = copy;
  try {
    return { result: f(), refused };
  } finally {
    backend.binding = original;
  }
}
