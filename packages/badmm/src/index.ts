/**
 * Guided policy search algorithms: costs, trajectory optimisation iterations, BADMM and MDGPS.
 *
 * @packageDocumentation
 */

export * from './costs/index.js';
export * from './algorithm/index.js';
