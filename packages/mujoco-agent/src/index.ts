/**
 * Simulated robots for guided policy search on MuJoCo's WebAssembly build: tasks, rollouts, worker pool, ray-cast camera images.
 *
 * @packageDocumentation
 */
