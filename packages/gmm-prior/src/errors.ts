import { VisuomotorError } from '@visuomotor/contracts';

/**
 * The fit without a prior cannot be determined from the data: too few samples for the
 * dimension of [x_t; u_t] (N <= dX+dU), or the [x_t; u_t] covariance has an exactly zero
 * pivot (the reference raises `LinAlgError: Singular matrix` there).
 */
export class UnderdeterminedFitError extends VisuomotorError {
  /**
   * @param timeStep - the time step t whose regression failed
   * @param N - number of samples
   * @param dXU - dX + dU, the dimension of the regressors
   * @param reason - `"sampleCount"` (N <= dX+dU) or `"singular"` (exactly zero LU pivot)
   * @param pivot - 0-based column of the zero pivot, when reason is `"singular"`
   */
  constructor(
    readonly timeStep: number,
    readonly N: number,
    readonly dXU: number,
    readonly reason: 'sampleCount' | 'singular',
    readonly pivot?: number,
  ) {
    super(
      reason === 'sampleCount'
        ? `dynamics fit without prior at t=${timeStep}: ${N} samples cannot determine a regression on dX+dU=${dXU} inputs (need N > ${dXU}); use a dynamics prior or more samples`
        : `dynamics fit without prior at t=${timeStep}: singular matrix (zero pivot in column ${pivot} of the ${dXU}x${dXU} [x,u] covariance) with N=${N} samples; use a dynamics prior or more samples`,
      { timeStep, N, dXU, reason, pivot },
    );
  }
}

/** A conditioning step with a prior hit an exactly singular matrix (should not happen with a proper prior). */
export class SingularFitError extends VisuomotorError {}

/** A mixture component's covariance is not positive definite (E-step Cholesky failed). */
export class ClusterCovarianceError extends VisuomotorError {}

/** The mixture has not been fitted yet, or a state/assignment does not match its dimensions. */
export class GmmStateError extends VisuomotorError {}
