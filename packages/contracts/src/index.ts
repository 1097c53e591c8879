/**
 * Shared contracts of visuomotor: the data that crosses package boundaries (samples,
 * linear-Gaussian controllers and dynamics, quadratic cost expansions) and the interfaces
 * that let a team swap an agent, a cost, a policy or a dynamics prior without touching the
 * algorithms. Every array is a row-major `Float64Array`; TSDoc gives each shape.
 *
 * This package has no dependencies, so agents can implement the contracts without pulling in
 * any algorithm package.
 *
 * @packageDocumentation
 */

export * from './agent.js';
export * from './controller.js';
export * from './cost.js';
export * from './dims.js';
export * from './dynamics.js';
export * from './errors.js';
export * from './policy.js';
export * from './policy-opt.js';
export * from './prior.js';
export * from './sample.js';
