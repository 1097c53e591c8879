/** Bounds of the step-size multiplier (reference `min_step_mult`, `max_step_mult`). */
export interface StepSizeOptions {
  /** Smallest step multiplier. Default 0.01. */
  minStepMult?: number;
  /** Largest step multiplier. Default 10. */
  maxStepMult?: number;
}

/**
 * The step-size rule of guided policy search (reference `Algorithm._set_new_mult`).
 *
 * Model the improvement as a function of the KL step as I(KL) = a·KL + b·KL² through the
 * predicted improvement (the linear term) and the actual one; maximising it gives the factor
 * by which to scale the step:
 *
 *   mult = predicted / (2 · max(1e-4, predicted − actual)),  clamped to [0.1, 5],
 *   stepMult' = clamp(mult · stepMult, minStepMult, maxStepMult).
 *
 * @param predicted - improvement the last update predicted (Laplace estimates under the previous dynamics)
 * @param actual - improvement achieved (the new controller's Laplace estimate under the new dynamics)
 * @param stepMult - current multiplier
 */
export function newStepMultiplier(
  predicted: number,
  actual: number,
  stepMult: number,
  options: StepSizeOptions = {},
): number {
  const minStepMult = options.minStepMult ?? 0.01;
  const maxStepMult = options.maxStepMult ?? 10;
  let mult = predicted / (2 * Math.max(1e-4, predicted - actual));
  mult = Math.max(0.1, Math.min(5, mult));
  return Math.max(Math.min(mult * stepMult, maxStepMult), minStepMult);
}
