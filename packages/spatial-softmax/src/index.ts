/**
 * Neural-network policies for guided policy search on TensorFlow.js: the spatial-softmax
 * visuomotor CNN, MLP policies, and the policy optimiser.
 *
 * @packageDocumentation
 */
export * as tf from '@tensorflow/tfjs-core';
export { type AdamConfig, type AdamState, HostAdam } from './adam.js';
export {
  type BackendInfo,
  type BackendName,
  type BackendOptions,
  backendName,
  ensureGradients,
  initBackend,
  wasmDir,
} from './backend.js';
export {
  type ConvPad,
  conv2dFilterGrad,
  conv2dInputGrad,
  registerConvGradients,
} from './conv-grad.js';
export { BackendError, NetworkConfigError, PolicyFormatError } from './errors.js';
export {
  type ExportOptions,
  exportPolicy,
  type FileSystemHandler,
  fileSystemHandler,
  loadPolicy,
  loadPolicyOptimizer,
  loadPolicyState,
  POLICY_FORMAT,
  POLICY_FORMAT_VERSION,
  type PolicyFile,
  type PolicySnapshot,
  policyFromSnapshot,
  policyStateFromSnapshot,
  readSnapshot,
  readTrainingState,
  savePolicyState,
  saveTrainingState,
  snapshotPolicy,
  writeSnapshot,
} from './io.js';
export {
  buildNetwork,
  type ConvLayerConfig,
  convOutSize,
  type InitScheme,
  type MlpConfig,
  mlp,
  type NamedWeight,
  type NetworkConfig,
  PAPER_CONV,
  type PolicyNetwork,
  SIM_CONV,
  VisuomotorCnn,
  type VisuomotorCnnConfig,
  type VisuomotorCnnOptions,
  visuomotorCnn,
} from './networks.js';
export {
  defaultEvalBatch,
  meanActions,
  normalizeRows,
  type ObsNormalization,
  type PolicyState,
  policyProb,
  TfPolicy,
} from './policy.js';
export {
  closedFormVariance,
  createPolicyOptimizer,
  fitNormalization,
  type NormalizedWeights,
  normalizeWeights,
  PolicyOptimizerTf,
  type PolicyOptTfOptions,
  type TrainingState,
} from './policy-opt.js';
export {
  CONV_WEIGHTS_FORMAT,
  type ConvWeightsFile,
  channelColour,
  collectPoseData,
  crc32,
  createPoseModel,
  encodePngRgb,
  featurePointOverlay,
  featurePointPixels,
  featurePointsOf,
  imageGrid,
  loadConvWeights,
  loadPoseEstimator,
  meanStd,
  type OverlayOptions,
  PNG_SIGNATURE,
  POSE_ARCHITECTURES,
  POSE_HEAD_FORMAT,
  type PoseAgent,
  type PoseArchitecture,
  type PoseCollectOptions,
  type PoseDataset,
  PoseEstimator,
  type PoseHeadFile,
  type PoseModel,
  type PoseModelOptions,
  type PoseStandardisation,
  poseErrors,
  type RgbImage8,
  saveConvWeights,
  savePngRgb,
  savePoseEstimator,
  selectPoseData,
} from './pose/index.js';
export {
  PoseRegressor,
  type PoseRegressorOptions,
  type PoseTrainOptions,
} from './pose.js';
export { Rng } from './rng.js';
export {
  type FeatureCoords,
  featureCoordinates,
  spatialSoftmax,
  spatialSoftmaxMaps,
} from './spatial-softmax.js';
