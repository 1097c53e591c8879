/**
 * Linear-quadratic regulators: KL-constrained LQR trajectory optimisation for guided policy search, time-varying LQR and iLQG.
 *
 * @packageDocumentation
 */
