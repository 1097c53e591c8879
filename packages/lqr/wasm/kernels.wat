;; WebAssembly SIMD (f64x2) kernel of @visuomotor/lqr: the O(n³) products of the backward pass
;; (Fmᵀ Vxx Fm through the Cholesky factor of Vxx) and of the forward pass (Fm Σ Fmᵀ) are both
;; written as products C = A Bᵀ of row-major operands whose rows are contiguous in k.
;; Assembled by `pnpm build:wasm` (scripts/wat-to-ts.mjs at the repository root) into src/wasm-kernels-bytes.ts; the host side is src/wasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; Upper Cholesky factor in place: A (m x m at byte offset $a, row stride $ld elements)
  ;; holds the upper triangle of a symmetric matrix (the lower part is not read and stays as
  ;; it is); on return the upper triangle holds R with A = Rᵀ R. Right-looking, by rows, the
  ;; operations of cholUpperRows in kernels.ts in the same order (each trailing-row update is
  ;; elementwise, two elements per f64x2), so both give identical factors.
  ;; Returns 0, or the 1-based order of the first leading minor that is not positive definite.
  (func (export "cholUpper") (param $a i32) (param $ld i32) (param $m i32) (result i32)
    (local $j i32) (local $i i32) (local $c i32)
    (local $rj i32) (local $ri i32) (local $end i32)
    (local $d f64) (local $inv f64) (local $v f64) (local $vv v128)
    (local.set $ld (i32.shl (local.get $ld) (i32.const 3)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $jLoop
        (br_if $done (i32.ge_s (local.get $j) (local.get $m)))
        ;; rj = address of R[j, 0]
        (local.set $rj (i32.add (local.get $a) (i32.mul (local.get $j) (local.get $ld))))
        (local.set $end (i32.add (local.get $rj) (i32.shl (local.get $m) (i32.const 3))))
        (local.set $d (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3)))))
        (if (i32.eqz (f64.gt (local.get $d) (f64.const 0)))
          (then (return (i32.add (local.get $j) (i32.const 1)))))
        (local.set $d (f64.sqrt (local.get $d)))
        (f64.store (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))) (local.get $d))
        (local.set $inv (f64.div (f64.const 1) (local.get $d)))
        ;; R[j, c] *= inv for c > j
        (local.set $c (i32.add (local.get $rj) (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 3))))
        (block $sDone
          (loop $sLoop
            (br_if $sDone (i32.ge_u (local.get $c) (local.get $end)))
            (f64.store (local.get $c) (f64.mul (f64.load (local.get $c)) (local.get $inv)))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            (br $sLoop)))
        ;; trailing rows i > j: R[i, c] -= R[j, i] R[j, c] for c ≥ i
        (local.set $i (i32.add (local.get $j) (i32.const 1)))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $v (f64.load (i32.add (local.get $rj) (i32.shl (local.get $i) (i32.const 3)))))
            (if (f64.ne (local.get $v) (f64.const 0))
              (then
                (local.set $vv (f64x2.splat (local.get $v)))
                ;; ri = address of R[i, 0]; c runs over the byte offset of column c in a row
                (local.set $ri (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ld))))
                (local.set $c (i32.shl (local.get $i) (i32.const 3)))
                (block $cDone
                  (loop $cLoop
                    (br_if $cDone
                      (i32.gt_s (i32.add (local.get $c) (i32.const 16)) (i32.shl (local.get $m) (i32.const 3))))
                    (v128.store (i32.add (local.get $ri) (local.get $c))
                      (f64x2.sub
                        (v128.load (i32.add (local.get $ri) (local.get $c)))
                        (f64x2.mul (local.get $vv) (v128.load (i32.add (local.get $rj) (local.get $c))))))
                    (local.set $c (i32.add (local.get $c) (i32.const 16)))
                    (br $cLoop)))
                (if (i32.lt_s (local.get $c) (i32.shl (local.get $m) (i32.const 3)))
                  (then
                    (f64.store (i32.add (local.get $ri) (local.get $c))
                      (f64.sub
                        (f64.load (i32.add (local.get $ri) (local.get $c)))
                        (f64.mul (local.get $v) (f64.load (i32.add (local.get $rj) (local.get $c))))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jLoop)))
    (i32.const 0)
  )

  ;; C[i, j] = Σ_k A[i, k] B[j, k] for 0 ≤ i < M, 0 ≤ j < N, in 2 x 4 blocks of C with the
  ;; k axis in f64x2 lanes (lane 0 sums the even k, lane 1 the odd k; the two are added at the
  ;; end). Addresses are byte offsets of 16-byte aligned row-major arrays; lda, ldb, ldc are row
  ;; strides in elements (even). Requirements (the host pads with zeros): M even, N a multiple
  ;; of 4, K even, rows M-1 of A and N-1 of B exist.
  ;; upper ≠ 0: only blocks with j ≥ (i rounded down to a multiple of 4) are computed (enough
  ;; for the upper triangle of a symmetric C).
  ;; triB ≠ 0: B is upper triangular (B[j, k] = 0 for k < j), so the sum starts at k = j.
  (func (export "gemmNT")
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32)
    (param $M i32) (param $N i32) (param $K i32)
    (param $upper i32) (param $triB i32)
    (local $i i32) (local $j i32) (local $kb i32) (local $kEnd i32)
    (local $a0 i32) (local $a1 i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $c0 i32) (local $c1 i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    ;; strides in bytes
    (local.set $lda (i32.shl (local.get $lda) (i32.const 3)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $kEnd (i32.shl (local.get $K) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_s (local.get $i) (local.get $M)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $lda)))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
        (local.set $c1 (i32.add (local.get $c0) (local.get $ldc)))
        (local.set $j
          (select
            (i32.and (local.get $i) (i32.const -4))
            (i32.const 0)
            (local.get $upper)))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_s (local.get $j) (local.get $N)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $ldb))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $ldb)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $ldb)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $ldb)))
            (local.set $kb
              (select
                (i32.shl (local.get $j) (i32.const 3))
                (i32.const 0)
                (local.get $triB)))
            (local.set $s00 (v128.const f64x2 0 0))
            (local.set $s01 (v128.const f64x2 0 0))
            (local.set $s02 (v128.const f64x2 0 0))
            (local.set $s03 (v128.const f64x2 0 0))
            (local.set $s10 (v128.const f64x2 0 0))
            (local.set $s11 (v128.const f64x2 0 0))
            (local.set $s12 (v128.const f64x2 0 0))
            (local.set $s13 (v128.const f64x2 0 0))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_s (local.get $kb) (local.get $kEnd)))
                (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $kb))))
                (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $kb))))
                (local.set $y (v128.load (i32.add (local.get $b0) (local.get $kb))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $b1) (local.get $kb))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $b2) (local.get $kb))))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y))))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $b3) (local.get $kb))))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y))))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y))))
                (local.set $kb (i32.add (local.get $kb) (i32.const 16)))
                (br $kLoop)))
            (local.set $kb (i32.shl (local.get $j) (i32.const 3)))
            (f64.store offset=0 (i32.add (local.get $c0) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00))))
            (f64.store offset=8 (i32.add (local.get $c0) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01))))
            (f64.store offset=16 (i32.add (local.get $c0) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s02)) (f64x2.extract_lane 1 (local.get $s02))))
            (f64.store offset=24 (i32.add (local.get $c0) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s03)) (f64x2.extract_lane 1 (local.get $s03))))
            (f64.store offset=0 (i32.add (local.get $c1) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10))))
            (f64.store offset=8 (i32.add (local.get $c1) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11))))
            (f64.store offset=16 (i32.add (local.get $c1) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s12)) (f64x2.extract_lane 1 (local.get $s12))))
            (f64.store offset=24 (i32.add (local.get $c1) (local.get $kb))
              (f64.add (f64x2.extract_lane 0 (local.get $s13)) (f64x2.extract_lane 1 (local.get $s13))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $iLoop)))
  )
)
