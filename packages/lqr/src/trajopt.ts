import {
  cloneController,
  InvalidArgumentError,
  type LinearGaussianController,
  type LinearGaussianDynamics,
  type QuadraticCost,
} from '@visuomotor/contracts';
import {
  type BackwardHooks,
  type BackwardOptions,
  backwardPerStepRaw,
  backwardScalarRaw,
  checkNu,
  controllerKlCost,
  controllerKlTerms,
  resolveBackwardOptions,
} from './backward.js';
import { LqrNonFiniteError, ReferenceCrashError } from './errors.js';
import { forwardRaw } from './forward.js';
import { npMean, npSum } from './kernels.js';
import { type KlScratch, klScratch, klSelfAt, prevKlCache, trajDistrKlAlt } from './kl.js';
import { pyE2, pyF } from './pyfmt.js';
import { checkController, checkCost, checkDynamics } from './validate.js';
import { LqrWorkspace, type TrajectoryMarginals, zeroMarginals } from './workspace.js';

/** Adam settings of the per-step dual search (reference ALPHA, BETA1, BETA2, EPS). */
export interface AdamOptions {
  alpha: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** Options of the KL-constrained update (defaults: reference `TRAJ_OPT_LQR` and constants). */
export interface TrajOptOptions extends BackwardOptions {
  /** Lower end of the initial eta bracket (reference `min_eta`). Default 1e-8. */
  minEta?: number;
  /** Upper end of the initial eta bracket (reference `max_eta`). Default 1e16. */
  maxEta?: number;
  /** Dual-search iterations in scalar mode (reference `DGD_MAX_ITER`). Default 50. */
  maxIterations?: number;
  /** Bracketing iterations in per-step mode (reference `DGD_MAX_LS_ITER`). Default 20. */
  perStepBracketIterations?: number;
  /** Adam iterations in per-step mode after bracketing (reference `DGD_MAX_GD_ITER`). Default 200. */
  perStepAdamIterations?: number;
  /** Adam constants. Default {alpha: 0.005, beta1: 0.9, beta2: 0.999, eps: 1e-8}. */
  adam?: Partial<AdamOptions>;
  /**
   * Reference `use_prev_distr`: measure the KL with {@link trajDistrKlAlt} under the previous
   * controller's state marginals instead of the new controller's. Default false.
   */
  usePrevDistr?: boolean;
  /** ω of the maximum-entropy objective (reference `max_ent_traj`). Default 0. */
  maxEntTraj?: number;
  /**
   * What eta to return when the search ends without meeting the constraint. The reference
   * returns the eta it would have tried next (not the one that produced the returned
   * controller): `'reference'` (default). `'used'` returns the eta of the returned controller.
   */
  etaOnNonConvergence?: 'reference' | 'used';
  /** Condition index printed in the log lines. Default 0. */
  condition?: number;
}

/** One backward pass of the dual search. */
export interface DgdTraceEntry {
  /** eta passed to the backward pass. */
  etaIn: number | Float64Array;
  /** eta it returned (larger iff the non-PD repair ran). */
  etaOut: number | Float64Array;
  /** Total KL (scalar mode) or per-step KL (per-step mode) of the resulting controller. */
  kl: number | Float64Array;
}

/** Inputs of {@link trajOptUpdate}. */
export interface TrajOptInput {
  /** Fitted dynamics: Fm `[T, dX, dX+dU]`, fv, dynCovar, x0mu, x0sigma. */
  dynamics: LinearGaussianDynamics;
  /** Quadratic cost expansion: cc `[T]`, cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`. */
  cost: QuadraticCost;
  /**
   * The distribution the KL is constrained against: the previous controller (trajectory-only,
   * BADMM) or the policy linearisation (MDGPS).
   */
  prevController: LinearGaussianController;
  /** Starting eta: a number (scalar mode) or `[T]` (per-step mode; a number is broadcast). */
  eta0: number | Float64Array;
  /**
   * The KL bound epsilon. Scalar mode: the bound on the total KL over all steps (the
   * reference's base_kl_step · step_mult · T). Per-step mode: `[T]` or a number broadcast to
   * every step (the reference crashes on a scalar there).
   */
  klStep: number | Float64Array;
  /** Per-time-step constraints (reference `cons_per_step`). Default: false. */
  perStep?: boolean;
  options?: TrajOptOptions;
  hooks?: BackwardHooks;
  /** Reusable buffers for (T, dX, dU). */
  workspace?: LqrWorkspace;
}

/** Result of {@link trajOptUpdate}. */
export interface TrajOptResult {
  /** The new controller (a fresh copy). */
  controller: LinearGaussianController;
  /** Final eta: a number, or `[T]` in per-step mode. */
  eta: number | Float64Array;
  /** Every backward pass in order (same bracket path as the reference). */
  trace: DgdTraceEntry[];
  /** Number of backward passes. */
  backwardCalls: number;
  /** Per-step KL of the returned controller `[T]`. */
  klPerStep: Float64Array;
  /** Total KL of the returned controller. */
  kl: number;
  /** Whether the constraint was met (|KL − ε| < 0.1 ε, per step in per-step mode). */
  converged: boolean;
  /** Forward marginals of the returned controller (of the previous one when `usePrevDistr`). */
  marginals: TrajectoryMarginals;
}

interface Ctx {
  d: LinearGaussianDynamics;
  prev: LinearGaussianController;
  ws: LqrWorkspace;
  usePrevDistr: boolean;
  scratch: KlScratch;
  /** KL_t of the candidate, evaluated inside the forward pass. */
  klStep: (t: number) => void;
}

function measureKl(c: Ctx): void {
  const { ws, d, prev } = c;
  if (!c.usePrevDistr) {
    forwardRaw(ws.ctrl, d, ws.marg.mu, ws.marg.sigma, ws.fwd, d.T, d.dX, d.dU, c.klStep, true);
  } else {
    trajDistrKlAlt(ws.margPrev, ws.ctrl, prev, ws.kl, c.scratch);
  }
}

/**
 * The KL-constrained trajectory update of guided policy search (paper Section 4.2, eq. (3)
 * and Appendix A.4; reference `TrajOptLQRPython.update`): find the controller minimising the
 * expected cost subject to KL(p(τ) ‖ p̂(τ)) ≤ ε by dual gradient descent on eta.
 *
 * Scalar mode brackets eta in log space: starting from [minEta, maxEta] and eta0, each
 * backward/forward pass measures the total KL; when |KL − ε| < 0.1 ε it stops; if KL < ε
 * (eta too big) maxEta = eta and eta = max(√(minEta·maxEta), 0.1·maxEta), else minEta = eta and
 * eta = min(√(minEta·maxEta), 10·minEta). The eta returned by the non-PD repair is what the
 * bracket continues from.
 *
 * Per-step mode (reference `cons_per_step`, used by PILQR) keeps one eta per step, brackets
 * each for up to 20 iterations, then runs Adam on eta[0..T−2] for up to 200 iterations.
 *
 * @throws {@link EtaOutOfBoundsError} when a backward pass cannot be repaired
 */
export function trajOptUpdate(input: TrajOptInput): TrajOptResult {
  const { dynamics: d, cost, prevController: prev } = input;
  const { T, dX, dU } = checkDynamics(d);
  checkCost('cost', cost, T, dX, dU);
  checkController('prevController', prev, T, dX, dU);
  const o = input.options ?? {};
  const hooks = input.hooks ?? {};
  const cfg = resolveBackwardOptions(o);
  const ws = input.workspace?.fits(T, dX, dU) ? input.workspace : new LqrWorkspace(T, dX, dU);
  const log = o.log;
  const m = o.condition ?? 0;
  const minEta0 = o.minEta ?? 1e-8;
  const maxEta0 = o.maxEta ?? 1e16;
  const usePrevDistr = o.usePrevDistr ?? false;
  if (!(minEta0 > 0) || !(maxEta0 > minEta0)) {
    throw new InvalidArgumentError('minEta/maxEta', '0 < minEta < maxEta', { minEta0, maxEta0 });
  }
  if (hooks.nu) checkNu(hooks.nu, T);
  const scratch = klScratch(dX, dU);
  const cache = prevKlCache(prev);
  const ctx: Ctx = {
    d,
    prev,
    ws,
    usePrevDistr,
    scratch,
    klStep: (t) => {
      // forwardRaw uses ws.fwd.simd (sized for this workspace); its memory holds Σ_x of step t
      ws.kl[t] = klSelfAt(t, ws.marg, ws.ctrl, prev, scratch, cache, ws.fwd.simd);
    },
  };
  ws.prepareDynamics(d.Fm);
  if (usePrevDistr) {
    forwardRaw(prev, d, ws.margPrev.mu, ws.margPrev.sigma, ws.fwd, T, dX, dU, undefined, true);
  }
  const trace: DgdTraceEntry[] = [];
  let calls = 0;
  let converged = false;
  let etaOut: number | Float64Array;

  if (!input.perStep) {
    if (typeof input.eta0 !== 'number' || !(input.eta0 > 0)) {
      throw new InvalidArgumentError('eta0', 'a positive number in scalar mode', input.eta0);
    }
    if (typeof input.klStep !== 'number' || !(input.klStep > 0)) {
      throw new InvalidArgumentError('klStep', 'a positive number in scalar mode', input.klStep);
    }
    const klStep = input.klStep;
    let costFn = hooks.augmentedCost;
    if (!costFn) {
      controllerKlTerms(prev, ws.PKLm, ws.PKLv, ws.KQ);
      costFn = controllerKlCost(cost, ws.PKLm, ws.PKLv, o.maxEntTraj ?? 0);
    }
    let eta = input.eta0;
    let minEta = minEta0;
    let maxEta = maxEta0;
    let usedEta = eta;
    let kl = Number.NaN;
    log?.(`Running DGD for trajectory ${m}, eta: ${pyF(eta)}`);
    const maxIt = o.maxIterations ?? 50;
    for (let itr = 0; itr < maxIt; itr++) {
      log?.(`Iteration ${itr}, bracket: (${pyE2(minEta)} , ${pyE2(eta)} , ${pyE2(maxEta)})`);
      const etaIn = eta;
      eta = backwardScalarRaw(d, prev, eta, costFn, hooks.nu, cfg, ws, ws.ctrl).eta;
      usedEta = eta;
      calls++;
      measureKl(ctx);
      kl = npSum(ws.kl);
      trace.push({ etaIn, etaOut: eta, kl });
      const con = kl - klStep;
      if (Math.abs(con) < 0.1 * klStep) {
        log?.(`KL: ${pyF(kl)} / ${pyF(klStep)}, converged iteration ${itr}`);
        converged = true;
        break;
      }
      let newEta: number;
      if (con < 0) {
        maxEta = eta;
        const geom = Math.sqrt(minEta * maxEta);
        newEta = Math.max(geom, 0.1 * maxEta);
        log?.(`KL: ${pyF(kl)} / ${pyF(klStep)}, eta too big, new eta: ${pyF(newEta)}`);
      } else {
        minEta = eta;
        const geom = Math.sqrt(minEta * maxEta);
        newEta = Math.min(geom, 10.0 * minEta);
        log?.(`KL: ${pyF(kl)} / ${pyF(klStep)}, eta too small, new eta: ${pyF(newEta)}`);
      }
      eta = newEta;
    }
    if (!converged && kl > klStep) {
      log?.('Final KL divergence after DGD convergence is too high.');
    }
    etaOut = converged || o.etaOnNonConvergence === 'used' ? usedEta : eta;
  } else {
    if (hooks.nu) {
      throw new ReferenceCrashError(
        'trajOptUpdate (per-step constraints with BADMM nu)',
        'the value multiplier (nu[t+1] + eta)/(nu[t] + eta) broadcasts a [T] vector against a matrix',
      );
    }
    const eta = new Float64Array(T);
    if (typeof input.eta0 === 'number') eta.fill(input.eta0);
    else {
      if (input.eta0.length !== T) throw new InvalidArgumentError('eta0', `[${T}]`, input.eta0);
      eta.set(input.eta0);
    }
    const klStep = new Float64Array(T);
    if (typeof input.klStep === 'number') klStep.fill(input.klStep);
    else {
      if (input.klStep.length !== T)
        throw new InvalidArgumentError('klStep', `[${T}]`, input.klStep);
      klStep.set(input.klStep);
    }
    for (let t = 0; t < T; t++) {
      if (!(eta[t] > 0)) throw new InvalidArgumentError(`eta0[${t}]`, 'a positive number', eta[t]);
      if (!(klStep[t] > 0))
        throw new InvalidArgumentError(`klStep[${t}]`, 'a positive number', klStep[t]);
    }
    const minEta = new Float64Array(T).fill(minEta0);
    const maxEta = new Float64Array(T).fill(maxEta0);
    const con = new Float64Array(T);
    const h = T - 1;
    const convCheck = (): boolean => {
      for (let t = 0; t < T; t++) if (!(Math.abs(con[t]) < 0.1 * klStep[t])) return false;
      return true;
    };
    const run = (): void => {
      const etaIn = eta.slice();
      backwardPerStepRaw(d, cost, prev, eta, cfg, ws, ws.ctrl);
      calls++;
      measureKl(ctx);
      for (let t = 0; t < T; t++) con[t] = ws.kl[t] - klStep[t];
      trace.push({ etaIn, etaOut: eta.slice(), kl: ws.kl.slice() });
    };
    const avgLine = () =>
      `avg KL: ${pyF(npMean(ws.kl, 0, h))} / ${pyF(npMean(klStep, 0, h))}, avg new eta: ${pyF(npMean(eta, 0, h))}`;
    const convLine = (itr: number) =>
      `KL: ${pyF(npMean(ws.kl, 0, h))} / ${pyF(npMean(klStep, 0, h))}, converged iteration ${itr}`;
    log?.(`Running DGD for trajectory ${m}, avg eta: ${pyF(npMean(eta, 0, h))}`);
    const lsIt = o.perStepBracketIterations ?? 20;
    for (let itr = 0; itr < lsIt; itr++) {
      run();
      if (convCheck()) {
        log?.(convLine(itr));
        converged = true;
        break;
      }
      for (let t = 0; t < T; t++) {
        if (con[t] < 0) {
          maxEta[t] = eta[t];
          const geom = Math.sqrt(minEta[t] * maxEta[t]);
          eta[t] = Math.max(geom, 0.1 * maxEta[t]);
        } else {
          minEta[t] = eta[t];
          const geom = Math.sqrt(minEta[t] * maxEta[t]);
          eta[t] = Math.min(geom, 10.0 * minEta[t]);
        }
      }
      if (itr % 10 === 0) log?.(avgLine());
    }
    if (!converged && calls > 0) {
      const adam = { alpha: 0.005, beta1: 0.9, beta2: 0.999, eps: 1e-8, ...o.adam };
      const mb = new Float64Array(h);
      const vb = new Float64Array(h);
      const gdIt = o.perStepAdamIterations ?? 200;
      for (let itr = 0; itr < gdIt; itr++) {
        run();
        if (convCheck()) {
          log?.(convLine(itr));
          converged = true;
          break;
        }
        const c1 = 1 - adam.beta1 ** (itr + 1);
        const c2 = 1 - adam.beta2 ** (itr + 1);
        for (let t = 0; t < h; t++) {
          mb[t] = adam.beta1 * mb[t] + (1 - adam.beta1) * con[t];
          const mu = mb[t] / c1;
          vb[t] = adam.beta2 * vb[t] + (1 - adam.beta2) * (con[t] * con[t]);
          const vu = vb[t] / c2;
          const e = Math.max(eta[t] + (adam.alpha * mu) / (Math.sqrt(vu) + adam.eps), minEta0);
          eta[t] = Math.min(e, maxEta0);
        }
        if (itr % 10 === 0) log?.(avgLine());
      }
    }
    if (!converged && npMean(ws.kl) > npMean(klStep)) {
      log?.('Final KL divergence after DGD convergence is too high.');
    }
    etaOut = eta;
    if (!converged && o.etaOnNonConvergence === 'used' && trace.length > 0) {
      etaOut = (trace[trace.length - 1].etaOut as Float64Array).slice();
    }
  }
  for (let i = 0; i < ws.ctrl.K.length; i++) {
    if (!Number.isFinite(ws.ctrl.K[i])) {
      throw new LqrNonFiniteError('trajOptUpdate: controller gain K', Math.floor(i / (dU * dX)));
    }
  }
  for (let i = 0; i < ws.ctrl.k.length; i++) {
    if (!Number.isFinite(ws.ctrl.k[i])) {
      throw new LqrNonFiniteError('trajOptUpdate: controller offset k', Math.floor(i / dU));
    }
  }
  // The result owns its marginals: hand over the workspace's buffers (no copy) and give the
  // workspace fresh ones for the next update.
  let margOut: TrajectoryMarginals;
  if (usePrevDistr) {
    margOut = ws.margPrev;
    ws.margPrev = zeroMarginals(T, dX, dU);
  } else {
    margOut = ws.marg;
    ws.marg = zeroMarginals(T, dX, dU);
  }
  return {
    controller: cloneController(ws.ctrl),
    eta: etaOut,
    trace,
    backwardCalls: calls,
    klPerStep: ws.kl.slice(),
    kl: npSum(ws.kl),
    converged,
    marginals: margOut,
  };
}

/**
 * A reusable KL-constrained LQR solver for one problem size: holds the {@link LqrWorkspace}
 * so that repeated updates (iterations, conditions) allocate nothing in their inner loops.
 */
export class KlConstrainedLqr {
  readonly workspace: LqrWorkspace;
  constructor(
    readonly T: number,
    readonly dX: number,
    readonly dU: number,
    readonly options: TrajOptOptions = {},
  ) {
    this.workspace = new LqrWorkspace(T, dX, dU);
  }

  /** Run {@link trajOptUpdate} with this solver's workspace and default options. */
  update(input: Omit<TrajOptInput, 'workspace'>): TrajOptResult {
    return trajOptUpdate({
      ...input,
      options: { ...this.options, ...input.options },
      workspace: this.workspace,
    });
  }
}
