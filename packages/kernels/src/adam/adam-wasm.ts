import { simdExports } from '../simd/module.js';
import { ADAM_WASM } from './adam-wasm-bytes.js';
import type { AdamUpdateAttrs } from './loop.js';
import { adamConstants, adamLoop } from './loop.js';

/** The compiled `adam` export: byte offsets of g, m, v, update, m', v', the count, then the constants. */
type AdamExport = (
  g: number,
  m: number,
  v: number,
  update: number,
  m1: number,
  v1: number,
  n: number,
  b1: number,
  a1: number,
  b2: number,
  a2: number,
  k1: number,
  k2: number,
  eps: number,
) => void;

/**
 * The SIMD Adam update bound to `memory` (plain or shared): `undefined` where it cannot run (no
 * WebAssembly SIMD).
 *
 * @example
 * ```ts
 * adamOnMemory(memory)?.(g, m, v, update, m1, v1, n, ...adamConstants(attrs)); // byte offsets in memory
 * ```
 */
export function adamOnMemory(memory: WebAssembly.Memory): AdamExport | undefined {
  return simdExports(ADAM_WASM, memory)?.adam as AdamExport | undefined;
}

/** Elements a pass through the scratch memory: six float32 arrays of it take 768 KiB. */
const CHUNK = 1 << 15;

/** A memory of this module's own, for arrays that live outside any WebAssembly memory. */
let scratch: WebAssembly.Memory | undefined;

function scratchAdam(): AdamExport | undefined {
  if (typeof WebAssembly === 'undefined') return undefined; // a JavaScript engine without it: the loop runs
  scratch ??= new WebAssembly.Memory({ initial: Math.ceil((6 * 4 * CHUNK) / 65536) });
  return adamOnMemory(scratch);
}

/**
 * Adam's update of float32 arrays: the SIMD module where it runs (through a scratch memory of its
 * own, {@link CHUNK} elements at a time), else `adamLoop`. The same values either way, bit for bit.
 *
 * @example
 * ```ts
 * const [update, m1, v1] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
 * adamOnArrays(g, m, v, update, m1, v1, { b1: 0.9, b2: 0.999, eps: 1e-7, count: 1 });
 * ```
 */
export function adamOnArrays(
  g: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  update: Float32Array,
  m1: Float32Array,
  v1: Float32Array,
  attrs: AdamUpdateAttrs,
): void {
  const fn = g instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array ? scratchAdam() : undefined;
  if (!fn || !scratch) {
    adamLoop(g, m, v, update, m1, v1, attrs);
    return;
  }
  const constants = adamConstants(attrs);
  const heap = new Float32Array(scratch.buffer);
  const f32 = [g, m, v] as Float32Array[];
  for (let start = 0; start < update.length; start += CHUNK) {
    const n = Math.min(CHUNK, update.length - start);
    for (let k = 0; k < 3; k++) heap.set((f32[k] as Float32Array).subarray(start, start + n), k * CHUNK);
    fn(0, 4 * CHUNK, 8 * CHUNK, 12 * CHUNK, 16 * CHUNK, 20 * CHUNK, n, ...constants);
    update.set(heap.subarray(3 * CHUNK, 3 * CHUNK + n), start);
    m1.set(heap.subarray(4 * CHUNK, 4 * CHUNK + n), start);
    v1.set(heap.subarray(5 * CHUNK, 5 * CHUNK + n), start);
  }
}
