/**
 * The numerical pieces of mirror-descent guided policy search (Montgomery & Levine 2016, the
 * authors' later simplification of BADMM; reference `AlgorithmMDGPS`): the C-step's cost,
 * constrained against the policy linearisation, and the S-step's regression targets.
 */
import type { LinearGaussianController, QuadraticCost } from '@visuomotor/contracts';
import { type AugmentedCostFn, controllerKlCost, controllerKlTerms } from '@visuomotor/lqr';
import { type PolicyInfo, policyLinearizationController } from './policy-gps.js';

/** Result of {@link mdgpsAugmentedCost}. */
export interface MdgpsAugmentedCost {
  /** Cost supplier for `trajOptUpdate` hooks (reference `AlgorithmMDGPS.compute_costs`). */
  augmentedCost: AugmentedCostFn;
  /**
   * The policy linearisation as a controller (reference `pol_info.traj_distr()`): pass it as
   * the update's `prevController` — the KL bound of the C-step is taken against it.
   */
  policy: LinearGaussianController;
}

/**
 * The MDGPS C-step cost: the Lagrangian of min E_p[c] s.t. KL(p ‖ π̄) ≤ ε divided by η + ω,
 *
 *   fCm_t = (Cm_t + PKLm_t · η) / (η + ω),  fcv_t = (cv_t + PKLv_t · η) / (η + ω),
 *
 * where PKL are the KL terms of the policy linearisation π̄ = N(polK x + polk, polS) and
 * ω = `maxEntTraj` (reference `max_ent_traj`, default 0). No Lagrange multipliers and no value
 * multipliers (ρ_t = 1).
 *
 * @param cost - sample cost expansion (cv `[T, dX+dU]`, Cm `[T, dX+dU, dX+dU]`)
 */
export function mdgpsAugmentedCost(
  cost: QuadraticCost,
  info: PolicyInfo,
  maxEntTraj = 0,
): MdgpsAugmentedCost {
  const policy = policyLinearizationController(info);
  const { T, dX, dU } = policy;
  const n = dX + dU;
  const PKLm = new Float64Array(T * n * n);
  const PKLv = new Float64Array(T * n);
  controllerKlTerms(policy, PKLm, PKLv);
  return { augmentedCost: controllerKlCost(cost, PKLm, PKLv, maxEntTraj, 'mdgps'), policy };
}
