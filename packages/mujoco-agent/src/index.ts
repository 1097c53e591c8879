/**
 * Simulated robots for guided policy search on MuJoCo's WebAssembly build: the five tasks of
 * the paper's simulated experiments (`pointmass`, `reacher`, `peg2d`, `peg3d`, `swimmer`),
 * rollouts of linear-Gaussian controllers or any policy with seeded, smoothed noise, a
 * worker-thread pool, the true-model linearisation, and ray-cast camera images (RGB, depth,
 * segmentation) without OpenGL.
 *
 * Every array is a row-major `Float64Array` unless stated; TSDoc gives each shape.
 *
 * @packageDocumentation
 */

export {
  type AgentOptions,
  type ConditionSet,
  MujocoAgent,
  type MujocoRolloutOptions,
  resolveTask,
} from './agent.js';
export {
  type CompiledWasm,
  compileEngineWasm,
  ENGINE,
  Engine,
  EngineData,
  type EngineKind,
  EngineModel,
  explainXmlError,
  GeomType,
  type LoadEngineOptions,
  loadEngine,
  WasmArray,
} from './engine.js';
export { ModelLoadError, SimulationError, TaskConfigError, WorkerPoolError } from './errors.js';
export {
  decodePng,
  encodeGif,
  encodePng,
  frameFromSensor,
  imageStrip,
  type RgbImage,
  saveGif,
  savePng,
} from './image-io.js';
export { gaussianKernel, generateNoise, type NoiseOptions, Rng } from './noise.js';
export { type ActFn, callbackPolicy, LinearGaussianPolicy, zeroPolicy } from './policy.js';
export { type PoolOptions, RolloutPool } from './pool.js';
export {
  type PolicyDims,
  type PolicyFactory,
  type PolicySpec,
  policyFromSpec,
  type RolloutRequest,
} from './protocol.js';
export { type Frame, RayRenderer } from './render.js';
export { Simulator, stateLayoutOf } from './sim.js';
export type { TaskCamera, TaskCondition, TaskSpec } from './task.js';
export {
  CLUTTER_VARIANTS,
  type Peg2dScene,
  peg2d,
  peg2dPlate,
  peg2dPlateSide,
  peg2dVision,
  peg2dVisionTask,
  peg2dXml,
  peg3d,
  pointmass,
  type RandomVisionOptions,
  randomVisionConditions,
  reacher,
  reacherVision,
  reacherVisionClutter,
  reacherVisionClutterTask,
  reacherVisionDistractors,
  reacherVisionTask,
  SWIMMER_TARGET_SPEED,
  sampleQpos,
  setVisionTarget,
  swimmer,
  TASKS,
  type TaskName,
  VISION_TASKS,
  type VisionClutter,
  type VisionTask,
  type VisionTaskName,
} from './tasks/index.js';
