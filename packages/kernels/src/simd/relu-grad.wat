;; The ReLU gradient as TensorFlow's ReluGrad takes it: out = x > 0 ? dy : 0 (so 0, not NaN, where x
;; is NaN), over n float32 elements. Four a pass: the comparison's mask ANDed with dy.
;; dy, x, out: byte offsets.
;;
;; Built into relu-grad-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a test checks
;; that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func (export "reluGrad") (param $dy i32) (param $x i32) (param $out i32) (param $n i32)
    (local $off i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store align=4 (i32.add (local.get $out) (local.get $off))
          (v128.and
            (v128.load align=4 (i32.add (local.get $dy) (local.get $off)))
            (f32x4.gt (v128.load align=4 (i32.add (local.get $x) (local.get $off))) (v128.const f32x4 0 0 0 0))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $one
        (br_if $tailDone (i32.ge_u (local.get $off) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $off))
          (select
            (f32.load (i32.add (local.get $dy) (local.get $off)))
            (f32.const 0)
            (f32.gt (f32.load (i32.add (local.get $x) (local.get $off))) (f32.const 0))))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $one)))))
