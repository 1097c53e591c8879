import { VisuomotorError } from '@visuomotor/contracts';

/**
 * The non-positive-definite repair of the backward pass raised the dual variable eta past its
 * bound without finding a positive-definite Q_uu (reference: `ValueError('Failed to find PD
 * solution even for very large eta ...')`).
 */
export class EtaOutOfBoundsError extends VisuomotorError {
  /** The eta that crossed the bound. */
  readonly eta: number;
  /** The bound (reference: 1e16). */
  readonly bound: number;
  /** Time step whose Q_uu failed last (-1 when unknown). */
  readonly t: number;
  constructor(eta: number, bound: number, t: number, extra: Record<string, unknown> = {}) {
    super(
      `Failed to find a positive-definite Q_uu even for very large eta: eta = ${eta} reached the bound ${bound} (last failure at time step ${t}); check that the dynamics and cost are reasonably well conditioned`,
      { eta, bound, t, ...extra },
    );
    this.eta = eta;
    this.bound = bound;
    this.t = t;
  }
}

/** The dynamics handed to the backward pass hold NaN (reference: `'NaNs encountered in dynamics!'`). */
export class NonFiniteDynamicsError extends VisuomotorError {}

/**
 * A computation produced NaN or infinity where a finite value is required (KL divergence,
 * controller gains...). Carries the quantity and the time step.
 */
export class LqrNonFiniteError extends VisuomotorError {
  constructor(quantity: string, t: number, extra: Record<string, unknown> = {}) {
    super(`${quantity} is not finite at time step ${t}`, { quantity, t, ...extra });
  }
}

/**
 * A Q_uu (or other matrix that must be positive definite) is not, where no repair applies
 * (plain LQR, iLQG without regularisation left, initial controllers).
 */
export class NotPositiveDefiniteQuuError extends VisuomotorError {
  constructor(where: string, t: number, minor: number, extra: Record<string, unknown> = {}) {
    super(
      `${where}: Q_uu is not positive definite at time step ${t} (leading minor ${minor} fails)`,
      { where, t, minor, ...extra },
    );
  }
}

/**
 * A configuration on which the reference implementation crashes (e.g. `init_pd` with
 * dU < dQ, `init_lqr` with dX < 2 dU). The message quotes the reference's error.
 */
export class ReferenceCrashError extends VisuomotorError {
  constructor(where: string, referenceError: string, extra: Record<string, unknown> = {}) {
    super(`${where}: the reference implementation fails here (${referenceError})`, {
      where,
      referenceError,
      ...extra,
    });
  }
}
