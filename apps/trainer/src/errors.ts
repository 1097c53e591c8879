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

/** Training was stopped by a signal (Ctrl-C) or an AbortSignal before it finished. */
export class TrainingAbortedError extends VisuomotorError {}
