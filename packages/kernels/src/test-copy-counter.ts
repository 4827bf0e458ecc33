// Test-only (not exported by the package): counts the bytes a function copies between typed arrays.
import * as tf from '@tensorflow/tfjs-core';

const typedArrayProto = Object.getPrototypeOf(Float32Array.prototype) as {
  set(source: ArrayLike<number>, offset?: number): void;
  slice(start?: number, end?: number): ArrayBufferView;
};

/**
 * Runs `f` and returns the bytes it copied: every typed-array `set` (source bytes) and `slice`
 * (result bytes), which is how tfjs backends copy values (the wasm backend's `readSync` is a
 * `slice` of its heap, uploads are a `set` into it), plus what the backend's `readSync` returns
 * when that is a copy (wasm; the cpu backend hands out its stored array and copies nothing).
 */
export function bytesCopied(f: () => void): number {
  const { set, slice } = typedArrayProto;
  const backend = tf.engine().backend as unknown as { readSync(dataId: object, start?: number, end?: number): unknown };
  const readSync = backend.readSync;
  let bytes = 0;
  let inReadSync = 0;
  typedArrayProto.set = function (this: ArrayBufferView, source: ArrayLike<number>, offset?: number) {
    bytes += (source.length ?? 0) * ((this as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT ?? 1);
    return set.call(this, source, offset);
  };
  typedArrayProto.slice = function (this: ArrayBufferView, start?: number, end?: number) {
    const out = slice.call(this, start, end);
    if (inReadSync === 0) bytes += out.byteLength;
    return out;
  };
  // wasm's readSync copies with HEAPU8.slice (counted there); the cpu one copies nothing
  backend.readSync = function (this: unknown, ...args: [object, number?, number?]) {
    inReadSync++;
    try {
      const out = readSync.apply(this, args) as ArrayBufferView | unknown[];
      if (tf.getBackend() === 'wasm' && ArrayBuffer.isView(out)) bytes += out.byteLength;
      return out;
    } finally {
      inReadSync--;
    }
  };
  try {
    f();
  } finally {
    typedArrayProto.set = set;
    typedArrayProto.slice = slice;
    backend.readSync = readSync;
  }
  return bytes;
}
