import { InvalidArgumentError } from '@visuomotor/contracts';

/**
 * A cost configuration (or a sample handed to a cost) does not satisfy what the cost needs.
 * The message names the offending field with its path inside the config
 * (e.g. `costs[1].terms[0].wp[2]`) and the value that was expected.
 */
export class CostConfigError extends InvalidArgumentError {}
