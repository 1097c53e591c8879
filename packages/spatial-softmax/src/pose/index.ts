/**
 * Vision pretraining by pose regression (paper Section 4.3): pose data, the four
 * architectures of Table 3, pretrained convolution weights on disk, feature-point pictures.
 *
 * @packageDocumentation
 */
export {
  createPoseModel,
  POSE_ARCHITECTURES,
  type PoseArchitecture,
  type PoseModel,
  type PoseModelOptions,
} from './architectures.js';
export {
  collectPoseData,
  meanStd,
  type PoseAgent,
  type PoseCollectOptions,
  type PoseDataset,
  poseErrors,
  selectPoseData,
} from './data.js';
export {
  loadPoseEstimator,
  POSE_HEAD_FORMAT,
  PoseEstimator,
  type PoseHeadFile,
  type PoseStandardisation,
  savePoseEstimator,
} from './estimator.js';
export {
  channelColour,
  featurePointOverlay,
  featurePointPixels,
  featurePointsOf,
  imageGrid,
  type OverlayOptions,
} from './overlay.js';
export { crc32, encodePngRgb, PNG_SIGNATURE, type RgbImage8, savePngRgb } from './png.js';
export {
  CONV_WEIGHTS_FORMAT,
  type ConvWeightsFile,
  loadConvWeights,
  saveConvWeights,
} from './weights.js';
