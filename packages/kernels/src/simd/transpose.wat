;; A 2-D transpose of 4-byte elements (float32 or int32, copied bit for bit), repeated over `count`
;; tiles: dst[c·ds + r] = src[r·ss + c] for r < rows, c < cols, where ss and ds are the row strides
;; (in elements) of the source and the destination. Tile k starts srcStep·k elements into src and
;; dstStep·k into dst. src, dst: byte offsets.
;;
;; Four rows at a time, four columns at a time: four 16-byte loads, a 4×4 transpose in eight
;; shuffles, four 16-byte stores; columns in blocks of 64 so that the destination lines a block
;; writes stay in cache while the next four rows fill them. The last rows % 4 rows and cols % 4
;; columns are copied one element at a time.
;;
;; Built into transpose-bytes.ts by `npm run build:wasm -w @tessera/kernels` (wabt); a test checks
;; that the committed bytes are this file's.
(module
  (import "env" "memory" (memory 1))
  (func $scalar (param $src i32) (param $dst i32) (param $r0 i32) (param $r1 i32) (param $c0 i32) (param $c1 i32)
    (param $ss i32) (param $ds i32)
    (local $r i32) (local $c i32)
    (local.set $r (local.get $r0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $c (local.get $c0))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_u (local.get $c) (local.get $c1)))
            (i32.store
              (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $ds)) (local.get $r)) (i32.const 2)))
              (i32.load
                (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $ss)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $col)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))
  (func $tile (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $ss i32) (param $ds i32)
    (local $rows4 i32) (local $cols4 i32) (local $cb i32) (local $cend i32) (local $r i32) (local $c i32)
    (local $p i32) (local $q i32) (local $ssb i32) (local $dsb i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $ssb (i32.shl (local.get $ss) (i32.const 2)))
    (local.set $dsb (i32.shl (local.get $ds) (i32.const 2)))
    (block $blocksDone
      (loop $block
        (br_if $blocksDone (i32.ge_u (local.get $cb) (local.get $cols4)))
        (local.set $cend (i32.add (local.get $cb) (i32.const 64)))
        (if (i32.gt_u (local.get $cend) (local.get $cols4)) (then (local.set $cend (local.get $cols4))))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows4)))
            (local.set $c (local.get $cb))
            ;; p: the address of src(r, c); q: the address of dst(c, r)
            (local.set $p
              (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $ss)) (local.get $c)) (i32.const 2))))
            (local.set $q
              (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $ds)) (local.get $r)) (i32.const 2))))
            (block $colsDone
              (loop $col
                (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cend)))
                (local.set $a0 (v128.load align=4 (local.get $p)))
                (local.set $a1 (v128.load align=4 (i32.add (local.get $p) (local.get $ssb))))
                (local.set $a2 (v128.load align=4 (i32.add (local.get $p) (i32.shl (local.get $ssb) (i32.const 1)))))
                (local.set $a3 (v128.load align=4 (i32.add (local.get $p) (i32.mul (local.get $ssb) (i32.const 3)))))
                ;; t0 = a0[0] a1[0] a0[1] a1[1], t1 = a0[2] a1[2] a0[3] a1[3]; t2, t3 the same of a2, a3
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
                ;; destination row c + j holds column j of the four source rows
                (v128.store align=4 (local.get $q)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (v128.store align=4 (i32.add (local.get $q) (local.get $dsb))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (v128.store align=4 (i32.add (local.get $q) (i32.shl (local.get $dsb) (i32.const 1)))
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (v128.store align=4 (i32.add (local.get $q) (i32.mul (local.get $dsb) (i32.const 3)))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (local.set $q (i32.add (local.get $q) (i32.shl (local.get $dsb) (i32.const 2))))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $col)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $row)))
        (local.set $cb (local.get $cend))
        (br $block)))
    ;; the last cols % 4 columns of the first rows4 rows, then the last rows % 4 rows whole
    (call $scalar (local.get $src) (local.get $dst) (i32.const 0) (local.get $rows4) (local.get $cols4) (local.get $cols)
      (local.get $ss) (local.get $ds))
    (call $scalar (local.get $src) (local.get $dst) (local.get $rows4) (local.get $rows) (i32.const 0) (local.get $cols)
      (local.get $ss) (local.get $ds)))
  (func (export "transpose32") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $ss i32)
    (param $ds i32) (param $count i32) (param $srcStep i32) (param $dstStep i32)
    (local $k i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (call $tile (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $ss) (local.get $ds))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $srcStep) (i32.const 2))))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $dstStep) (i32.const 2))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))))
