;; WebAssembly SIMD (f64x2) kernels of @visuomotor/gmm-prior: the forward substitution of the
;; E-step (squared Mahalanobis distances of points to clusters) and the sums of products of the
;; M-step and of the prior's moments. Every lane performs exactly the operations of the scalar
;; JavaScript kernels in src/gmm.ts, in the same order (separate multiply and add/subtract, no
;; fused multiply-add), so both paths give bit-identical results.
;; All pointers are byte addresses into the module's memory; sizes are element counts. v128
;; accesses are only guaranteed 8-byte aligned (align=8).
;; Assembled by `pnpm --filter @visuomotor/gmm-prior build:wasm` (scripts/wat-to-ts.mjs) into
;; src/wasm-kernels-bytes.ts; the host side is src/wasm-kernels.ts.
(module
  ;; 16 pages (1 MiB) initially; the host grows it to its layout.
  (memory (export "memory") 16)

  ;; `trsv8(L, mu, X, ldx, nblk, D, Z, SS)`: for one cluster (lower Cholesky factor L [D, D],
  ;; mean mu [D]) and `nblk` blocks of 8 points stored transposed (X [D, ldx], point p in
  ;; column p; 4 f64x2 per row of a block), ss_p = ||L⁻¹ (x_p − mu)||² by forward substitution,
  ;; written to SS [8·nblk]. Per point: s = x_i − mu_i; s −= L_ij z_j (j = 0..i−1, in order);
  ;; z_i = s / L_ii; ss += z_i². Rows i and i+1 run together (the terms j < i share the loads of
  ;; z_j; row i+1 then takes its term j = i), then an odd last row alone. Z is scratch [D, 8].
  (func $trsv8 (export "trsv8") (param $L i32) (param $mu i32) (param $X i32) (param $ldx i32)
    (param $nblk i32) (param $D i32) (param $Z i32) (param $SS i32)
    (local $b i32) (local $i i32) (local $xi i32) (local $rowL i32) (local $lp i32)
    (local $lend i32) (local $zj i32) (local $zi i32) (local $ldx8 i32) (local $D8 i32)
    (local $D1 i32) (local $m v128) (local $l0 v128) (local $l1 v128) (local $zt v128)
    (local $s0_0 v128) (local $s0_1 v128) (local $s0_2 v128) (local $s0_3 v128) (local $s1_0 v128)
    (local $s1_1 v128) (local $s1_2 v128) (local $s1_3 v128) (local $ss_0 v128) (local $ss_1 v128)
    (local $ss_2 v128) (local $ss_3 v128)
    (local.set $ldx8 (i32.shl (local.get $ldx) (i32.const 3)))
    (local.set $D8 (i32.shl (local.get $D) (i32.const 3)))
    (local.set $D1 (i32.sub (local.get $D) (i32.const 1)))
    (local.set $b (i32.const 0))
    (block $b_done
      (loop $b_loop
        (br_if $b_done (i32.ge_s (local.get $b) (local.get $nblk)))
        (local.set $ss_0 (v128.const f64x2 0 0))
        (local.set $ss_1 (v128.const f64x2 0 0))
        (local.set $ss_2 (v128.const f64x2 0 0))
        (local.set $ss_3 (v128.const f64x2 0 0))
        (local.set $xi (i32.add (local.get $X) (i32.mul (local.get $b) (i32.const 64))))
        (local.set $rowL (local.get $L))
        (local.set $zi (local.get $Z))
        (local.set $i (i32.const 0))
        ;; rows i and i+1 together: the terms j < i share the loads of z_j
        (block $i_done
          (loop $i_loop
            (br_if $i_done (i32.ge_s (local.get $i) (local.get $D1)))
            (local.set $m
              (v128.load64_splat (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s0_0 (f64x2.sub (v128.load align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_1
              (f64x2.sub (v128.load offset=16 align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_2
              (f64x2.sub (v128.load offset=32 align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_3
              (f64x2.sub (v128.load offset=48 align=8 (local.get $xi)) (local.get $m)))
            (local.set $m
              (v128.load64_splat offset=8
                (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s1_0
              (f64x2.sub (v128.load align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $s1_1
              (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $s1_2
              (f64x2.sub (v128.load offset=32 align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $s1_3
              (f64x2.sub (v128.load offset=48 align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $lend
              (i32.add (local.tee $lp (local.get $rowL)) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $zj (local.get $Z))
            (block $lp_skip
              (br_if $lp_skip (i32.ge_s (local.get $lp) (local.get $lend)))
              (loop $lp_loop
                (local.set $l0 (v128.load64_splat (local.get $lp)))
                (local.set $l1 (v128.load64_splat (i32.add (local.get $lp) (local.get $D8))))
                (local.set $zt (v128.load align=8 (local.get $zj)))
                (local.set $s0_0
                  (f64x2.sub (local.get $s0_0) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_0
                  (f64x2.sub (local.get $s1_0) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zt (v128.load offset=16 align=8 (local.get $zj)))
                (local.set $s0_1
                  (f64x2.sub (local.get $s0_1) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_1
                  (f64x2.sub (local.get $s1_1) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zt (v128.load offset=32 align=8 (local.get $zj)))
                (local.set $s0_2
                  (f64x2.sub (local.get $s0_2) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_2
                  (f64x2.sub (local.get $s1_2) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zt (v128.load offset=48 align=8 (local.get $zj)))
                (local.set $s0_3
                  (f64x2.sub (local.get $s0_3) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_3
                  (f64x2.sub (local.get $s1_3) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zj (i32.add (local.get $zj) (i32.const 64)))
                (br_if $lp_loop
                  (i32.lt_s (local.tee $lp (i32.add (local.get $lp) (i32.const 8)))
                    (local.get $lend)))))
            ;; lp = rowL + 8i: row i ends; row i+1 takes its term j = i, then ends
            (local.set $l0 (v128.load64_splat (local.get $lp)))
            (local.set $s0_0 (f64x2.div (local.get $s0_0) (local.get $l0)))
            (v128.store align=8 (local.get $zi) (local.get $s0_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s0_0) (local.get $s0_0))))
            (local.set $s0_1 (f64x2.div (local.get $s0_1) (local.get $l0)))
            (v128.store offset=16 align=8 (local.get $zi) (local.get $s0_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s0_1) (local.get $s0_1))))
            (local.set $s0_2 (f64x2.div (local.get $s0_2) (local.get $l0)))
            (v128.store offset=32 align=8 (local.get $zi) (local.get $s0_2))
            (local.set $ss_2
              (f64x2.add (local.get $ss_2) (f64x2.mul (local.get $s0_2) (local.get $s0_2))))
            (local.set $s0_3 (f64x2.div (local.get $s0_3) (local.get $l0)))
            (v128.store offset=48 align=8 (local.get $zi) (local.get $s0_3))
            (local.set $ss_3
              (f64x2.add (local.get $ss_3) (f64x2.mul (local.get $s0_3) (local.get $s0_3))))
            (local.set $l1 (v128.load64_splat (i32.add (local.get $lp) (local.get $D8))))
            (local.set $s1_0
              (f64x2.sub (local.get $s1_0)
                (f64x2.mul (local.get $l1) (v128.load align=8 (local.get $zi)))))
            (local.set $s1_1
              (f64x2.sub (local.get $s1_1)
                (f64x2.mul (local.get $l1) (v128.load offset=16 align=8 (local.get $zi)))))
            (local.set $s1_2
              (f64x2.sub (local.get $s1_2)
                (f64x2.mul (local.get $l1) (v128.load offset=32 align=8 (local.get $zi)))))
            (local.set $s1_3
              (f64x2.sub (local.get $s1_3)
                (f64x2.mul (local.get $l1) (v128.load offset=48 align=8 (local.get $zi)))))
            (local.set $lp (i32.add (local.get $lp) (local.get $D8)))
            (local.set $l0 (v128.load64_splat offset=8 (local.get $lp)))
            (local.set $s1_0 (f64x2.div (local.get $s1_0) (local.get $l0)))
            (v128.store offset=64 align=8 (local.get $zi) (local.get $s1_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s1_0) (local.get $s1_0))))
            (local.set $s1_1 (f64x2.div (local.get $s1_1) (local.get $l0)))
            (v128.store offset=80 align=8 (local.get $zi) (local.get $s1_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s1_1) (local.get $s1_1))))
            (local.set $s1_2 (f64x2.div (local.get $s1_2) (local.get $l0)))
            (v128.store offset=96 align=8 (local.get $zi) (local.get $s1_2))
            (local.set $ss_2
              (f64x2.add (local.get $ss_2) (f64x2.mul (local.get $s1_2) (local.get $s1_2))))
            (local.set $s1_3 (f64x2.div (local.get $s1_3) (local.get $l0)))
            (v128.store offset=112 align=8 (local.get $zi) (local.get $s1_3))
            (local.set $ss_3
              (f64x2.add (local.get $ss_3) (f64x2.mul (local.get $s1_3) (local.get $s1_3))))
            (local.set $zi (i32.add (local.get $zi) (i32.const 128)))
            (local.set $xi (i32.add (local.get $xi) (i32.add (local.get $ldx8) (local.get $ldx8))))
            (local.set $rowL (i32.add (local.get $rowL) (i32.add (local.get $D8) (local.get $D8))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $i_loop)))
        ;; an odd last row alone (i = D − 1)
        (if
          (i32.lt_s (local.get $i) (local.get $D))
          (then
            (local.set $m
              (v128.load64_splat (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s0_0 (f64x2.sub (v128.load align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_1
              (f64x2.sub (v128.load offset=16 align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_2
              (f64x2.sub (v128.load offset=32 align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_3
              (f64x2.sub (v128.load offset=48 align=8 (local.get $xi)) (local.get $m)))
            (local.set $lend
              (i32.add (local.tee $lp (local.get $rowL)) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $zj (local.get $Z))
            (block $lp_skip2
              (br_if $lp_skip2 (i32.ge_s (local.get $lp) (local.get $lend)))
              (loop $lp_loop2
                (local.set $l0 (v128.load64_splat (local.get $lp)))
                (local.set $s0_0
                  (f64x2.sub (local.get $s0_0)
                    (f64x2.mul (local.get $l0) (v128.load align=8 (local.get $zj)))))
                (local.set $s0_1
                  (f64x2.sub (local.get $s0_1)
                    (f64x2.mul (local.get $l0) (v128.load offset=16 align=8 (local.get $zj)))))
                (local.set $s0_2
                  (f64x2.sub (local.get $s0_2)
                    (f64x2.mul (local.get $l0) (v128.load offset=32 align=8 (local.get $zj)))))
                (local.set $s0_3
                  (f64x2.sub (local.get $s0_3)
                    (f64x2.mul (local.get $l0) (v128.load offset=48 align=8 (local.get $zj)))))
                (local.set $zj (i32.add (local.get $zj) (i32.const 64)))
                (br_if $lp_loop2
                  (i32.lt_s (local.tee $lp (i32.add (local.get $lp) (i32.const 8)))
                    (local.get $lend)))))
            (local.set $l0 (v128.load64_splat (local.get $lp)))
            (local.set $s0_0 (f64x2.div (local.get $s0_0) (local.get $l0)))
            (v128.store align=8 (local.get $zi) (local.get $s0_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s0_0) (local.get $s0_0))))
            (local.set $s0_1 (f64x2.div (local.get $s0_1) (local.get $l0)))
            (v128.store offset=16 align=8 (local.get $zi) (local.get $s0_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s0_1) (local.get $s0_1))))
            (local.set $s0_2 (f64x2.div (local.get $s0_2) (local.get $l0)))
            (v128.store offset=32 align=8 (local.get $zi) (local.get $s0_2))
            (local.set $ss_2
              (f64x2.add (local.get $ss_2) (f64x2.mul (local.get $s0_2) (local.get $s0_2))))
            (local.set $s0_3 (f64x2.div (local.get $s0_3) (local.get $l0)))
            (v128.store offset=48 align=8 (local.get $zi) (local.get $s0_3))
            (local.set $ss_3
              (f64x2.add (local.get $ss_3) (f64x2.mul (local.get $s0_3) (local.get $s0_3))))))
        (v128.store align=8 (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 64)))
          (local.get $ss_0))
        (v128.store offset=16 align=8
          (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 64)))
          (local.get $ss_1))
        (v128.store offset=32 align=8
          (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 64)))
          (local.get $ss_2))
        (v128.store offset=48 align=8
          (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 64)))
          (local.get $ss_3))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $b_loop))))

  ;; `trsv6`: $trsv8 for blocks of 6 points (3 f64x2 per row of a block); SS [6·nblk].
  (func $trsv6 (export "trsv6") (param $L i32) (param $mu i32) (param $X i32) (param $ldx i32)
    (param $nblk i32) (param $D i32) (param $Z i32) (param $SS i32)
    (local $b i32) (local $i i32) (local $xi i32) (local $rowL i32) (local $lp i32)
    (local $lend i32) (local $zj i32) (local $zi i32) (local $ldx8 i32) (local $D8 i32)
    (local $D1 i32) (local $m v128) (local $l0 v128) (local $l1 v128) (local $zt v128)
    (local $s0_0 v128) (local $s0_1 v128) (local $s0_2 v128) (local $s1_0 v128) (local $s1_1 v128)
    (local $s1_2 v128) (local $ss_0 v128) (local $ss_1 v128) (local $ss_2 v128)
    (local.set $ldx8 (i32.shl (local.get $ldx) (i32.const 3)))
    (local.set $D8 (i32.shl (local.get $D) (i32.const 3)))
    (local.set $D1 (i32.sub (local.get $D) (i32.const 1)))
    (local.set $b (i32.const 0))
    (block $b_done
      (loop $b_loop
        (br_if $b_done (i32.ge_s (local.get $b) (local.get $nblk)))
        (local.set $ss_0 (v128.const f64x2 0 0))
        (local.set $ss_1 (v128.const f64x2 0 0))
        (local.set $ss_2 (v128.const f64x2 0 0))
        (local.set $xi (i32.add (local.get $X) (i32.mul (local.get $b) (i32.const 48))))
        (local.set $rowL (local.get $L))
        (local.set $zi (local.get $Z))
        (local.set $i (i32.const 0))
        ;; rows i and i+1 together: the terms j < i share the loads of z_j
        (block $i_done
          (loop $i_loop
            (br_if $i_done (i32.ge_s (local.get $i) (local.get $D1)))
            (local.set $m
              (v128.load64_splat (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s0_0 (f64x2.sub (v128.load align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_1
              (f64x2.sub (v128.load offset=16 align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_2
              (f64x2.sub (v128.load offset=32 align=8 (local.get $xi)) (local.get $m)))
            (local.set $m
              (v128.load64_splat offset=8
                (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s1_0
              (f64x2.sub (v128.load align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $s1_1
              (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $s1_2
              (f64x2.sub (v128.load offset=32 align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $lend
              (i32.add (local.tee $lp (local.get $rowL)) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $zj (local.get $Z))
            (block $lp_skip
              (br_if $lp_skip (i32.ge_s (local.get $lp) (local.get $lend)))
              (loop $lp_loop
                (local.set $l0 (v128.load64_splat (local.get $lp)))
                (local.set $l1 (v128.load64_splat (i32.add (local.get $lp) (local.get $D8))))
                (local.set $zt (v128.load align=8 (local.get $zj)))
                (local.set $s0_0
                  (f64x2.sub (local.get $s0_0) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_0
                  (f64x2.sub (local.get $s1_0) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zt (v128.load offset=16 align=8 (local.get $zj)))
                (local.set $s0_1
                  (f64x2.sub (local.get $s0_1) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_1
                  (f64x2.sub (local.get $s1_1) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zt (v128.load offset=32 align=8 (local.get $zj)))
                (local.set $s0_2
                  (f64x2.sub (local.get $s0_2) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_2
                  (f64x2.sub (local.get $s1_2) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zj (i32.add (local.get $zj) (i32.const 48)))
                (br_if $lp_loop
                  (i32.lt_s (local.tee $lp (i32.add (local.get $lp) (i32.const 8)))
                    (local.get $lend)))))
            ;; lp = rowL + 8i: row i ends; row i+1 takes its term j = i, then ends
            (local.set $l0 (v128.load64_splat (local.get $lp)))
            (local.set $s0_0 (f64x2.div (local.get $s0_0) (local.get $l0)))
            (v128.store align=8 (local.get $zi) (local.get $s0_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s0_0) (local.get $s0_0))))
            (local.set $s0_1 (f64x2.div (local.get $s0_1) (local.get $l0)))
            (v128.store offset=16 align=8 (local.get $zi) (local.get $s0_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s0_1) (local.get $s0_1))))
            (local.set $s0_2 (f64x2.div (local.get $s0_2) (local.get $l0)))
            (v128.store offset=32 align=8 (local.get $zi) (local.get $s0_2))
            (local.set $ss_2
              (f64x2.add (local.get $ss_2) (f64x2.mul (local.get $s0_2) (local.get $s0_2))))
            (local.set $l1 (v128.load64_splat (i32.add (local.get $lp) (local.get $D8))))
            (local.set $s1_0
              (f64x2.sub (local.get $s1_0)
                (f64x2.mul (local.get $l1) (v128.load align=8 (local.get $zi)))))
            (local.set $s1_1
              (f64x2.sub (local.get $s1_1)
                (f64x2.mul (local.get $l1) (v128.load offset=16 align=8 (local.get $zi)))))
            (local.set $s1_2
              (f64x2.sub (local.get $s1_2)
                (f64x2.mul (local.get $l1) (v128.load offset=32 align=8 (local.get $zi)))))
            (local.set $lp (i32.add (local.get $lp) (local.get $D8)))
            (local.set $l0 (v128.load64_splat offset=8 (local.get $lp)))
            (local.set $s1_0 (f64x2.div (local.get $s1_0) (local.get $l0)))
            (v128.store offset=48 align=8 (local.get $zi) (local.get $s1_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s1_0) (local.get $s1_0))))
            (local.set $s1_1 (f64x2.div (local.get $s1_1) (local.get $l0)))
            (v128.store offset=64 align=8 (local.get $zi) (local.get $s1_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s1_1) (local.get $s1_1))))
            (local.set $s1_2 (f64x2.div (local.get $s1_2) (local.get $l0)))
            (v128.store offset=80 align=8 (local.get $zi) (local.get $s1_2))
            (local.set $ss_2
              (f64x2.add (local.get $ss_2) (f64x2.mul (local.get $s1_2) (local.get $s1_2))))
            (local.set $zi (i32.add (local.get $zi) (i32.const 96)))
            (local.set $xi (i32.add (local.get $xi) (i32.add (local.get $ldx8) (local.get $ldx8))))
            (local.set $rowL (i32.add (local.get $rowL) (i32.add (local.get $D8) (local.get $D8))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $i_loop)))
        ;; an odd last row alone (i = D − 1)
        (if
          (i32.lt_s (local.get $i) (local.get $D))
          (then
            (local.set $m
              (v128.load64_splat (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s0_0 (f64x2.sub (v128.load align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_1
              (f64x2.sub (v128.load offset=16 align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_2
              (f64x2.sub (v128.load offset=32 align=8 (local.get $xi)) (local.get $m)))
            (local.set $lend
              (i32.add (local.tee $lp (local.get $rowL)) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $zj (local.get $Z))
            (block $lp_skip2
              (br_if $lp_skip2 (i32.ge_s (local.get $lp) (local.get $lend)))
              (loop $lp_loop2
                (local.set $l0 (v128.load64_splat (local.get $lp)))
                (local.set $s0_0
                  (f64x2.sub (local.get $s0_0)
                    (f64x2.mul (local.get $l0) (v128.load align=8 (local.get $zj)))))
                (local.set $s0_1
                  (f64x2.sub (local.get $s0_1)
                    (f64x2.mul (local.get $l0) (v128.load offset=16 align=8 (local.get $zj)))))
                (local.set $s0_2
                  (f64x2.sub (local.get $s0_2)
                    (f64x2.mul (local.get $l0) (v128.load offset=32 align=8 (local.get $zj)))))
                (local.set $zj (i32.add (local.get $zj) (i32.const 48)))
                (br_if $lp_loop2
                  (i32.lt_s (local.tee $lp (i32.add (local.get $lp) (i32.const 8)))
                    (local.get $lend)))))
            (local.set $l0 (v128.load64_splat (local.get $lp)))
            (local.set $s0_0 (f64x2.div (local.get $s0_0) (local.get $l0)))
            (v128.store align=8 (local.get $zi) (local.get $s0_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s0_0) (local.get $s0_0))))
            (local.set $s0_1 (f64x2.div (local.get $s0_1) (local.get $l0)))
            (v128.store offset=16 align=8 (local.get $zi) (local.get $s0_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s0_1) (local.get $s0_1))))
            (local.set $s0_2 (f64x2.div (local.get $s0_2) (local.get $l0)))
            (v128.store offset=32 align=8 (local.get $zi) (local.get $s0_2))
            (local.set $ss_2
              (f64x2.add (local.get $ss_2) (f64x2.mul (local.get $s0_2) (local.get $s0_2))))))
        (v128.store align=8 (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 48)))
          (local.get $ss_0))
        (v128.store offset=16 align=8
          (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 48)))
          (local.get $ss_1))
        (v128.store offset=32 align=8
          (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 48)))
          (local.get $ss_2))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $b_loop))))

  ;; `trsv4`: $trsv8 for blocks of 4 points (2 f64x2 per row of a block); SS [4·nblk].
  (func $trsv4 (export "trsv4") (param $L i32) (param $mu i32) (param $X i32) (param $ldx i32)
    (param $nblk i32) (param $D i32) (param $Z i32) (param $SS i32)
    (local $b i32) (local $i i32) (local $xi i32) (local $rowL i32) (local $lp i32)
    (local $lend i32) (local $zj i32) (local $zi i32) (local $ldx8 i32) (local $D8 i32)
    (local $D1 i32) (local $m v128) (local $l0 v128) (local $l1 v128) (local $zt v128)
    (local $s0_0 v128) (local $s0_1 v128) (local $s1_0 v128) (local $s1_1 v128) (local $ss_0 v128)
    (local $ss_1 v128)
    (local.set $ldx8 (i32.shl (local.get $ldx) (i32.const 3)))
    (local.set $D8 (i32.shl (local.get $D) (i32.const 3)))
    (local.set $D1 (i32.sub (local.get $D) (i32.const 1)))
    (local.set $b (i32.const 0))
    (block $b_done
      (loop $b_loop
        (br_if $b_done (i32.ge_s (local.get $b) (local.get $nblk)))
        (local.set $ss_0 (v128.const f64x2 0 0))
        (local.set $ss_1 (v128.const f64x2 0 0))
        (local.set $xi (i32.add (local.get $X) (i32.mul (local.get $b) (i32.const 32))))
        (local.set $rowL (local.get $L))
        (local.set $zi (local.get $Z))
        (local.set $i (i32.const 0))
        ;; rows i and i+1 together: the terms j < i share the loads of z_j
        (block $i_done
          (loop $i_loop
            (br_if $i_done (i32.ge_s (local.get $i) (local.get $D1)))
            (local.set $m
              (v128.load64_splat (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s0_0 (f64x2.sub (v128.load align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_1
              (f64x2.sub (v128.load offset=16 align=8 (local.get $xi)) (local.get $m)))
            (local.set $m
              (v128.load64_splat offset=8
                (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s1_0
              (f64x2.sub (v128.load align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $s1_1
              (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $xi) (local.get $ldx8)))
                (local.get $m)))
            (local.set $lend
              (i32.add (local.tee $lp (local.get $rowL)) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $zj (local.get $Z))
            (block $lp_skip
              (br_if $lp_skip (i32.ge_s (local.get $lp) (local.get $lend)))
              (loop $lp_loop
                (local.set $l0 (v128.load64_splat (local.get $lp)))
                (local.set $l1 (v128.load64_splat (i32.add (local.get $lp) (local.get $D8))))
                (local.set $zt (v128.load align=8 (local.get $zj)))
                (local.set $s0_0
                  (f64x2.sub (local.get $s0_0) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_0
                  (f64x2.sub (local.get $s1_0) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zt (v128.load offset=16 align=8 (local.get $zj)))
                (local.set $s0_1
                  (f64x2.sub (local.get $s0_1) (f64x2.mul (local.get $l0) (local.get $zt))))
                (local.set $s1_1
                  (f64x2.sub (local.get $s1_1) (f64x2.mul (local.get $l1) (local.get $zt))))
                (local.set $zj (i32.add (local.get $zj) (i32.const 32)))
                (br_if $lp_loop
                  (i32.lt_s (local.tee $lp (i32.add (local.get $lp) (i32.const 8)))
                    (local.get $lend)))))
            ;; lp = rowL + 8i: row i ends; row i+1 takes its term j = i, then ends
            (local.set $l0 (v128.load64_splat (local.get $lp)))
            (local.set $s0_0 (f64x2.div (local.get $s0_0) (local.get $l0)))
            (v128.store align=8 (local.get $zi) (local.get $s0_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s0_0) (local.get $s0_0))))
            (local.set $s0_1 (f64x2.div (local.get $s0_1) (local.get $l0)))
            (v128.store offset=16 align=8 (local.get $zi) (local.get $s0_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s0_1) (local.get $s0_1))))
            (local.set $l1 (v128.load64_splat (i32.add (local.get $lp) (local.get $D8))))
            (local.set $s1_0
              (f64x2.sub (local.get $s1_0)
                (f64x2.mul (local.get $l1) (v128.load align=8 (local.get $zi)))))
            (local.set $s1_1
              (f64x2.sub (local.get $s1_1)
                (f64x2.mul (local.get $l1) (v128.load offset=16 align=8 (local.get $zi)))))
            (local.set $lp (i32.add (local.get $lp) (local.get $D8)))
            (local.set $l0 (v128.load64_splat offset=8 (local.get $lp)))
            (local.set $s1_0 (f64x2.div (local.get $s1_0) (local.get $l0)))
            (v128.store offset=32 align=8 (local.get $zi) (local.get $s1_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s1_0) (local.get $s1_0))))
            (local.set $s1_1 (f64x2.div (local.get $s1_1) (local.get $l0)))
            (v128.store offset=48 align=8 (local.get $zi) (local.get $s1_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s1_1) (local.get $s1_1))))
            (local.set $zi (i32.add (local.get $zi) (i32.const 64)))
            (local.set $xi (i32.add (local.get $xi) (i32.add (local.get $ldx8) (local.get $ldx8))))
            (local.set $rowL (i32.add (local.get $rowL) (i32.add (local.get $D8) (local.get $D8))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $i_loop)))
        ;; an odd last row alone (i = D − 1)
        (if
          (i32.lt_s (local.get $i) (local.get $D))
          (then
            (local.set $m
              (v128.load64_splat (i32.add (local.get $mu) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $s0_0 (f64x2.sub (v128.load align=8 (local.get $xi)) (local.get $m)))
            (local.set $s0_1
              (f64x2.sub (v128.load offset=16 align=8 (local.get $xi)) (local.get $m)))
            (local.set $lend
              (i32.add (local.tee $lp (local.get $rowL)) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $zj (local.get $Z))
            (block $lp_skip2
              (br_if $lp_skip2 (i32.ge_s (local.get $lp) (local.get $lend)))
              (loop $lp_loop2
                (local.set $l0 (v128.load64_splat (local.get $lp)))
                (local.set $s0_0
                  (f64x2.sub (local.get $s0_0)
                    (f64x2.mul (local.get $l0) (v128.load align=8 (local.get $zj)))))
                (local.set $s0_1
                  (f64x2.sub (local.get $s0_1)
                    (f64x2.mul (local.get $l0) (v128.load offset=16 align=8 (local.get $zj)))))
                (local.set $zj (i32.add (local.get $zj) (i32.const 32)))
                (br_if $lp_loop2
                  (i32.lt_s (local.tee $lp (i32.add (local.get $lp) (i32.const 8)))
                    (local.get $lend)))))
            (local.set $l0 (v128.load64_splat (local.get $lp)))
            (local.set $s0_0 (f64x2.div (local.get $s0_0) (local.get $l0)))
            (v128.store align=8 (local.get $zi) (local.get $s0_0))
            (local.set $ss_0
              (f64x2.add (local.get $ss_0) (f64x2.mul (local.get $s0_0) (local.get $s0_0))))
            (local.set $s0_1 (f64x2.div (local.get $s0_1) (local.get $l0)))
            (v128.store offset=16 align=8 (local.get $zi) (local.get $s0_1))
            (local.set $ss_1
              (f64x2.add (local.get $ss_1) (f64x2.mul (local.get $s0_1) (local.get $s0_1))))))
        (v128.store align=8 (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 32)))
          (local.get $ss_0))
        (v128.store offset=16 align=8
          (i32.add (local.get $SS) (i32.mul (local.get $b) (i32.const 32)))
          (local.get $ss_1))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $b_loop))))

  ;; `trsvTasks(T, ntask, ldx, D, Z)`: the substitution of `ntask` (a multiple of 4) independent
  ;; tasks, four side by side. Task t is four i32 at T + 16t: L ($chol_t, factor [D, D]), mu ([D]),
  ;; x (two points: column pair of a transposed [D, ldx] array), ss (two f64 written).
  ;; Same per-lane arithmetic as $trsv8. Z is scratch [D, 4·2].
  (func $trsvTasks (export "trsvTasks") (param $T i32) (param $ntask i32) (param $ldx i32)
    (param $D i32) (param $Z i32)
    (local $g i32) (local $i i32) (local $j8 i32) (local $i8 i32) (local $zj i32) (local $zi i32)
    (local $ldx8 i32) (local $rowoff i32) (local $tp i32) (local $chol0 i32) (local $chol1 i32)
    (local $chol2 i32) (local $chol3 i32) (local $mu0 i32) (local $mu1 i32) (local $mu2 i32)
    (local $mu3 i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $row0 i32) (local $row1 i32) (local $row2 i32) (local $row3 i32) (local $s0 v128)
    (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $ss0 v128) (local $ss1 v128)
    (local $ss2 v128) (local $ss3 v128)
    (local.set $ldx8 (i32.shl (local.get $ldx) (i32.const 3)))
    (local.set $g (i32.const 0))
    (block $g_done
      (loop $g_loop
        (br_if $g_done (i32.ge_s (local.get $g) (local.get $ntask)))
        (local.set $tp (i32.add (local.get $T) (i32.mul (local.get $g) (i32.const 16))))
        (local.set $chol0 (i32.load (local.get $tp)))
        (local.set $mu0 (i32.load offset=4 (local.get $tp)))
        (local.set $x0 (i32.load offset=8 (local.get $tp)))
        (local.set $ss0 (v128.const f64x2 0 0))
        (local.set $chol1 (i32.load offset=16 (local.get $tp)))
        (local.set $mu1 (i32.load offset=20 (local.get $tp)))
        (local.set $x1 (i32.load offset=24 (local.get $tp)))
        (local.set $ss1 (v128.const f64x2 0 0))
        (local.set $chol2 (i32.load offset=32 (local.get $tp)))
        (local.set $mu2 (i32.load offset=36 (local.get $tp)))
        (local.set $x2 (i32.load offset=40 (local.get $tp)))
        (local.set $ss2 (v128.const f64x2 0 0))
        (local.set $chol3 (i32.load offset=48 (local.get $tp)))
        (local.set $mu3 (i32.load offset=52 (local.get $tp)))
        (local.set $x3 (i32.load offset=56 (local.get $tp)))
        (local.set $ss3 (v128.const f64x2 0 0))
        (local.set $rowoff (i32.const 0))
        (local.set $zi (local.get $Z))
        (local.set $i (i32.const 0))
        (block $i_done
          (loop $i_loop
            (br_if $i_done (i32.ge_s (local.get $i) (local.get $D)))
            (local.set $i8 (i32.shl (local.get $i) (i32.const 3)))
            (local.set $s0
              (f64x2.sub (v128.load align=8 (local.get $x0))
                (v128.load64_splat (i32.add (local.get $mu0) (local.get $i8)))))
            (local.set $row0 (i32.add (local.get $chol0) (local.get $rowoff)))
            (local.set $s1
              (f64x2.sub (v128.load align=8 (local.get $x1))
                (v128.load64_splat (i32.add (local.get $mu1) (local.get $i8)))))
            (local.set $row1 (i32.add (local.get $chol1) (local.get $rowoff)))
            (local.set $s2
              (f64x2.sub (v128.load align=8 (local.get $x2))
                (v128.load64_splat (i32.add (local.get $mu2) (local.get $i8)))))
            (local.set $row2 (i32.add (local.get $chol2) (local.get $rowoff)))
            (local.set $s3
              (f64x2.sub (v128.load align=8 (local.get $x3))
                (v128.load64_splat (i32.add (local.get $mu3) (local.get $i8)))))
            (local.set $row3 (i32.add (local.get $chol3) (local.get $rowoff)))
            (local.set $j8 (i32.const 0))
            (local.set $zj (local.get $Z))
            (block $j8_skip
              (br_if $j8_skip (i32.ge_s (local.get $j8) (local.get $i8)))
              (loop $j8_loop
                (local.set $s0
                  (f64x2.sub (local.get $s0)
                    (f64x2.mul (v128.load64_splat (i32.add (local.get $row0) (local.get $j8)))
                      (v128.load align=8 (local.get $zj)))))
                (local.set $s1
                  (f64x2.sub (local.get $s1)
                    (f64x2.mul (v128.load64_splat (i32.add (local.get $row1) (local.get $j8)))
                      (v128.load offset=16 align=8 (local.get $zj)))))
                (local.set $s2
                  (f64x2.sub (local.get $s2)
                    (f64x2.mul (v128.load64_splat (i32.add (local.get $row2) (local.get $j8)))
                      (v128.load offset=32 align=8 (local.get $zj)))))
                (local.set $s3
                  (f64x2.sub (local.get $s3)
                    (f64x2.mul (v128.load64_splat (i32.add (local.get $row3) (local.get $j8)))
                      (v128.load offset=48 align=8 (local.get $zj)))))
                (local.set $zj (i32.add (local.get $zj) (i32.const 64)))
                (br_if $j8_loop
                  (i32.lt_s (local.tee $j8 (i32.add (local.get $j8) (i32.const 8))) (local.get $i8)))))
            (local.set $s0
              (f64x2.div (local.get $s0)
                (v128.load64_splat (i32.add (local.get $row0) (local.get $i8)))))
            (v128.store align=8 (local.get $zi) (local.get $s0))
            (local.set $ss0
              (f64x2.add (local.get $ss0) (f64x2.mul (local.get $s0) (local.get $s0))))
            (local.set $x0 (i32.add (local.get $x0) (local.get $ldx8)))
            (local.set $s1
              (f64x2.div (local.get $s1)
                (v128.load64_splat (i32.add (local.get $row1) (local.get $i8)))))
            (v128.store offset=16 align=8 (local.get $zi) (local.get $s1))
            (local.set $ss1
              (f64x2.add (local.get $ss1) (f64x2.mul (local.get $s1) (local.get $s1))))
            (local.set $x1 (i32.add (local.get $x1) (local.get $ldx8)))
            (local.set $s2
              (f64x2.div (local.get $s2)
                (v128.load64_splat (i32.add (local.get $row2) (local.get $i8)))))
            (v128.store offset=32 align=8 (local.get $zi) (local.get $s2))
            (local.set $ss2
              (f64x2.add (local.get $ss2) (f64x2.mul (local.get $s2) (local.get $s2))))
            (local.set $x2 (i32.add (local.get $x2) (local.get $ldx8)))
            (local.set $s3
              (f64x2.div (local.get $s3)
                (v128.load64_splat (i32.add (local.get $row3) (local.get $i8)))))
            (v128.store offset=48 align=8 (local.get $zi) (local.get $s3))
            (local.set $ss3
              (f64x2.add (local.get $ss3) (f64x2.mul (local.get $s3) (local.get $s3))))
            (local.set $x3 (i32.add (local.get $x3) (local.get $ldx8)))
            (local.set $zi (i32.add (local.get $zi) (i32.const 64)))
            (local.set $rowoff (i32.add (local.get $rowoff) (i32.shl (local.get $D) (i32.const 3))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $i_loop)))
        (v128.store align=8 (i32.load offset=12 (local.get $tp)) (local.get $ss0))
        (v128.store align=8 (i32.load offset=28 (local.get $tp)) (local.get $ss1))
        (v128.store align=8 (i32.load offset=44 (local.get $tp)) (local.get $ss2))
        (v128.store align=8 (i32.load offset=60 (local.get $tp)) (local.get $ss3))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $g_loop))))

  ;; `syrk(V, m, Dp, S)`: adds to S [Dp, Dp] (zeroed by the caller) the entries (a, b) with
  ;; b ≥ a rounded down to even (the upper triangle and a few entries below the diagonal) of Vᵀ V
  ;; for V [m, Dp] (Dp even): each entry Σ_r V_ra V_rb summed sequentially over r from 0. In
  ;; chunks of 32 points (a chunk of V stays in the L1 cache); two rows by eight columns at a
  ;; time, then two rows by two columns.
  (func $syrk (export "syrk") (param $V i32) (param $m i32) (param $Dp i32) (param $S i32)
    (local $a i32) (local $bcol i32) (local $r i32) (local $r0 i32) (local $rend i32)
    (local $pa i32) (local $pb i32) (local $ld8 i32) (local $so i32) (local $x v128)
    (local $y v128) (local $w v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128)
    (local $acc3 v128) (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $ld8 (i32.shl (local.get $Dp) (i32.const 3)))
    (local.set $r0 (i32.const 0))
    ;; chunks of 32 points, rend = min(r0 + 32, m)
    (block $r0_done
      (loop $r0_loop
        (br_if $r0_done (i32.ge_s (local.get $r0) (local.get $m)))
        (local.set $rend
          (select (i32.add (local.get $r0) (i32.const 32))
            (local.get $m)
            (i32.lt_s (i32.add (local.get $r0) (i32.const 32)) (local.get $m))))
        (local.set $a (i32.const 0))
        (block $a_done
          (loop $a_loop
            (br_if $a_done (i32.ge_s (local.get $a) (local.get $Dp)))
            (local.set $bcol (local.get $a))
            (block $cols8_done
              (loop $cols8_loop
                (br_if $cols8_done
                  (i32.gt_s (i32.add (local.get $bcol) (i32.const 8)) (local.get $Dp)))
                (local.set $so
                  (i32.add (local.get $S)
                    (i32.shl (i32.add (i32.mul (local.get $a) (local.get $Dp)) (local.get $bcol))
                      (i32.const 3))))
                (local.set $acc0 (v128.load align=8 (local.get $so)))
                (local.set $acc1 (v128.load offset=16 align=8 (local.get $so)))
                (local.set $acc2 (v128.load offset=32 align=8 (local.get $so)))
                (local.set $acc3 (v128.load offset=48 align=8 (local.get $so)))
                (local.set $acc4 (v128.load align=8 (i32.add (local.get $so) (local.get $ld8))))
                (local.set $acc5
                  (v128.load offset=16 align=8 (i32.add (local.get $so) (local.get $ld8))))
                (local.set $acc6
                  (v128.load offset=32 align=8 (i32.add (local.get $so) (local.get $ld8))))
                (local.set $acc7
                  (v128.load offset=48 align=8 (i32.add (local.get $so) (local.get $ld8))))
                (local.set $pb
                  (i32.add
                    (local.tee $pa
                      (i32.add (local.get $V) (i32.mul (local.get $r0) (local.get $ld8))))
                    (i32.shl (local.get $bcol) (i32.const 3))))
                (local.set $pa (i32.add (local.get $pa) (i32.shl (local.get $a) (i32.const 3))))
                (local.set $r (local.get $r0))
                (block $r_done
                  (loop $r_loop
                    (br_if $r_done (i32.ge_s (local.get $r) (local.get $rend)))
                    (local.set $x (v128.load64_splat (local.get $pa)))
                    (local.set $y (v128.load64_splat offset=8 (local.get $pa)))
                    (local.set $w (v128.load align=8 (local.get $pb)))
                    (local.set $acc0
                      (f64x2.add (local.get $acc0) (f64x2.mul (local.get $x) (local.get $w))))
                    (local.set $acc4
                      (f64x2.add (local.get $acc4) (f64x2.mul (local.get $y) (local.get $w))))
                    (local.set $w (v128.load offset=16 align=8 (local.get $pb)))
                    (local.set $acc1
                      (f64x2.add (local.get $acc1) (f64x2.mul (local.get $x) (local.get $w))))
                    (local.set $acc5
                      (f64x2.add (local.get $acc5) (f64x2.mul (local.get $y) (local.get $w))))
                    (local.set $w (v128.load offset=32 align=8 (local.get $pb)))
                    (local.set $acc2
                      (f64x2.add (local.get $acc2) (f64x2.mul (local.get $x) (local.get $w))))
                    (local.set $acc6
                      (f64x2.add (local.get $acc6) (f64x2.mul (local.get $y) (local.get $w))))
                    (local.set $w (v128.load offset=48 align=8 (local.get $pb)))
                    (local.set $acc3
                      (f64x2.add (local.get $acc3) (f64x2.mul (local.get $x) (local.get $w))))
                    (local.set $acc7
                      (f64x2.add (local.get $acc7) (f64x2.mul (local.get $y) (local.get $w))))
                    (local.set $pa (i32.add (local.get $pa) (local.get $ld8)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $ld8)))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $r_loop)))
                (v128.store align=8 (local.get $so) (local.get $acc0))
                (v128.store offset=16 align=8 (local.get $so) (local.get $acc1))
                (v128.store offset=32 align=8 (local.get $so) (local.get $acc2))
                (v128.store offset=48 align=8 (local.get $so) (local.get $acc3))
                (local.set $so (i32.add (local.get $so) (local.get $ld8)))
                (v128.store align=8 (local.get $so) (local.get $acc4))
                (v128.store offset=16 align=8 (local.get $so) (local.get $acc5))
                (v128.store offset=32 align=8 (local.get $so) (local.get $acc6))
                (v128.store offset=48 align=8 (local.get $so) (local.get $acc7))
                (local.set $bcol (i32.add (local.get $bcol) (i32.const 8)))
                (br $cols8_loop)))
            (local.set $bcol (local.get $bcol))
            (block $bcol_done
              (loop $bcol_loop
                (br_if $bcol_done (i32.ge_s (local.get $bcol) (local.get $Dp)))
                (local.set $so
                  (i32.add (local.get $S)
                    (i32.shl (i32.add (i32.mul (local.get $a) (local.get $Dp)) (local.get $bcol))
                      (i32.const 3))))
                (local.set $acc0 (v128.load align=8 (local.get $so)))
                (local.set $acc1 (v128.load align=8 (i32.add (local.get $so) (local.get $ld8))))
                (local.set $pb
                  (i32.add
                    (local.tee $pa
                      (i32.add (local.get $V) (i32.mul (local.get $r0) (local.get $ld8))))
                    (i32.shl (local.get $bcol) (i32.const 3))))
                (local.set $pa (i32.add (local.get $pa) (i32.shl (local.get $a) (i32.const 3))))
                (local.set $r (local.get $r0))
                (block $r_done2
                  (loop $r_loop2
                    (br_if $r_done2 (i32.ge_s (local.get $r) (local.get $rend)))
                    (local.set $x (v128.load64_splat (local.get $pa)))
                    (local.set $y (v128.load64_splat offset=8 (local.get $pa)))
                    (local.set $w (v128.load align=8 (local.get $pb)))
                    (local.set $acc0
                      (f64x2.add (local.get $acc0) (f64x2.mul (local.get $x) (local.get $w))))
                    (local.set $acc1
                      (f64x2.add (local.get $acc1) (f64x2.mul (local.get $y) (local.get $w))))
                    (local.set $pa (i32.add (local.get $pa) (local.get $ld8)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $ld8)))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $r_loop2)))
                (v128.store align=8 (local.get $so) (local.get $acc0))
                (local.set $so (i32.add (local.get $so) (local.get $ld8)))
                (v128.store align=8 (local.get $so) (local.get $acc1))
                (local.set $bcol (i32.add (local.get $bcol) (i32.const 2)))
                (br $bcol_loop)))
            (local.set $a (i32.add (local.get $a) (i32.const 2)))
            (br $a_loop)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
        (br $r0_loop))))

  ;; `moments(Sig, Vk, W, nk, D, Dp, Phi)`: Phi [D, Dp] entries (a, b) with b ≥ a rounded down
  ;; to even of Σ_c (Sig_c[a, b] + Vk_c[a]·Vk_c[b])·W_c, summed sequentially over c = 0..nk−1
  ;; from 0. Sig holds nk i32 byte addresses of [D, Dp] covariances, Vk is [nk, Dp], W [nk].
  ;; Eight columns at a time, then two.
  (func $moments (export "moments") (param $Sig i32) (param $Vk i32) (param $W i32) (param $nk i32)
    (param $D i32) (param $Dp i32) (param $Phi i32)
    (local $a i32) (local $bcol i32) (local $c i32) (local $ld8 i32) (local $sp i32)
    (local $vp i32) (local $va v128) (local $wc v128) (local $acc0 v128) (local $acc1 v128)
    (local $acc2 v128) (local $acc3 v128)
    (local.set $ld8 (i32.shl (local.get $Dp) (i32.const 3)))
    (local.set $a (i32.const 0))
    (block $a_done
      (loop $a_loop
        (br_if $a_done (i32.ge_s (local.get $a) (local.get $D)))
        (local.set $bcol (i32.and (local.get $a) (i32.const -2)))
        (block $cols8_done
          (loop $cols8_loop
            (br_if $cols8_done (i32.gt_s (i32.add (local.get $bcol) (i32.const 8)) (local.get $Dp)))
            (local.set $acc0 (v128.const f64x2 0 0))
            (local.set $acc1 (v128.const f64x2 0 0))
            (local.set $acc2 (v128.const f64x2 0 0))
            (local.set $acc3 (v128.const f64x2 0 0))
            (local.set $c (i32.const 0))
            (block $c_done
              (loop $c_loop
                (br_if $c_done (i32.ge_s (local.get $c) (local.get $nk)))
                (local.set $sp
                  (i32.add
                    (i32.load (i32.add (local.get $Sig) (i32.shl (local.get $c) (i32.const 2))))
                    (i32.shl (i32.add (i32.mul (local.get $a) (local.get $Dp)) (local.get $bcol))
                      (i32.const 3))))
                (local.set $vp (i32.add (local.get $Vk) (i32.mul (local.get $c) (local.get $ld8))))
                (local.set $va
                  (v128.load64_splat
                    (i32.add (local.get $vp) (i32.shl (local.get $a) (i32.const 3)))))
                (local.set $wc
                  (v128.load64_splat
                    (i32.add (local.get $W) (i32.shl (local.get $c) (i32.const 3)))))
                (local.set $vp (i32.add (local.get $vp) (i32.shl (local.get $bcol) (i32.const 3))))
                (local.set $acc0
                  (f64x2.add (local.get $acc0)
                    (f64x2.mul
                      (f64x2.add (v128.load align=8 (local.get $sp))
                        (f64x2.mul (local.get $va) (v128.load align=8 (local.get $vp))))
                      (local.get $wc))))
                (local.set $acc1
                  (f64x2.add (local.get $acc1)
                    (f64x2.mul
                      (f64x2.add (v128.load offset=16 align=8 (local.get $sp))
                        (f64x2.mul (local.get $va) (v128.load offset=16 align=8 (local.get $vp))))
                      (local.get $wc))))
                (local.set $acc2
                  (f64x2.add (local.get $acc2)
                    (f64x2.mul
                      (f64x2.add (v128.load offset=32 align=8 (local.get $sp))
                        (f64x2.mul (local.get $va) (v128.load offset=32 align=8 (local.get $vp))))
                      (local.get $wc))))
                (local.set $acc3
                  (f64x2.add (local.get $acc3)
                    (f64x2.mul
                      (f64x2.add (v128.load offset=48 align=8 (local.get $sp))
                        (f64x2.mul (local.get $va) (v128.load offset=48 align=8 (local.get $vp))))
                      (local.get $wc))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $c_loop)))
            (local.set $sp
              (i32.add (local.get $Phi)
                (i32.shl (i32.add (i32.mul (local.get $a) (local.get $Dp)) (local.get $bcol))
                  (i32.const 3))))
            (v128.store align=8 (local.get $sp) (local.get $acc0))
            (v128.store offset=16 align=8 (local.get $sp) (local.get $acc1))
            (v128.store offset=32 align=8 (local.get $sp) (local.get $acc2))
            (v128.store offset=48 align=8 (local.get $sp) (local.get $acc3))
            (local.set $bcol (i32.add (local.get $bcol) (i32.const 8)))
            (br $cols8_loop)))
        (local.set $bcol (local.get $bcol))
        (block $bcol_done
          (loop $bcol_loop
            (br_if $bcol_done (i32.ge_s (local.get $bcol) (local.get $Dp)))
            (local.set $acc0 (v128.const f64x2 0 0))
            (local.set $c (i32.const 0))
            (block $c_done2
              (loop $c_loop2
                (br_if $c_done2 (i32.ge_s (local.get $c) (local.get $nk)))
                (local.set $sp
                  (i32.add
                    (i32.load (i32.add (local.get $Sig) (i32.shl (local.get $c) (i32.const 2))))
                    (i32.shl (i32.add (i32.mul (local.get $a) (local.get $Dp)) (local.get $bcol))
                      (i32.const 3))))
                (local.set $vp (i32.add (local.get $Vk) (i32.mul (local.get $c) (local.get $ld8))))
                (local.set $va
                  (v128.load64_splat
                    (i32.add (local.get $vp) (i32.shl (local.get $a) (i32.const 3)))))
                (local.set $wc
                  (v128.load64_splat
                    (i32.add (local.get $W) (i32.shl (local.get $c) (i32.const 3)))))
                (local.set $vp (i32.add (local.get $vp) (i32.shl (local.get $bcol) (i32.const 3))))
                (local.set $acc0
                  (f64x2.add (local.get $acc0)
                    (f64x2.mul
                      (f64x2.add (v128.load align=8 (local.get $sp))
                        (f64x2.mul (local.get $va) (v128.load align=8 (local.get $vp))))
                      (local.get $wc))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $c_loop2)))
            (local.set $sp
              (i32.add (local.get $Phi)
                (i32.shl (i32.add (i32.mul (local.get $a) (local.get $Dp)) (local.get $bcol))
                  (i32.const 3))))
            (v128.store align=8 (local.get $sp) (local.get $acc0))
            (local.set $bcol (i32.add (local.get $bcol) (i32.const 2)))
            (br $bcol_loop)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $a_loop))))

  ;; `prep(X, W, N, Dp, V, mu) → m`: for the points p = 0..N−1 of X [N, Dp] with weight
  ;; w_p ≠ 0 (in order): mu += w_p·x_p and the next row of V [m, Dp] = x_p·sqrt(w_p)
  ;; (mu [Dp] accumulates onto its contents). Returns m.
  (func $prep (export "prep") (param $X i32) (param $W i32) (param $N i32) (param $Dp i32)
    (param $V i32) (param $mu i32) (result i32)
    (local $p i32) (local $a8 i32) (local $ld8 i32) (local $xp i32) (local $vp i32) (local $wt f64)
    (local $wv v128) (local $sv v128) (local $x v128)
    (local.set $ld8 (i32.shl (local.get $Dp) (i32.const 3)))
    (local.set $xp (local.get $X))
    (local.set $vp (local.get $V))
    (local.set $p (i32.const 0))
    (block $p_done
      (loop $p_loop
        (br_if $p_done (i32.ge_s (local.get $p) (local.get $N)))
        ;; points of weight 0 are skipped
        (if
          (f64.ne
            (local.tee $wt
              (f64.load (i32.add (local.get $W) (i32.shl (local.get $p) (i32.const 3)))))
            (f64.const 0x0p+0 (;=0;)))
          (then
            (local.set $wv (f64x2.splat (local.get $wt)))
            (local.set $sv (f64x2.splat (f64.sqrt (local.get $wt))))
            (local.set $a8 (i32.const 0))
            (block $a8_done
              (loop $a8_loop
                (br_if $a8_done (i32.ge_s (local.get $a8) (local.get $ld8)))
                (local.set $x (v128.load align=8 (i32.add (local.get $xp) (local.get $a8))))
                (v128.store align=8 (i32.add (local.get $mu) (local.get $a8))
                  (f64x2.add (v128.load align=8 (i32.add (local.get $mu) (local.get $a8)))
                    (f64x2.mul (local.get $wv) (local.get $x))))
                (v128.store align=8 (i32.add (local.get $vp) (local.get $a8))
                  (f64x2.mul (local.get $x) (local.get $sv)))
                (local.set $a8 (i32.add (local.get $a8) (i32.const 16)))
                (br $a8_loop)))
            (local.set $vp (i32.add (local.get $vp) (local.get $ld8)))))
        (local.set $xp (i32.add (local.get $xp) (local.get $ld8)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $p_loop)))
    (i32.div_u (i32.sub (local.get $vp) (local.get $V)) (local.get $ld8)))

  ;; `peak(n, out)`: n iterations of eight independent f64x2 multiply-adds on registers
  ;; (16 multiply-adds per iteration): the arithmetic peak reachable from WebAssembly SIMD.
  ;; x, y and the eight accumulators are read from out[0..20) and the accumulators written back.
  (func $peak (export "peak") (param $n i32) (param $out i32)
    (local $k i32) (local $x v128) (local $y v128) (local $acc0 v128) (local $acc1 v128)
    (local $acc2 v128) (local $acc3 v128) (local $acc4 v128) (local $acc5 v128) (local $acc6 v128)
    (local $acc7 v128)
    (local.set $x (v128.load align=8 (local.get $out)))
    (local.set $y (v128.load offset=16 align=8 (local.get $out)))
    (local.set $acc0 (v128.load offset=32 align=8 (local.get $out)))
    (local.set $acc1 (v128.load offset=48 align=8 (local.get $out)))
    (local.set $acc2 (v128.load offset=64 align=8 (local.get $out)))
    (local.set $acc3 (v128.load offset=80 align=8 (local.get $out)))
    (local.set $acc4 (v128.load offset=96 align=8 (local.get $out)))
    (local.set $acc5 (v128.load offset=112 align=8 (local.get $out)))
    (local.set $acc6 (v128.load offset=128 align=8 (local.get $out)))
    (local.set $acc7 (v128.load offset=144 align=8 (local.get $out)))
    (local.set $k (i32.const 0))
    (block $k_done
      (loop $k_loop
        (br_if $k_done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $acc2 (f64x2.add (local.get $acc2) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $acc3 (f64x2.add (local.get $acc3) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $acc4 (f64x2.add (local.get $acc4) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $acc5 (f64x2.add (local.get $acc5) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $acc6 (f64x2.add (local.get $acc6) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $acc7 (f64x2.add (local.get $acc7) (f64x2.mul (local.get $x) (local.get $y))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $k_loop)))
    (v128.store offset=32 align=8 (local.get $out) (local.get $acc0))
    (v128.store offset=48 align=8 (local.get $out) (local.get $acc1))
    (v128.store offset=64 align=8 (local.get $out) (local.get $acc2))
    (v128.store offset=80 align=8 (local.get $out) (local.get $acc3))
    (v128.store offset=96 align=8 (local.get $out) (local.get $acc4))
    (v128.store offset=112 align=8 (local.get $out) (local.get $acc5))
    (v128.store offset=128 align=8 (local.get $out) (local.get $acc6))
    (v128.store offset=144 align=8 (local.get $out) (local.get $acc7))))
