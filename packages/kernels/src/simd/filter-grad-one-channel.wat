;; The filter gradient of a convolution with one input channel (an image network's first layer):
;; dW[i, j, 0, o] = sum over positions (n, r, c) of x[n, r·sh + i·dh, c·sw + j·dw] · dy[n, r, c, o],
;; for a padded NHWC input x [batch, hp, wp, 1] and dy [batch, oh, ow, co] with co a multiple of
;; four. The sums run in position order, four output channels a pass, into dW itself (zeroed
;; here); the filter taps stay in L1 while dy streams once. x, dy, dw: byte offsets.
;;
;; Built into filter-grad-one-channel-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a
;; test checks that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func (export "filterGradOneChannel")
    (param $x i32) (param $dy i32) (param $dw i32)
    (param $batch i32) (param $hp i32) (param $wp i32) (param $oh i32) (param $ow i32) (param $co i32)
    (param $sh i32) (param $sw i32) (param $dh i32) (param $dwStep i32) (param $fh i32) (param $fw i32)
    (local $n i32) (local $r i32) (local $c i32) (local $i i32) (local $j i32) (local $o i32)
    (local $rowBytes i32) (local $end i32) (local $dyAt i32) (local $xAt i32) (local $acc i32) (local $xs v128)
    (local.set $rowBytes (i32.shl (local.get $co) (i32.const 2)))
    ;; zero dW: fh·fw rows of co floats
    (local.set $end (i32.add (local.get $dw) (i32.mul (i32.mul (local.get $fh) (local.get $fw)) (local.get $rowBytes))))
    (local.set $acc (local.get $dw))
    (block $zeroed (loop $zero
      (br_if $zeroed (i32.ge_u (local.get $acc) (local.get $end)))
      (v128.store align=4 (local.get $acc) (v128.const i32x4 0 0 0 0))
      (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
      (br $zero)))
    (local.set $dyAt (local.get $dy))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $r (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $oh)))
        (local.set $c (i32.const 0))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_u (local.get $c) (local.get $ow)))
          (local.set $acc (local.get $dw))
          (local.set $i (i32.const 0))
          (block $iDone (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $fh)))
            (local.set $j (i32.const 0))
            (block $jDone (loop $jLoop
              (br_if $jDone (i32.ge_u (local.get $j) (local.get $fw)))
              ;; x[n, r·sh + i·dh, c·sw + j·dw]
              (local.set $xAt (i32.add (local.get $x) (i32.shl
                (i32.add
                  (i32.mul
                    (i32.add (i32.mul (local.get $n) (local.get $hp))
                      (i32.add (i32.mul (local.get $r) (local.get $sh)) (i32.mul (local.get $i) (local.get $dh))))
                    (local.get $wp))
                  (i32.add (i32.mul (local.get $c) (local.get $sw)) (i32.mul (local.get $j) (local.get $dwStep))))
                (i32.const 2))))
              (local.set $xs (f32x4.splat (f32.load (local.get $xAt))))
              (local.set $o (i32.const 0))
              (block $oDone (loop $oLoop
                (br_if $oDone (i32.ge_u (local.get $o) (local.get $rowBytes)))
                (v128.store align=4 (i32.add (local.get $acc) (local.get $o))
                  (f32x4.add
                    (v128.load align=4 (i32.add (local.get $acc) (local.get $o)))
                    (f32x4.mul (local.get $xs) (v128.load align=4 (i32.add (local.get $dyAt) (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $oLoop)))
              (local.set $acc (i32.add (local.get $acc) (local.get $rowBytes)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
          (local.set $dyAt (i32.add (local.get $dyAt) (local.get $rowBytes)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop)))))
