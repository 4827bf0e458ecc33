;; Column sums of a row-major float32 matrix [rows, cols] (a reduction over leading axes, as a
;; bias gradient is), in float64 accumulators, stored as float32: the sums the JavaScript loop of
;; wasm/sum.ts computes, bit for bit (each column added in row order). Four columns a pass, each
;; float32x4 load becoming two float64x2 additions. acc: 8·cols bytes of scratch.
;;
;; Built into sum-rows-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a test checks
;; that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func (export "sumRows") (param $src i32) (param $rows i32) (param $cols i32) (param $acc i32) (param $out i32)
    (local $r i32) (local $c i32) (local $cols4 i32) (local $row i32) (local $a i32) (local $x v128)
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    ;; zero the accumulators
    (local.set $c (i32.const 0))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $c) (local.get $cols)))
        (f64.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))) (f64.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $zero)))
    (local.set $row (local.get $src))
    (block $summed
      (loop $rowLoop
        (br_if $summed (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $x (v128.load align=4 (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (v128.store align=8 (local.get $a)
              (f64x2.add (v128.load align=8 (local.get $a)) (f64x2.promote_low_f32x4 (local.get $x))))
            (v128.store offset=16 align=8 (local.get $a)
              (f64x2.add (v128.load offset=16 align=8 (local.get $a))
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (f64.store (local.get $a)
              (f64.add (f64.load (local.get $a))
                (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $one)))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))
    ;; round the sums to float32
    (local.set $c (i32.const 0))
    (block $stored
      (loop $store
        (br_if $stored (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
          (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $store)))))
