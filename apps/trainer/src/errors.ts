import { InvalidArgumentError, VisuomotorError } from '@visuomotor/contracts';

/**
 * An experiment definition does not match its schema. The message names the field path and
 * the expected value, e.g. `experiment.algorithm.klStep: expected a positive number, got -1`.
 */
export class ExperimentConfigError extends InvalidArgumentError {}

/** A command-line argument is missing, unknown or malformed (exit code 2). */
export class UsageError extends InvalidArgumentError {}

/** A run directory is missing, incomplete or was written by an incompatible version. */
export class RunDirError extends VisuomotorError {}

/**
 * A package the trainer integrates does not export what the trainer needs yet (for example
 * `TrajOptAlgorithm` from `@visuomotor/badmm`).
 */
export class IntegrationMissingError extends VisuomotorError {
  constructor(pkg: string, exportName: string, purpose: string) {
    super(
      `${pkg} does not export ${exportName} (needed for ${purpose}); this build of the trainer cannot run it yet`,
      { package: pkg, export: exportName, purpose },
    );
  }
}

/** Training was stopped by a signal (Ctrl-C) or an AbortSignal before it finished. */
export class TrainingAbortedError extends VisuomotorError {}
