/**
 * Normal-inverse-Wishart prior on a joint Gaussian over points of dimension D:
 * mean mu0 `[D]`, scatter Phi `[D, D]`, mean strength m and degrees-of-freedom strength n0.
 */
export interface NiwPrior {
  mu0: Float64Array;
  Phi: Float64Array;
  m: number;
  n0: number;
}

/**
 * A prior over time-varying linear dynamics (paper Appendix A.3). The dynamics fit asks it
 * for a normal-inverse-Wishart prior on [x_t; u_t; x_{t+1}] at each step.
 * Implementations: none, the Gaussian-mixture prior, or anything user-supplied.
 */
export interface DynamicsPrior {
  /**
   * Add a batch of trajectories to the prior's data and refit it.
   *
   * @param X - states `[N, T, dX]`
   * @param U - actions `[N, T, dU]`
   */
  update(X: Float64Array, U: Float64Array, N: number, T: number, dX: number, dU: number): void;
  /**
   * The prior for the points `pts` `[N, dX+dU+dX]` of one time step, or null for no prior.
   *
   * @param out - optional prior (mu0 `[D]`, Phi `[D, D]`, D = dX+dU+dX) that an
   *   implementation may fill and return instead of allocating; callers must use the returned
   *   object, which may be a different one.
   */
  eval(pts: Float64Array, N: number, dX: number, dU: number, out?: NiwPrior): NiwPrior | null;
  /** Prior on the initial state `[dX]`, or null. */
  initialState(): NiwPrior | null;
}
