/**
 * The WebAssembly SIMD (f64x2) kernels of the GMM E- and M-steps, written with the emitter in
 * `emit.ts`. Every lane performs exactly the operations of the scalar JavaScript kernels in
 * `src/gmm.ts`, in the same order (separate multiply and add/subtract, no fused multiply-add),
 * so both paths give bit-identical results.
 *
 * All pointers are byte addresses into the module's memory; sizes are element counts.
 */
import { F64, Fn, I32, moduleBytes, V128 } from './emit.js';

/**
 * `trsv{2nv}(L, mu, X, ldx, nblk, D, Z, SS)` (trsv8, trsv6, trsv4): for one cluster (lower
 * Cholesky factor L `[D, D]`, mean mu `[D]`) and `nblk` blocks of 2·nv points stored transposed
 * (X `[D, ldx]`, point p in column p), ss_p = ||L⁻¹ (x_p − mu)||² by forward substitution,
 * written to SS `[2·nv·nblk]`. Per point: s = x_i − mu_i; s −= L_ij z_j (j = 0..i−1, in
 * order); z_i = s / L_ii; ss += z_i². Rows i and i+1 run together (the terms j < i share the
 * loads of z_j). Z is scratch `[D, 2·nv]`.
 */
function trsv(nv: number): Fn {
  const f = new Fn(`trsv${2 * nv}`, [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [L, mu, X, ldx, nblk, D, Z, SS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const b = f.local(I32);
  const i = f.local(I32);
  const xi = f.local(I32);
  const rowL = f.local(I32);
  const lp = f.local(I32);
  const lend = f.local(I32);
  const zj = f.local(I32);
  const zi = f.local(I32);
  const ldx8 = f.local(I32);
  const D8 = f.local(I32);
  const D1 = f.local(I32);
  const m = f.local(V128);
  const l0 = f.local(V128);
  const l1 = f.local(V128);
  const zt = f.local(V128);
  const vecs = () => Array.from({ length: nv }, () => f.local(V128));
  const s0 = vecs();
  const s1 = vecs();
  const ss = vecs();
  const zrow = 16 * nv; // bytes of one row of Z
  f.get(ldx).i32(3).shl().set(ldx8);
  f.get(D).i32(3).shl().set(D8);
  f.get(D).i32(1).sub().set(D1);
  /** s[v] = x_row − mu_row for the row at xi (+ rowOff rows) and mean entry i (+ di). */
  const init = (sv: number[], di: number, xoff: () => void) => {
    f.get(mu)
      .get(i)
      .i32(3)
      .shl()
      .add()
      .load64Splat(8 * di)
      .set(m);
    for (let v = 0; v < nv; v++) {
      xoff();
      f.v128Load(16 * v)
        .get(m)
        .f64x2Sub()
        .set(sv[v]);
    }
  };
  /** z_row = s / L[row, row] (at lp + off), stored at zi (+ zoff), ss += z². */
  const finish = (sv: number[], loff: number, zoff: number) => {
    f.get(lp).load64Splat(loff).set(l0);
    for (let v = 0; v < nv; v++) {
      f.get(sv[v]).get(l0).f64x2Div().set(sv[v]);
      f.get(zi)
        .get(sv[v])
        .v128Store(zoff + 16 * v);
      f.get(ss[v]).get(sv[v]).get(sv[v]).f64x2Mul().f64x2Add().set(ss[v]);
    }
  };
  f.forLt(
    b,
    () => f.i32(0),
    () => f.get(nblk),
    1,
    () => {
      for (let v = 0; v < nv; v++) f.v128Zero().set(ss[v]);
      f.get(X).get(b).i32(zrow).mul().add().set(xi);
      f.get(L).set(rowL);
      f.get(Z).set(zi);
      // Rows i and i+1 together: the terms j < i share the loads of z_j.
      f.forLt(
        i,
        () => f.i32(0),
        () => f.get(D1),
        2,
        () => {
          init(s0, 0, () => f.get(xi));
          init(s1, 1, () => f.get(xi).get(ldx8).add());
          f.get(rowL).tee(lp).get(i).i32(3).shl().add().set(lend);
          f.get(Z).set(zj);
          f.block(() => {
            f.get(lp).get(lend).geS().brIf(0);
            f.loop(() => {
              f.get(lp).load64Splat().set(l0);
              f.get(lp).get(D8).add().load64Splat().set(l1);
              for (let v = 0; v < nv; v++) {
                f.get(zj)
                  .v128Load(16 * v)
                  .set(zt);
                f.get(s0[v]).get(l0).get(zt).f64x2Mul().f64x2Sub().set(s0[v]);
                f.get(s1[v]).get(l1).get(zt).f64x2Mul().f64x2Sub().set(s1[v]);
              }
              f.get(zj).i32(zrow).add().set(zj);
              f.get(lp).i32(8).add().tee(lp).get(lend).ltS().brIf(0);
            });
          });
          // lp = rowL + 8i: row i ends; row i+1 takes its term j = i, then ends.
          finish(s0, 0, 0);
          f.get(lp).get(D8).add().load64Splat().set(l1);
          for (let v = 0; v < nv; v++) {
            f.get(s1[v])
              .get(l1)
              .get(zi)
              .v128Load(16 * v)
              .f64x2Mul()
              .f64x2Sub()
              .set(s1[v]);
          }
          f.get(lp).get(D8).add().set(lp);
          finish(s1, 8, zrow);
          f.get(zi)
            .i32(2 * zrow)
            .add()
            .set(zi);
          f.get(xi).get(ldx8).get(ldx8).add().add().set(xi);
          f.get(rowL).get(D8).get(D8).add().add().set(rowL);
        },
      );
      // An odd last row alone (i = D − 1).
      f.get(i).get(D).ltS();
      f.ifThen(() => {
        init(s0, 0, () => f.get(xi));
        f.get(rowL).tee(lp).get(i).i32(3).shl().add().set(lend);
        f.get(Z).set(zj);
        f.block(() => {
          f.get(lp).get(lend).geS().brIf(0);
          f.loop(() => {
            f.get(lp).load64Splat().set(l0);
            for (let v = 0; v < nv; v++) {
              f.get(s0[v])
                .get(l0)
                .get(zj)
                .v128Load(16 * v)
                .f64x2Mul()
                .f64x2Sub()
                .set(s0[v]);
            }
            f.get(zj).i32(zrow).add().set(zj);
            f.get(lp).i32(8).add().tee(lp).get(lend).ltS().brIf(0);
          });
        });
        finish(s0, 0, 0);
      });
      for (let v = 0; v < nv; v++) {
        f.get(SS)
          .get(b)
          .i32(zrow)
          .mul()
          .add()
          .get(ss[v])
          .v128Store(16 * v);
      }
    },
  );
  return f;
}

/**
 * `trsvTasks(T, ntask, ldx, D, Z)`: the substitution of `ntask` (a multiple of 4) independent
 * tasks, four side by side. Task t is four i32 at T + 16t: L (factor `[D, D]`), mu (`[D]`),
 * x (two points: column pair of a transposed `[D, ldx]` array), ss (two f64 written).
 * Same per-lane arithmetic as {@link trsv8}. Z is scratch `[D, 4·2]`.
 */
function trsvTasks(): Fn {
  const f = new Fn('trsvTasks', [I32, I32, I32, I32, I32]);
  const [T, ntask, ldx, D, Z] = [0, 1, 2, 3, 4];
  const g = f.local(I32);
  const i = f.local(I32);
  const j8 = f.local(I32);
  const i8 = f.local(I32);
  const zj = f.local(I32);
  const zi = f.local(I32);
  const ldx8 = f.local(I32);
  const rowoff = f.local(I32);
  const tp = f.local(I32);
  const Lb = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const mb = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const xb = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const rl = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const s = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const ss = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  f.get(ldx).i32(3).shl().set(ldx8);
  f.forLt(
    g,
    () => f.i32(0),
    () => f.get(ntask),
    4,
    () => {
      f.get(T).get(g).i32(16).mul().add().set(tp);
      for (let t = 0; t < 4; t++) {
        f.get(tp)
          .i32Load(16 * t)
          .set(Lb[t]);
        f.get(tp)
          .i32Load(16 * t + 4)
          .set(mb[t]);
        f.get(tp)
          .i32Load(16 * t + 8)
          .set(xb[t]);
        f.v128Zero().set(ss[t]);
      }
      f.i32(0).set(rowoff);
      f.get(Z).set(zi);
      f.forLt(
        i,
        () => f.i32(0),
        () => f.get(D),
        1,
        () => {
          f.get(i).i32(3).shl().set(i8);
          for (let t = 0; t < 4; t++) {
            f.get(xb[t]).v128Load().get(mb[t]).get(i8).add().load64Splat().f64x2Sub().set(s[t]);
            f.get(Lb[t]).get(rowoff).add().set(rl[t]);
          }
          f.i32(0).set(j8);
          f.get(Z).set(zj);
          f.block(() => {
            f.get(j8).get(i8).geS().brIf(0);
            f.loop(() => {
              for (let t = 0; t < 4; t++) {
                f.get(s[t])
                  .get(rl[t])
                  .get(j8)
                  .add()
                  .load64Splat()
                  .get(zj)
                  .v128Load(16 * t)
                  .f64x2Mul()
                  .f64x2Sub()
                  .set(s[t]);
              }
              f.get(zj).i32(64).add().set(zj);
              f.get(j8).i32(8).add().tee(j8).get(i8).ltS().brIf(0);
            });
          });
          for (let t = 0; t < 4; t++) {
            f.get(s[t]).get(rl[t]).get(i8).add().load64Splat().f64x2Div().set(s[t]);
            f.get(zi)
              .get(s[t])
              .v128Store(16 * t);
            f.get(ss[t]).get(s[t]).get(s[t]).f64x2Mul().f64x2Add().set(ss[t]);
            f.get(xb[t]).get(ldx8).add().set(xb[t]);
          }
          f.get(zi).i32(64).add().set(zi);
          f.get(rowoff).get(D).i32(3).shl().add().set(rowoff);
        },
      );
      for (let t = 0; t < 4; t++) {
        f.get(tp)
          .i32Load(16 * t + 12)
          .get(ss[t])
          .v128Store();
      }
    },
  );
  return f;
}

/** Points per chunk of {@link syrk} (a chunk of V stays in the L1 cache). */
const SYRK_ROWS = 32;

/**
 * `syrk(V, m, Dp, S)`: adds to S `[Dp, Dp]` (zeroed by the caller) the entries (a, b) with
 * b ≥ a rounded down to even (the upper triangle and a few entries below the diagonal) of Vᵀ V for V `[m, Dp]` (Dp even): each
 * entry Σ_r V_ra V_rb summed sequentially over r from 0. Two rows by eight columns at a time,
 * then two rows by two columns.
 */
function syrk(): Fn {
  const f = new Fn('syrk', [I32, I32, I32, I32]);
  const [V, m, Dp, S] = [0, 1, 2, 3];
  const a = f.local(I32);
  const bcol = f.local(I32);
  const r = f.local(I32);
  const r0 = f.local(I32);
  const rend = f.local(I32);
  const pa = f.local(I32);
  const pb = f.local(I32);
  const ld8 = f.local(I32);
  const so = f.local(I32);
  const x = f.local(V128);
  const y = f.local(V128);
  const w = f.local(V128);
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  f.get(Dp).i32(3).shl().set(ld8);
  /** S[a..a+1][b..b+2nv) += Σ_{r0 ≤ r < rend} (sequentially). */
  const kernel = (nv: number) => {
    f.get(S).get(a).get(Dp).mul().get(bcol).add().i32(3).shl().add().set(so);
    for (let v = 0; v < nv; v++)
      f.get(so)
        .v128Load(16 * v)
        .set(acc[v]);
    for (let v = 0; v < nv; v++)
      f.get(so)
        .get(ld8)
        .add()
        .v128Load(16 * v)
        .set(acc[nv + v]);
    f.get(V).get(r0).get(ld8).mul().add().tee(pa).get(bcol).i32(3).shl().add().set(pb);
    f.get(pa).get(a).i32(3).shl().add().set(pa);
    f.forLt(
      r,
      () => f.get(r0),
      () => f.get(rend),
      1,
      () => {
        f.get(pa).load64Splat().set(x);
        f.get(pa).load64Splat(8).set(y);
        for (let v = 0; v < nv; v++) {
          f.get(pb)
            .v128Load(16 * v)
            .set(w);
          f.get(acc[v]).get(x).get(w).f64x2Mul().f64x2Add().set(acc[v]);
          f.get(acc[nv + v])
            .get(y)
            .get(w)
            .f64x2Mul()
            .f64x2Add()
            .set(acc[nv + v]);
        }
        f.get(pa).get(ld8).add().set(pa);
        f.get(pb).get(ld8).add().set(pb);
      },
    );
    for (let v = 0; v < nv; v++)
      f.get(so)
        .get(acc[v])
        .v128Store(16 * v);
    f.get(so).get(ld8).add().set(so);
    for (let v = 0; v < nv; v++)
      f.get(so)
        .get(acc[nv + v])
        .v128Store(16 * v);
  };
  // Chunks of SYRK_ROWS points, so that all row-column blocks of a chunk run from L1.
  f.forLt(
    r0,
    () => f.i32(0),
    () => f.get(m),
    SYRK_ROWS,
    () => {
      f.get(r0).i32(SYRK_ROWS).add().get(m).get(r0).i32(SYRK_ROWS).add().get(m).ltS().select();
      f.set(rend);
      f.forLt(
        a,
        () => f.i32(0),
        () => f.get(Dp),
        2,
        () => {
          f.get(a).set(bcol);
          // eight columns at a time while bcol + 8 <= Dp
          f.block(() => {
            f.loop(() => {
              f.get(bcol).i32(8).add().get(Dp).gtS().brIf(1);
              kernel(4);
              f.get(bcol).i32(8).add().set(bcol).br(0);
            });
          });
          f.forLt(
            bcol,
            () => f.get(bcol),
            () => f.get(Dp),
            2,
            () => kernel(1),
          );
        },
      );
    },
  );
  return f;
}

/**
 * `moments(Sig, Vk, W, nk, D, Dp, Phi)`: Phi `[D, Dp]` entries (a, b) with b ≥ a rounded down
 * to even of Σ_c (Sig_c[a, b] + Vk_c[a]·Vk_c[b])·W_c, summed sequentially over c = 0..nk−1
 * from 0. Sig holds nk i32 byte addresses of `[D, Dp]` covariances, Vk is `[nk, Dp]`, W `[nk]`.
 * Eight columns at a time, then two.
 */
function moments(): Fn {
  const f = new Fn('moments', [I32, I32, I32, I32, I32, I32, I32]);
  const [Sig, Vk, W, nk, D, Dp, Phi] = [0, 1, 2, 3, 4, 5, 6];
  const a = f.local(I32);
  const bcol = f.local(I32);
  const c = f.local(I32);
  const ld8 = f.local(I32);
  const sp = f.local(I32);
  const vp = f.local(I32);
  const va = f.local(V128);
  const w = f.local(V128);
  const acc = Array.from({ length: 4 }, () => f.local(V128));
  f.get(Dp).i32(3).shl().set(ld8);
  const kernel = (nv: number) => {
    for (let v = 0; v < nv; v++) f.v128Zero().set(acc[v]);
    f.forLt(
      c,
      () => f.i32(0),
      () => f.get(nk),
      1,
      () => {
        // sp = Sig[c] + (a·Dp + b)·8, vp = Vk + c·Dp·8
        f.get(Sig).get(c).i32(2).shl().add().i32Load();
        f.get(a).get(Dp).mul().get(bcol).add().i32(3).shl().add().set(sp);
        f.get(Vk).get(c).get(ld8).mul().add().set(vp);
        f.get(vp).get(a).i32(3).shl().add().load64Splat().set(va);
        f.get(W).get(c).i32(3).shl().add().load64Splat().set(w);
        f.get(vp).get(bcol).i32(3).shl().add().set(vp);
        for (let v = 0; v < nv; v++) {
          f.get(acc[v])
            .get(sp)
            .v128Load(16 * v)
            .get(va)
            .get(vp)
            .v128Load(16 * v)
            .f64x2Mul()
            .f64x2Add()
            .get(w)
            .f64x2Mul()
            .f64x2Add()
            .set(acc[v]);
        }
      },
    );
    f.get(Phi).get(a).get(Dp).mul().get(bcol).add().i32(3).shl().add().set(sp);
    for (let v = 0; v < nv; v++)
      f.get(sp)
        .get(acc[v])
        .v128Store(16 * v);
  };
  f.forLt(
    a,
    () => f.i32(0),
    () => f.get(D),
    1,
    () => {
      f.get(a).i32(-2).and().set(bcol);
      f.block(() => {
        f.loop(() => {
          f.get(bcol).i32(8).add().get(Dp).gtS().brIf(1);
          kernel(4);
          f.get(bcol).i32(8).add().set(bcol).br(0);
        });
      });
      f.forLt(
        bcol,
        () => f.get(bcol),
        () => f.get(Dp),
        2,
        () => kernel(1),
      );
    },
  );
  return f;
}

/**
 * `prep(X, w, N, Dp, V, mu) → m`: for the points p = 0..N−1 of X `[N, Dp]` with weight
 * w_p ≠ 0 (in order): mu += w_p·x_p and the next row of V `[m, Dp]` = x_p·sqrt(w_p)
 * (mu `[Dp]` accumulates onto its contents). Returns m.
 */
function prep(): Fn {
  const f = new Fn('prep', [I32, I32, I32, I32, I32, I32], [I32]);
  const [X, W, N, Dp, V, mu] = [0, 1, 2, 3, 4, 5];
  const p = f.local(I32);
  const a8 = f.local(I32);
  const ld8 = f.local(I32);
  const xp = f.local(I32);
  const vp = f.local(I32);
  const wt = f.local(F64);
  const wv = f.local(V128);
  const sv = f.local(V128);
  const x = f.local(V128);
  f.get(Dp).i32(3).shl().set(ld8);
  f.get(X).set(xp);
  f.get(V).set(vp);
  f.forLt(
    p,
    () => f.i32(0),
    () => f.get(N),
    1,
    () => {
      f.get(W).get(p).i32(3).shl().add().f64Load().tee(wt);
      f.f64Const0().f64Ne();
      f.ifThen(() => {
        f.get(wt).f64x2Splat().set(wv);
        f.get(wt).f64Sqrt().f64x2Splat().set(sv);
        f.forLt(
          a8,
          () => f.i32(0),
          () => f.get(ld8),
          16,
          () => {
            f.get(xp).get(a8).add().v128Load().set(x);
            f.get(mu).get(a8).add();
            f.get(mu).get(a8).add().v128Load().get(wv).get(x).f64x2Mul().f64x2Add();
            f.v128Store();
            f.get(vp).get(a8).add().get(x).get(sv).f64x2Mul().v128Store();
          },
        );
        f.get(vp).get(ld8).add().set(vp);
      });
      f.get(xp).get(ld8).add().set(xp);
    },
  );
  // m = (vp − V) / (8·Dp)
  f.get(vp).get(V).sub().get(ld8).divU();
  return f;
}

/**
 * `peak(n, out)`: n iterations of eight independent f64x2 multiply-adds on registers
 * (16 multiply-adds per iteration): the arithmetic peak reachable from WebAssembly SIMD.
 */
function peak(): Fn {
  const f = new Fn('peak', [I32, I32]);
  const [n, out] = [0, 1];
  const k = f.local(I32);
  const x = f.local(V128);
  const y = f.local(V128);
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  f.get(out).v128Load().set(x);
  f.get(out).v128Load(16).set(y);
  for (let v = 0; v < 8; v++)
    f.get(out)
      .v128Load(16 * (v + 2))
      .set(acc[v]);
  f.forLt(
    k,
    () => f.i32(0),
    () => f.get(n),
    1,
    () => {
      for (let v = 0; v < 8; v++) {
        f.get(acc[v]).get(x).get(y).f64x2Mul().f64x2Add().set(acc[v]);
      }
    },
  );
  for (let v = 0; v < 8; v++)
    f.get(out)
      .get(acc[v])
      .v128Store(16 * (v + 2));
  return f;
}

/** The module: memory (initially 16 pages = 1 MiB, grown by the host) and the kernels. */
export function kernelModule(): Uint8Array {
  return moduleBytes(
    [trsv(4), trsvTasks(), syrk(), moments(), prep(), peak(), trsv(3), trsv(2)],
    16,
  );
}
