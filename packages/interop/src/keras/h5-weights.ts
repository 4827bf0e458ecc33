import { ValueError } from '@tessera/core';
import { Dataset, File, type Group } from 'jsfive';

/**
 * One array read from a Keras weights file: row-major float32 values and their shape.
 *
 * @example
 * ```ts
 * const w: KerasArray = { shape: [8, 16], data: new Float32Array(128) };
 * ```
 */
export interface KerasArray {
  shape: number[];
  data: Float32Array;
}

/**
 * The arrays of a Keras 3 `model.weights.h5`, by HDF5 path (`layers/dense/vars/0`). The HDF5 file
 * is parsed by jsfive (pure JavaScript, so it runs in browsers and Node alike).
 *
 * @example
 * ```ts
 * const w = new KerasWeights(h5Bytes);
 * w.vars('layers/dense'); // [kernel, bias]
 * ```
 */
export class KerasWeights {
  private readonly file: File;

  constructor(bytes: Uint8Array) {
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    try {
      this.file = new File(buf, 'model.weights.h5');
    } catch (e) {
      throw new ValueError('Keras model.weights.h5', 'an HDF5 file', `bytes that HDF5 cannot parse (${(e as Error).message})`);
    }
  }

  /** The group at `path`, or undefined when a part of the path is missing. */
  private group(path: string): Group | undefined {
    let g: Group = this.file;
    for (const part of path.split('/').filter(Boolean)) {
      if (!g.keys.includes(part)) return undefined;
      const next = g.get(part);
      if (next instanceof Dataset) return undefined;
      g = next;
    }
    return g;
  }

  /** The arrays `path/vars/0`, `path/vars/1`, ... in order (empty when the group has none). */
  vars(path: string): KerasArray[] {
    const g = this.group(`${path}/vars`);
    if (!g) return [];
    const out: KerasArray[] = [];
    for (let i = 0; g.keys.includes(String(i)); i++) {
      const d = g.get(String(i));
      if (!(d instanceof Dataset)) break;
      if (d.dtype !== '<f4' && d.dtype !== '<f8') {
        throw new ValueError(`Keras weight ${path}/vars/${i} dtype`, 'float32 or float64', d.dtype);
      }
      out.push({ shape: [...d.shape], data: Float32Array.from(d.value) });
    }
    return out;
  }
}
