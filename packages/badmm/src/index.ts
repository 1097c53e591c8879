/**
 * Guided policy search algorithms: costs, trajectory optimisation iterations, BADMM and MDGPS.
 *
 * @packageDocumentation
 */

export * from './algorithm/index.js';
export * from './costs/index.js';
