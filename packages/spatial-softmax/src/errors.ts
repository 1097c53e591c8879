import { VisuomotorError } from '@visuomotor/contracts';

/** No TensorFlow.js backend could be initialised (or a requested one failed to load). */
export class BackendError extends VisuomotorError {}

/** An exported policy directory is missing a file or holds something this version cannot read. */
export class PolicyFormatError extends VisuomotorError {}

/** A network configuration is inconsistent with the observation or action dimensions. */
export class NetworkConfigError extends VisuomotorError {}
