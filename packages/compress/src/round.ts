/**
 * Rounds half to even (NumPy's `np.round`, TensorFlow's `tf.math.round`), the rounding used by
 * TF-MOT's mask sizes and tfjs' weight quantizer.
 *
 * @example
 * ```ts
 * roundHalfEven(2.5); // 2
 * roundHalfEven(3.5); // 4
 * roundHalfEven(-1.5); // -2
 * ```
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up; pull exact halves whose rounding went to an odd number back down
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
