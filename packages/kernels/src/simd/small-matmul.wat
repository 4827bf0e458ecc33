;; A batch of small float32 matrix products, C[e] = A[e] · B[e] for e < count, all row-major and
;; contiguous: A [count, m, k], B [count, k, n], C [count, m, n]. a, b, c: byte offsets.
;;
;; Each row of C, 16 columns at a time in four vector accumulators (then 4 at a time, then one),
;; summed over k in order: c[i, j] = (((a[i,0]·b[0,j] + a[i,1]·b[1,j]) + a[i,2]·b[2,j]) + ...).
;; For the products of attention heads, whose per-product set-up in XNNPACK (a packed operand and an
;; operator for each of a few dozen 64×64 products) costs more than the arithmetic.
;;
;; Built into small-matmul-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a test checks
;; that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func (export "smallMatMul") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $count i32)
    (local $e i32) (local $i i32) (local $j i32) (local $kk i32)
    (local $arow i32) (local $crow i32) (local $bp i32) (local $ap i32) (local $aend i32)
    (local $n16 i32) (local $n4 i32) (local $rowBytes i32)
    (local $av v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $s f32)
    (local.set $n16 (i32.and (local.get $n) (i32.const -16)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $entriesDone
      (loop $entry
        (br_if $entriesDone (i32.ge_u (local.get $e) (local.get $count)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $arow (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 2))))
            (local.set $aend (i32.add (local.get $arow) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $crow (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
            (local.set $j (i32.const 0))
            ;; 16 columns at a time
            (block $sixteensDone
              (loop $sixteen
                (br_if $sixteensDone (i32.ge_u (local.get $j) (local.get $n16)))
                (local.set $c0 (v128.const i32x4 0 0 0 0))
                (local.set $c1 (v128.const i32x4 0 0 0 0))
                (local.set $c2 (v128.const i32x4 0 0 0 0))
                (local.set $c3 (v128.const i32x4 0 0 0 0))
                (local.set $ap (local.get $arow))
                (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $ap) (local.get $aend)))
                    (local.set $av (v128.load32_splat (local.get $ap)))
                    (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $av) (v128.load align=4 (local.get $bp)))))
                    (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $av) (v128.load offset=16 align=4 (local.get $bp)))))
                    (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $av) (v128.load offset=32 align=4 (local.get $bp)))))
                    (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $av) (v128.load offset=48 align=4 (local.get $bp)))))
                    (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                    (local.set $bp (i32.add (local.get $bp) (local.get $rowBytes)))
                    (br $kLoop)))
                (v128.store align=4 (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $c0))
                (v128.store offset=16 align=4 (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $c1))
                (v128.store offset=32 align=4 (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $c2))
                (v128.store offset=48 align=4 (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $c3))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $sixteen)))
            ;; 4 columns at a time
            (block $foursDone
              (loop $four
                (br_if $foursDone (i32.ge_u (local.get $j) (local.get $n4)))
                (local.set $c0 (v128.const i32x4 0 0 0 0))
                (local.set $ap (local.get $arow))
                (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
                (block $kDone4
                  (loop $kLoop4
                    (br_if $kDone4 (i32.ge_u (local.get $ap) (local.get $aend)))
                    (local.set $c0
                      (f32x4.add (local.get $c0) (f32x4.mul (v128.load32_splat (local.get $ap)) (v128.load align=4 (local.get $bp)))))
                    (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                    (local.set $bp (i32.add (local.get $bp) (local.get $rowBytes)))
                    (br $kLoop4)))
                (v128.store align=4 (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $c0))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $four)))
            ;; the last n % 4 columns one at a time
            (block $onesDone
              (loop $one
                (br_if $onesDone (i32.ge_u (local.get $j) (local.get $n)))
                (local.set $s (f32.const 0))
                (local.set $ap (local.get $arow))
                (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
                (block $kDone1
                  (loop $kLoop1
                    (br_if $kDone1 (i32.ge_u (local.get $ap) (local.get $aend)))
                    (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $ap)) (f32.load (local.get $bp)))))
                    (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                    (local.set $bp (i32.add (local.get $bp) (local.get $rowBytes)))
                    (br $kLoop1)))
                (f32.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $one)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $row)))
        (local.set $a (i32.add (local.get $a) (i32.shl (i32.mul (local.get $m) (local.get $k)) (i32.const 2))))
        (local.set $b (i32.add (local.get $b) (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 2))))
        (local.set $c (i32.add (local.get $c) (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 2))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entry)))))
