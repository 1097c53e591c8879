/**
 * A stochastic policy u_t ~ pi(u | x_t, o_t). Linear-Gaussian controllers and neural
 * policies both implement it, so agents can roll out either.
 */
export interface Policy {
  /** Action dimension. */
  readonly dU: number;
  /**
   * Write the action for step `t` into `out`.
   *
   * @param x - state `[dX]`
   * @param obs - observation `[dO]`
   * @param t - time step
   * @param noise - standard normal noise `[dU]` to colour by the policy covariance
   * @param out - action `[dU]` (written)
   */
  act(x: Float64Array, obs: Float64Array, t: number, noise: Float64Array, out: Float64Array): void;
}
