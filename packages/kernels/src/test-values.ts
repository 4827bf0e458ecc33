// Test-only: deterministic inputs shared by the kernel and gradient tests (not exported by the package).

/** `n` deterministic values in [-1 + shift, 1 + shift) from a tiny LCG, the same on every backend. */
export function data(n: number, seed: number, shift = 0): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) / 8388608 - 1 + shift;
  });
}

/** The number of elements of a shape. */
export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
