// Test-only: how far one float output is from another, relative to the reference's size.
import { expect } from 'vitest';

/** Largest |a - b| relative to the largest |b| (lengths asserted equal). */
export function relativeDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i] as number));
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return diff / Math.max(scale, 1e-30);
}
