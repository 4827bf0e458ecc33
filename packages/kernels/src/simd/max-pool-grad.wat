;; The max-pool gradient for NHWC float32 input with a channel count that is a multiple of four:
;; each output gradient goes to the first strict maximum of its window, walked in (fh, fw) order,
;; added into `out` (zero-filled by the caller) in output-pixel order, channels ascending: what the
;; JavaScript loop of wasm/max-pool-grad.ts computes, bit for bit. Four channels a pass: the
;; window's maxima and their element indices stay in registers; the four additions are scalar.
;; x, g, out: byte offsets of the input, the output gradient and the input gradient.
;;
;; Built into max-pool-grad-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a test
;; checks that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func (export "maxPoolGrad")
    (param $x i32) (param $g i32) (param $out i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $c i32) (param $outH i32) (param $outW i32)
    (param $sH i32) (param $sW i32) (param $top i32) (param $left i32)
    (param $fH i32) (param $fW i32) (param $dH i32) (param $dW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $cb i32) (local $fh i32) (local $fw i32)
    (local $ih i32) (local $iw i32) (local $first i32) (local $base i32) (local $go i32) (local $p i32)
    (local $best v128) (local $at v128) (local $v v128) (local $idx v128) (local $mask v128) (local $gv v128)
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohLoop
        (br_if $ohDone (i32.ge_u (local.get $oh) (local.get $outH)))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owLoop
          (br_if $owDone (i32.ge_u (local.get $ow) (local.get $outW)))
          (local.set $cb (i32.const 0))
          (block $cbDone (loop $cbLoop
            (br_if $cbDone (i32.ge_u (local.get $cb) (local.get $c)))
            (local.set $first (i32.const 1))
            (local.set $fh (i32.const 0))
            (block $fhDone (loop $fhLoop
              (br_if $fhDone (i32.ge_u (local.get $fh) (local.get $fH)))
              (local.set $ih (i32.add
                (i32.sub (i32.mul (local.get $oh) (local.get $sH)) (local.get $top))
                (i32.mul (local.get $fh) (local.get $dH))))
              (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $inH)))
                (then
                  (local.set $fw (i32.const 0))
                  (block $fwDone (loop $fwLoop
                    (br_if $fwDone (i32.ge_u (local.get $fw) (local.get $fW)))
                    (local.set $iw (i32.add
                      (i32.sub (i32.mul (local.get $ow) (local.get $sW)) (local.get $left))
                      (i32.mul (local.get $fw) (local.get $dW))))
                    (if (i32.and (i32.ge_s (local.get $iw) (i32.const 0)) (i32.lt_s (local.get $iw) (local.get $inW)))
                      (then
                        ;; element index of this window position's first channel of the block
                        (local.set $base (i32.add
                          (i32.mul
                            (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $ih)) (local.get $inW))
                              (local.get $iw))
                            (local.get $c))
                          (local.get $cb)))
                        (local.set $v (v128.load align=4 (i32.add (local.get $x) (i32.shl (local.get $base) (i32.const 2)))))
                        (local.set $idx (i32x4.add (i32x4.splat (local.get $base)) (v128.const i32x4 0 1 2 3)))
                        (if (local.get $first)
                          (then
                            (local.set $best (local.get $v))
                            (local.set $at (local.get $idx))
                            (local.set $first (i32.const 0)))
                          (else
                            (local.set $mask (f32x4.gt (local.get $v) (local.get $best)))
                            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $mask)))
                            (local.set $at (v128.bitselect (local.get $idx) (local.get $at) (local.get $mask)))))))
                    (local.set $fw (i32.add (local.get $fw) (i32.const 1)))
                    (br $fwLoop)))))
              (local.set $fh (i32.add (local.get $fh) (i32.const 1)))
              (br $fhLoop)))
            (if (i32.eqz (local.get $first))
              (then
                (local.set $go (i32.add
                  (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH)) (local.get $oh)) (local.get $outW))
                    (local.get $ow)) (local.get $c))
                  (local.get $cb)))
                (local.set $gv (v128.load align=4 (i32.add (local.get $g) (i32.shl (local.get $go) (i32.const 2)))))
                (local.set $p (i32.add (local.get $out) (i32.shl (i32x4.extract_lane 0 (local.get $at)) (i32.const 2))))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32x4.extract_lane 0 (local.get $gv))))
                (local.set $p (i32.add (local.get $out) (i32.shl (i32x4.extract_lane 1 (local.get $at)) (i32.const 2))))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32x4.extract_lane 1 (local.get $gv))))
                (local.set $p (i32.add (local.get $out) (i32.shl (i32x4.extract_lane 2 (local.get $at)) (i32.const 2))))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32x4.extract_lane 2 (local.get $gv))))
                (local.set $p (i32.add (local.get $out) (i32.shl (i32x4.extract_lane 3 (local.get $at)) (i32.const 2))))
                (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32x4.extract_lane 3 (local.get $gv))))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $cbLoop)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))))
