;; Adam's update for one parameter, over float32 arrays in linear memory, computed in float64 as
;; adamLoop (../adam/update.ts) computes it: the same operations in the same order, each rounded
;; once to float64, stored rounded to float32. Four elements a pass: each float32x4 load becomes
;; two float64x2 halves. Byte offsets of g, m, v (read) and update, m', v' (written), n elements.
;;
;; Built into adam-wasm-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a test checks
;; that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $g i32) (param $m i32) (param $v i32) (param $u i32) (param $m1 i32) (param $v1 i32) (param $n i32)
    (param $b1 f64) (param $a1 f64) (param $b2 f64) (param $a2 f64) (param $k1 f64) (param $k2 f64) (param $eps f64)
    (local $off i32) (local $end i32)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128) (local $K1 v128) (local $K2 v128) (local $E v128)
    (local $gq v128) (local $mq v128) (local $vq v128)
    (local $gl v128) (local $gh v128) (local $ml v128) (local $mh v128) (local $vl v128) (local $vh v128)
    (local $gs f64) (local $ms f64) (local $vs f64)
    (local.set $B1 (f64x2.splat (local.get $b1)))
    (local.set $A1 (f64x2.splat (local.get $a1)))
    (local.set $B2 (f64x2.splat (local.get $b2)))
    (local.set $A2 (f64x2.splat (local.get $a2)))
    (local.set $K1 (f64x2.splat (local.get $k1)))
    (local.set $K2 (f64x2.splat (local.get $k2)))
    (local.set $E (f64x2.splat (local.get $eps)))
    ;; bytes of the whole groups of four
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $gq (v128.load align=4 (i32.add (local.get $g) (local.get $off))))
        (local.set $mq (v128.load align=4 (i32.add (local.get $m) (local.get $off))))
        (local.set $vq (v128.load align=4 (i32.add (local.get $v) (local.get $off))))
        (local.set $gl (f64x2.promote_low_f32x4 (local.get $gq)))
        (local.set $gh (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $gq) (local.get $gq))))
        ;; m' = b1·m + a1·g
        (local.set $ml (f64x2.add
          (f64x2.mul (local.get $B1) (f64x2.promote_low_f32x4 (local.get $mq)))
          (f64x2.mul (local.get $A1) (local.get $gl))))
        (local.set $mh (f64x2.add
          (f64x2.mul (local.get $B1) (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mq) (local.get $mq))))
          (f64x2.mul (local.get $A1) (local.get $gh))))
        ;; v' = b2·v + (a2·g)·g
        (local.set $vl (f64x2.add
          (f64x2.mul (local.get $B2) (f64x2.promote_low_f32x4 (local.get $vq)))
          (f64x2.mul (f64x2.mul (local.get $A2) (local.get $gl)) (local.get $gl))))
        (local.set $vh (f64x2.add
          (f64x2.mul (local.get $B2) (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vq) (local.get $vq))))
          (f64x2.mul (f64x2.mul (local.get $A2) (local.get $gh)) (local.get $gh))))
        (v128.store align=4 (i32.add (local.get $m1) (local.get $off))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $ml)) (f32x4.demote_f64x2_zero (local.get $mh))))
        (v128.store align=4 (i32.add (local.get $v1) (local.get $off))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $vl)) (f32x4.demote_f64x2_zero (local.get $vh))))
        ;; update = (m'·k1) / (sqrt(v'·k2) + eps)
        (v128.store align=4 (i32.add (local.get $u) (local.get $off))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.div
              (f64x2.mul (local.get $ml) (local.get $K1))
              (f64x2.add (f64x2.sqrt (f64x2.mul (local.get $vl) (local.get $K2))) (local.get $E))))
            (f32x4.demote_f64x2_zero (f64x2.div
              (f64x2.mul (local.get $mh) (local.get $K1))
              (f64x2.add (f64x2.sqrt (f64x2.mul (local.get $vh) (local.get $K2))) (local.get $E))))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $four)))
    ;; the last n mod 4 elements, one at a time
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $one
        (br_if $tailDone (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $gs (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $off)))))
        (local.set $ms (f64.add
          (f64.mul (local.get $b1) (f64.promote_f32 (f32.load (i32.add (local.get $m) (local.get $off)))))
          (f64.mul (local.get $a1) (local.get $gs))))
        (local.set $vs (f64.add
          (f64.mul (local.get $b2) (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $off)))))
          (f64.mul (f64.mul (local.get $a2) (local.get $gs)) (local.get $gs))))
        (f32.store (i32.add (local.get $m1) (local.get $off)) (f32.demote_f64 (local.get $ms)))
        (f32.store (i32.add (local.get $v1) (local.get $off)) (f32.demote_f64 (local.get $vs)))
        (f32.store (i32.add (local.get $u) (local.get $off))
          (f32.demote_f64 (f64.div
            (f64.mul (local.get $ms) (local.get $k1))
            (f64.add (f64.sqrt (f64.mul (local.get $vs) (local.get $k2))) (local.get $eps)))))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $one)))))
