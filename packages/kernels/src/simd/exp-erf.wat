;; exp and erf of n float32 values (n >= 4), four at a time: dst[i] = exp(src[i]) or erf(src[i]).
;; src, dst: byte offsets of distinct ranges. When n is not a multiple of four, the last four
;; values are computed once more (the same results written again).
;;
;; exp: Cephes' expf. x = k·ln 2 + r with |r| <= ln 2 / 2 (ln 2 in two parts), e^r by a degree-6
;; polynomial, 2^k as two powers of two (so that no exponent leaves the normal range); within 2 ulp
;; of the true value. x is first clamped to [-104, 89], where e^x is 0 and +inf in float32; NaN
;; stays NaN.
;; erf: Abramowitz and Stegun 7.1.26 (|error| <= 1.5e-7), as tfjs' kernels compute it:
;; sign(x)·(1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−x²)), t = 1 / (1 + p·|x|); ±0 at ±0.
;; In float32, within 4e-7 of that formula in float64 (the largest difference near 0, where the
;; product is close to 1).
;;
;; Built into exp-erf-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a test checks
;; that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func $exp4 (param $x v128) (result v128)
    (local $t v128) (local $k v128) (local $r v128) (local $y v128) (local $n v128) (local $n1 v128)
    ;; pmax/pmin keep a NaN x (the first operand) as it is
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -104 -104 -104 -104)) (v128.const f32x4 89 89 89 89)))
    ;; k = x·log2 e rounded to the nearest integer (ties to even), by adding and taking away 1.5·2^23;
    ;; the low bits of the sum are k as an integer
    (local.set $t
      (f32x4.add
        (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))
        (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $k (f32x4.sub (local.get $t) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $n (i32x4.sub (local.get $t) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $y (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; y·r² + r + 1
    (local.set $y
      (f32x4.add
        (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
        (v128.const f32x4 1 1 1 1)))
    ;; 2^k = 2^k1 · 2^k2 with k1 = k >> 1, k2 = k − k1 (a NaN x stays NaN whatever k is)
    (local.set $n1 (i32x4.shr_s (local.get $n) (i32.const 1)))
    (f32x4.mul
      (f32x4.mul (local.get $y)
        (i32x4.shl (i32x4.add (local.get $n1) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $n) (local.get $n1)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
  (func $erf4 (param $x v128) (result v128)
    (local $v v128) (local $t v128) (local $p v128) (local $y v128)
    (local.set $v (f32x4.abs (local.get $x)))
    (local.set $t
      (f32x4.div (v128.const f32x4 1 1 1 1)
        (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $v) (v128.const f32x4 0.3275911 0.3275911 0.3275911 0.3275911)))))
    (local.set $p (v128.const f32x4 1.061405429 1.061405429 1.061405429 1.061405429))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -1.453152027 -1.453152027 -1.453152027 -1.453152027)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 1.421413741 1.421413741 1.421413741 1.421413741)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 -0.284496736 -0.284496736 -0.284496736 -0.284496736)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0.254829592 0.254829592 0.254829592 0.254829592)))
    (local.set $p (f32x4.mul (local.get $p) (local.get $t)))
    (local.set $y
      (f32x4.sub (v128.const f32x4 1 1 1 1)
        (f32x4.mul (local.get $p) (call $exp4 (f32x4.neg (f32x4.mul (local.get $v) (local.get $v)))))))
    ;; the sign of x; x itself where x is ±0
    (v128.bitselect
      (local.get $x)
      (v128.or (local.get $y) (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
      (f32x4.eq (local.get $x) (v128.const f32x4 0 0 0 0))))
  (func (export "exp") (param $src i32) (param $dst i32) (param $n i32)
    (local $off i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $off))
          (call $exp4 (v128.load align=4 (i32.add (local.get $src) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $four)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then
        (local.set $off (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $off))
          (call $exp4 (v128.load align=4 (i32.add (local.get $src) (local.get $off))))))))
  (func (export "erf") (param $src i32) (param $dst i32) (param $n i32)
    (local $off i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $off))
          (call $erf4 (v128.load align=4 (i32.add (local.get $src) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $four)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then
        (local.set $off (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $off))
          (call $erf4 (v128.load align=4 (i32.add (local.get $src) (local.get $off)))))))))
