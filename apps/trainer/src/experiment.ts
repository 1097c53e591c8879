/**
 * Typed experiment definitions and their schema.
 *
 * @packageDocumentation
 */
import type { CostConfig } from '@visuomotor/badmm';
import { CLUTTER_VARIANTS, VISION_TASKS, type VisionTaskName } from '@visuomotor/mujoco-agent';
import type { TaskAgentOptions } from './agents.js';
import {
  arr,
  bool,
  type Check,
  fail,
  isRecord,
  json,
  literal,
  num,
  obj,
  opt,
  str,
  tagged,
} from './schema.js';

/** Which task the agent simulates, and options passed to the agent verbatim. */
export interface TaskConfig {
  /** Task name: `pointmass`, `reacher`, `peg2d`, `peg3d` or `swimmer` for the MuJoCo agent. */
  name: string;
  /**
   * Options of the MuJoCo agent (observation sensors, image size, action-noise smoothing),
   * passed to it as they are (JSON).
   */
  options?: TaskAgentOptions;
}

/** Which of the task's conditions the experiment uses. */
export interface ConditionsConfig {
  /** Indices into the task's training conditions; controllers are trained for these. */
  train: number[];
  /** Indices into the task's held-out conditions (evaluated by policies, not by controllers). */
  test: number[];
}

/**
 * Initial controller by LQR on a unit-mass double integrator with stiffness around the
 * initial state (reference `init_lqr`).
 */
export interface InitLqrConfig {
  type: 'lqr';
  /** Initial action variance. */
  initVar: number;
  /** Position stiffness. */
  stiffness: number;
  /** Velocity stiffness. */
  stiffnessVel: number;
  /** Weight multiplier of the final step. Default 1. */
  finalWeight?: number;
  /** Per-action gains `[dU]` (reference: 1 / PR2_GAINS). Default all 1. */
  initGains?: number[];
  /** Per-action initial accelerations `[dU]`. Default all 0. */
  initAcc?: number[];
}

/** Initial proportional-derivative controller (reference `init_pd`). */
export interface InitPdConfig {
  type: 'pd';
  /** Initial action variance. */
  initVar: number;
  /** Position gains. */
  posGains: number;
  /** Velocity gains as a multiple of the position gains. */
  velGainsMult: number;
  /** Constant action offset `[dU]`. Default all 0. */
  initActionOffset?: number[];
}

/** Initial controller configuration. */
export type InitialControllerConfig = InitLqrConfig | InitPdConfig;

/** Gaussian-mixture dynamics prior (paper Appendix A.3, reference `DynamicsPriorGMM`). */
export interface GmmPriorConfig {
  type: 'gmm';
  /** Largest number of mixture components. */
  maxClusters: number;
  /** Fewest samples per component (fewer components when data is short). */
  minSamplesPerCluster: number;
  /** Iterations of samples kept in the prior's data set. */
  maxSamples: number;
  /** Prior strength (scales m and n0). */
  strength: number;
  /** EM iterations per prior update. Default 100 (the reference). */
  maxIterations?: number;
  /**
   * EM stop rule (`GmmQuirks.stopRule` of `@visuomotor/gmm-prior`). `'reference'` (default)
   * cannot stop early while the log-likelihood is negative, so EM always runs `maxIterations`;
   * `'relative'` stops when |ll − prev| < 1e-5·|prev| (a deliberate departure, for speed).
   */
  stopRule?: 'reference' | 'relative';
  /** Start EM from the previous clusters when K is unchanged. Default true (the reference). */
  warmStart?: boolean;
}

/** No dynamics prior: plain linear regression per step. */
export interface NoPriorConfig {
  type: 'none';
}

/** Dynamics prior configuration. */
export type DynamicsPriorConfig = GmmPriorConfig | NoPriorConfig;

/** Dynamics fitting. */
export interface DynamicsConfig {
  /** Diagonal regularisation added to the fitted joint covariance. */
  regularization: number;
  prior: DynamicsPriorConfig;
  /**
   * How `regularization` enters the fit (`DynamicsFitQuirks.regularizationMode`):
   * `'allEntries'` (default, the reference: a rank-one term) or `'diagonal'` (the paper's ridge,
   * which keeps the fit without a prior well posed when every sample starts from the same state).
   */
  regularizationMode?: 'allEntries' | 'diagonal';
  /**
   * When the fit without a prior refuses the data (`DynamicsFitQuirks.noPriorSingular`):
   * `'sampleCount'` (default) whenever N <= dX+dU; `'exactPivot'` only on an exactly zero pivot,
   * for fits that the diagonal ridge makes well posed with fewer samples than dimensions.
   */
  noPriorSingular?: 'sampleCount' | 'exactPivot';
}

/** Trajectory-only GPS (reference `AlgorithmTrajOpt`). */
export interface TrajOptConfig {
  type: 'trajopt';
  /** Base KL step ε per time step (the bound is klStep · stepMult · T). */
  klStep: number;
  /** Smallest step multiplier. */
  minStepMult: number;
  /** Largest step multiplier. */
  maxStepMult: number;
}

/** Settings common to the policy-learning algorithms ({@link BadmmConfig}, {@link MdgpsConfig}). */
export interface PolicyGpsSettings {
  /** Base KL step ε per time step (the bound is klStep · stepMult · T). */
  klStep: number;
  /** Smallest step multiplier. */
  minStepMult: number;
  /** Largest step multiplier. */
  maxStepMult: number;
  /** Initial policy weight ν (reference `init_pol_wt`). Default 0.01. */
  initNu?: number;
  /**
   * Draw the samples with the global policy instead of the controllers from the second
   * iteration on (reference `sample_on_policy`; on-policy MDGPS). Default false (off-policy).
   */
  sampleOnPolicy?: boolean;
  /** Policy prior: `'gmm'` (default, the reference's) or `'constant'`. */
  policyPrior?: 'gmm' | 'constant';
  /**
   * Strength s of the constant policy prior (Φ = s·blockdiag(I_dX, 1e-5·I_dU), n0 = s; a ridge
   * on the policy linearisation's gains). Only with `policyPrior: 'constant'`. Default 1e-4.
   */
  policyPriorStrength?: number;
  /**
   * Trajectory pretraining: the first `pretrainIterations` iterations update the controllers
   * by the KL-bounded LQR step alone (no policy), or against `policy.pretrainNetwork` (the
   * paper's small full-state network) when it is set; then the policy phase starts as an
   * iteration 0. Default 0.
   */
  pretrainIterations?: number;
}

/** BADMM guided policy search (paper Section 4; reference `AlgorithmBADMM`). */
export interface BadmmConfig extends PolicyGpsSettings {
  type: 'badmm';
  /** Alternations of policy regression and trajectory update per iteration. Default 4. */
  innerIterations?: number;
  /** α of the mean multiplier λk (reference `policy_dual_rate`). Default 0.1. */
  policyDualRate?: number;
  /** α of the gain multiplier λK (reference `policy_dual_rate_covar`). Default 0. */
  policyDualRateCovar?: number;
  /** ν schedule (reference `fixed_lg_step` 0/1/2/3). Default `'dgd'`. */
  nuSchedule?: 'dgd' | 'fixed' | 'ratio' | 'mean-std';
  /** Step of the `'dgd'` / `'fixed'` ν schedules (reference `lg_step_schedule`). Default 10. */
  lgStepSchedule?: number | number[];
}

/** Mirror-descent GPS (Montgomery & Levine 2016; reference `AlgorithmMDGPS`). */
export interface MdgpsConfig extends PolicyGpsSettings {
  type: 'mdgps';
  /** Previous-cost estimate of the step-size rule: `'laplace'` (default) or `'mc'`. */
  stepRule?: 'laplace' | 'mc';
  /**
   * The step-size rule while pretraining against `policy.pretrainNetwork` (default:
   * `stepRule`). Only with a pretraining network: trajectory-only pretraining has its own rule.
   */
  pretrainStepRule?: 'laplace' | 'mc';
}

/** Algorithm configuration. */
export type AlgorithmConfig = TrajOptConfig | BadmmConfig | MdgpsConfig;

/** A fully connected policy on the whole observation vector. */
export interface MlpNetworkConfig {
  type: 'mlp';
  /** Hidden layer sizes (the paper: one or two layers, e.g. `[40, 40]`). */
  hidden: number[];
}

/** One convolution layer of a {@link VisuomotorNetworkConfig} (ReLU after it, no pooling). */
export interface ConvLayerSpec {
  filters: number;
  kernel: number;
  stride: number;
}

/**
 * The paper's visuomotor CNN (`visuomotorCnn` of `@visuomotor/spatial-softmax`): convolutions,
 * spatial soft-argmax feature points, concatenated with the non-image part of the observation
 * (e.g. joint angles and velocities), fully connected ReLU layers, linear torques. The
 * observation must hold one `RGB_IMAGE` block of `3 · height · width` entries (put
 * `'RGB_IMAGE'` in `task.options.obsSensors`, or use a vision task whose default observation
 * has it); its size is checked against the agent's.
 */
export interface VisuomotorNetworkConfig {
  type: 'visuomotor-cnn';
  /** Size of the observation's camera image (the agent's `RGB_IMAGE` block). */
  image: { width: number; height: number };
  /**
   * Convolutions: `'sim'` (32 5x5/2, 32 5x5, 16 5x5; for 64x64 images), `'paper'` (64 7x7/2,
   * 32 5x5, 32 5x5; 240x240) or an explicit list.
   */
  conv: 'sim' | 'paper' | ConvLayerSpec[];
  /** Fully connected hidden widths after the feature points (the paper: `[40, 40]`). */
  hidden: number[];
}

/**
 * The paper's "pose prediction" baseline (Section 6.3, Figure 9): a state policy (an MLP of
 * `hidden` widths) trained by GPS on the observation with the TRUE target-relative
 * end-effector points (`END_EFFECTOR_POINTS` in `task.options.obsSensors`, no `RGB_IMAGE`),
 * and a pose estimator (the convolutions of `conv` on `image`, feature points, linear head)
 * trained by `posePretraining` alone. `visuomotor eval RUN_DIR --policy` runs them together:
 * each step the estimator predicts the target from the camera image, and the policy sees the
 * end-effector points relative to that prediction instead of the true target.
 */
export interface PosePredictionNetworkConfig {
  type: 'pose-prediction';
  /** Camera image size of the pose estimator. */
  image: { width: number; height: number };
  /** The pose estimator's convolutions (as {@link VisuomotorNetworkConfig.conv}). */
  conv: 'sim' | 'paper' | ConvLayerSpec[];
  /** Hidden widths of the state policy (the paper: `[40, 40]`). */
  hidden: number[];
}

/**
 * Vision pretraining of a visuomotor policy's convolution layers (paper Section 4.3, stages 1-2
 * of the pipeline), run before the first iteration of a run and cached in `RUN_DIR/pose`:
 * `rollouts` random-motion rollouts with random targets and arm starts (every `every`-th
 * camera frame labelled with the target points), then `steps` Adam steps of pose regression
 * through the spatial-softmax feature points; the held-out error is measured on
 * `testRollouts` rollouts with other targets. Needs a vision task (`reacher-vision`,
 * `peg2d-vision`).
 */
export interface PosePretrainingConfig {
  /** Training rollouts (one random target and arm start each). */
  rollouts: number;
  /** Held-out rollouts (other targets) for the reported pose error. */
  testRollouts: number;
  /** Keep every `every`-th frame of a rollout. */
  every: number;
  /** Adam steps of pose regression. */
  steps: number;
  /** Minibatch size. */
  batchSize: number;
  /** Adam learning rate. */
  lr: number;
  /** Seed of the pose data and the pose head. Default: the experiment's seed. */
  seed?: number;
  /**
   * Pose data with visual clutter (not in the paper): each rollout, training and held-out,
   * is collected on the task's clutter variant (`reacher-vision-clutter`) with between `min`
   * and `max` of its clutter objects placed at random on the table, so the estimator learns
   * to ignore objects that are not the target. The clutter's colours and shapes are not the
   * visual test's distractors. Default: none (the task's own scene).
   */
  clutter?: { min: number; max: number };
}

/**
 * The small network of trajectory pretraining (`algorithm.pretrainIterations`): an MLP on the
 * full state x_t (which, unlike the policy's observation, holds the target-relative
 * end-effector points), as the paper pretrains the trajectories against a small full-state
 * network before the visuomotor policy.
 */
export interface StatePretrainConfig {
  /** Hidden layer sizes. */
  hidden: number[];
  /** Adam iterations per update. */
  iterations: number;
  /** Minibatch size. */
  batchSize: number;
  /** Adam learning rate. */
  lr: number;
  /** L2 weight decay. Default 0. */
  weightDecay?: number;
}

/**
 * The global policy of `badmm` / `mdgps`, trained by `PolicyOptimizerTf` of
 * `@visuomotor/spatial-softmax`: an MLP on the agent's observation (the paper's state-based
 * comparison) or the visuomotor CNN on camera image + joint state.
 */
export interface PolicyConfig {
  network: MlpNetworkConfig | VisuomotorNetworkConfig | PosePredictionNetworkConfig;
  /**
   * Optimiser (Adam) iterations per policy update through the whole network. 0 (with
   * `fcOnlyIterations` > 0) trains only the fully connected layers: the convolutions stay as
   * initialised (by `posePretraining`), the paper's "pose features" baseline.
   */
  iterations: number;
  /** Minibatch size. */
  batchSize: number;
  /** Adam learning rate. */
  lr: number;
  /** L2 weight decay. Default 0. */
  weightDecay?: number;
  /** Seed of the network initialisation and minibatches. Default: the experiment's seed. */
  seed?: number;
  /**
   * Visuomotor CNN only: Adam steps per update on the fully connected layers alone (on cached
   * feature points), before the `iterations` steps through the whole network. Default 0.
   */
  fcOnlyIterations?: number;
  /**
   * Visuomotor CNN only: Adam learning rate of the convolutions (and the softmax temperature)
   * in the `iterations` steps through the whole network. Default: `lr`. A smaller value
   * fine-tunes the pose-pretrained convolutions instead of moving them at the head's rate.
   */
  convLr?: number;
  /**
   * Visuomotor CNN: pretrain the convolutions by pose regression first. Pose prediction
   * (required): train the pose estimator.
   */
  posePretraining?: PosePretrainingConfig;
  /** The small full-state network of `algorithm.pretrainIterations` (default: none, trajectory-only). */
  pretrainNetwork?: StatePretrainConfig;
}

/** When a condition counts as solved. */
export interface SuccessConfig {
  /** Largest final end-effector distance to the target (m), averaged over points. */
  distance: number;
}

/** A complete experiment: everything a run needs besides its seed overrides. */
export interface ExperimentDefinition {
  /** Name used by `visuomotor train NAME` and in run directory names. */
  name: string;
  /** One-line description shown by `visuomotor list`. */
  description: string;
  task: TaskConfig;
  conditions: ConditionsConfig;
  /** Horizon (control steps). */
  T: number;
  /** Rollouts per condition per iteration. */
  samples: number;
  /** Number of GPS iterations. */
  iterations: number;
  /** Random seed (rollout noise, prior initialisation). */
  seed: number;
  /** Scale of the exploration noise. Default 1. */
  noiseScale?: number;
  /** Cost (one configuration for all conditions; the state holds ee − target, so targets are 0). */
  cost: CostConfig;
  initialController: InitialControllerConfig;
  dynamics: DynamicsConfig;
  algorithm: AlgorithmConfig;
  /** The global policy; required by `badmm` and `mdgps`, not allowed with `trajopt`. */
  policy?: PolicyConfig;
  /** Success criterion reported per condition. */
  success?: SuccessConfig;
}

const positive = num({ gt: 0 });
const nonNegative = num({ min: 0 });
const positiveInt = num({ integer: true, min: 1 });
const index = num({ integer: true, min: 0 });
const numbers = arr(num(), { minLength: 1 });
const nonNegNumbers = arr(nonNegative, { minLength: 1 });

const penaltyFields = {
  penalty: opt(literal('l2', 'l1l2', 'log')),
  l1: opt(nonNegative),
  l2: opt(nonNegative),
  alpha: opt(positive),
  ramp: opt(literal('constant', 'linear', 'quadratic', 'final_only')),
  finalMultiplier: opt(nonNegative),
  rampPrecision: opt(literal('float32', 'float64')),
  logHessian: opt(literal('reference', 'exact')),
  robustWeight: opt(literal('squared', 'linear')),
};

const costConfig: Check<CostConfig> = (v, path) =>
  tagged<CostConfig>('type', {
    action: obj({ type: literal('action'), wu: nonNegNumbers }) as Check<CostConfig>,
    state: obj({
      type: literal('state'),
      terms: arr(obj({ sensor: str(), wp: nonNegNumbers, target: numbers }), { minLength: 1 }),
      ...penaltyFields,
    }) as Check<CostConfig>,
    fk: obj({
      type: literal('fk'),
      target: numbers,
      wp: nonNegNumbers,
      pointsSensor: opt(str()),
      jacobianSensor: opt(str()),
      jointSensor: opt(str()),
      ...penaltyFields,
    }) as Check<CostConfig>,
    sum: ((x: unknown, p: string) => {
      const c = obj({
        type: literal('sum'),
        costs: arr(costConfig, { minLength: 1 }),
        weights: opt(numbers),
      })(x, p);
      if (c.weights && c.weights.length !== c.costs.length) {
        fail(`${p}.weights.length`, `${c.costs.length} (one per cost)`, c.weights.length);
      }
      return c;
    }) as Check<CostConfig>,
  })(v, path);

const initialController: Check<InitialControllerConfig> = tagged<InitialControllerConfig>('type', {
  lqr: obj({
    type: literal('lqr'),
    initVar: positive,
    stiffness: nonNegative,
    stiffnessVel: nonNegative,
    finalWeight: opt(nonNegative),
    initGains: opt(arr(positive, { minLength: 1 })),
    initAcc: opt(numbers),
  }),
  pd: obj({
    type: literal('pd'),
    initVar: positive,
    posGains: nonNegative,
    velGainsMult: nonNegative,
    initActionOffset: opt(numbers),
  }),
});

const prior: Check<DynamicsPriorConfig> = tagged<DynamicsPriorConfig>('type', {
  none: obj({ type: literal('none') }),
  gmm: obj({
    type: literal('gmm'),
    maxClusters: positiveInt,
    minSamplesPerCluster: positiveInt,
    maxSamples: positiveInt,
    strength: positive,
    maxIterations: opt(positiveInt),
    stopRule: opt(literal('reference', 'relative')),
    warmStart: opt(bool()),
  }),
});

const policyGpsFields = {
  klStep: positive,
  minStepMult: positive,
  maxStepMult: positive,
  initNu: opt(positive),
  sampleOnPolicy: opt(bool()),
  policyPrior: opt(literal('gmm', 'constant')),
  policyPriorStrength: opt(positive),
  pretrainIterations: opt(num({ integer: true, min: 0 })),
};

const lgStep: Check<number | number[]> = (v, p) =>
  Array.isArray(v) ? arr(positive, { minLength: 1 })(v, p) : positive(v, p);

const algorithm: Check<AlgorithmConfig> = (v, path) => {
  const a = tagged<AlgorithmConfig>('type', {
    trajopt: obj({
      type: literal('trajopt'),
      klStep: positive,
      minStepMult: positive,
      maxStepMult: positive,
    }),
    badmm: obj({
      type: literal('badmm'),
      ...policyGpsFields,
      innerIterations: opt(positiveInt),
      policyDualRate: opt(nonNegative),
      policyDualRateCovar: opt(nonNegative),
      nuSchedule: opt(literal('dgd', 'fixed', 'ratio', 'mean-std')),
      lgStepSchedule: opt(lgStep),
    }) as Check<AlgorithmConfig>,
    mdgps: obj({
      type: literal('mdgps'),
      ...policyGpsFields,
      stepRule: opt(literal('laplace', 'mc')),
      pretrainStepRule: opt(literal('laplace', 'mc')),
    }) as Check<AlgorithmConfig>,
  })(v, path);
  if (a.minStepMult > a.maxStepMult) {
    fail(`${path}.maxStepMult`, `a number >= minStepMult (${a.minStepMult})`, a.maxStepMult);
  }
  if (a.type !== 'trajopt' && a.policyPriorStrength !== undefined && a.policyPrior !== 'constant') {
    fail(
      `${path}.policyPriorStrength`,
      "no policyPriorStrength without policyPrior 'constant'",
      a.policyPriorStrength,
    );
  }
  return a;
};

/** `'sim'`, `'paper'` or an explicit list of convolution layers. */
const convSpec = (v: unknown, p: string) =>
  typeof v === 'string'
    ? literal('sim', 'paper')(v, p)
    : arr(obj({ filters: positiveInt, kernel: positiveInt, stride: positiveInt }), {
        minLength: 1,
      })(v, p);

/** The fields shared by the networks that read the camera image. */
const imageNetworkFields = {
  image: obj({ width: positiveInt, height: positiveInt }),
  conv: convSpec,
  hidden: arr(positiveInt, { minLength: 1 }),
};

const experimentSchema = obj({
  name: (v: unknown, p: string) => {
    const s = str()(v, p);
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(s)) fail(p, 'a name of letters, digits, . _ -', s);
    return s;
  },
  description: str(),
  task: obj({
    name: str(),
    options: opt((v: unknown, p: string) => {
      if (!isRecord(v)) fail(p, 'an object', v);
      return json()(v, p) as TaskAgentOptions;
    }),
  }),
  conditions: obj({ train: arr(index, { minLength: 1 }), test: arr(index) }),
  T: positiveInt,
  samples: positiveInt,
  iterations: positiveInt,
  seed: num({ integer: true, min: 0, max: 2 ** 32 - 1 }),
  noiseScale: opt(nonNegative),
  cost: costConfig,
  initialController,
  dynamics: obj({
    regularization: nonNegative,
    prior,
    regularizationMode: opt(literal('allEntries', 'diagonal')),
    noPriorSingular: opt(literal('sampleCount', 'exactPivot')),
  }),
  algorithm,
  policy: opt(
    obj({
      network: tagged<PolicyConfig['network']>('type', {
        mlp: obj({ type: literal('mlp'), hidden: arr(positiveInt, { minLength: 1 }) }),
        'visuomotor-cnn': obj({
          type: literal('visuomotor-cnn'),
          ...imageNetworkFields,
        }) as Check<PolicyConfig['network']>,
        'pose-prediction': obj({
          type: literal('pose-prediction'),
          ...imageNetworkFields,
        }) as Check<PolicyConfig['network']>,
      }),
      iterations: num({ integer: true, min: 0 }),
      batchSize: positiveInt,
      lr: positive,
      weightDecay: opt(nonNegative),
      seed: opt(num({ integer: true, min: 0, max: 2 ** 32 - 1 })),
      fcOnlyIterations: opt(num({ integer: true, min: 0 })),
      convLr: opt(positive),
      posePretraining: opt(
        obj({
          rollouts: positiveInt,
          testRollouts: positiveInt,
          every: positiveInt,
          steps: positiveInt,
          batchSize: positiveInt,
          lr: positive,
          seed: opt(num({ integer: true, min: 0, max: 2 ** 32 - 1 })),
          clutter: opt((v: unknown, p: string) => {
            const c = obj({ min: index, max: index })(v, p);
            if (c.max < c.min) fail(`${p}.max`, `an integer >= ${p}.min (${c.min})`, c.max);
            return c;
          }),
        }),
      ),
      pretrainNetwork: opt(
        obj({
          hidden: arr(positiveInt, { minLength: 1 }),
          iterations: positiveInt,
          batchSize: positiveInt,
          lr: positive,
          weightDecay: opt(nonNegative),
        }),
      ),
    }),
  ),
  success: opt(obj({ distance: positive })),
});

/**
 * Validate an experiment definition (from TypeScript or parsed JSON).
 *
 * @param value - the candidate definition
 * @param path - field path prefix used in error messages. Default `'experiment'`.
 * @returns a deep copy, typed
 * @throws {@link ExperimentConfigError} naming the first invalid field, e.g.
 *   `experiment.algorithm.klStep: expected a positive number, got -1`
 */
export function validateExperiment(value: unknown, path = 'experiment'): ExperimentDefinition {
  const e = experimentSchema(value, path) as ExperimentDefinition;
  const dup = e.conditions.train.find((c, i) => e.conditions.train.indexOf(c) !== i);
  if (dup !== undefined) fail(`${path}.conditions.train`, 'distinct condition indices', dup);
  if (e.algorithm.type === 'trajopt' && e.policy !== undefined) {
    fail(`${path}.policy`, "no policy section with algorithm 'trajopt'", e.policy);
  }
  if (e.algorithm.type !== 'trajopt' && e.policy === undefined) {
    fail(
      `${path}.policy`,
      `a policy section (algorithm '${e.algorithm.type}' trains a policy)`,
      undefined,
    );
  }
  if (e.policy) checkPolicy(e, `${path}.policy`);
  if (
    e.algorithm.type === 'mdgps' &&
    e.algorithm.pretrainStepRule !== undefined &&
    !e.policy?.pretrainNetwork
  ) {
    fail(
      `${path}.algorithm.pretrainStepRule`,
      'no pretrainStepRule without policy.pretrainNetwork (trajectory-only pretraining has its own step rule)',
      e.algorithm.pretrainStepRule,
    );
  }
  return e;
}

/**
 * The vision task pose data are collected on: `task` itself, or with `clutter` its clutter
 * variant (`CLUTTER_VARIANTS` of `@visuomotor/mujoco-agent`).
 *
 * @param path - field path of the posePretraining section, for errors
 * @throws {@link ExperimentConfigError} when `task` has no clutter variant or `clutter.max`
 *   exceeds the variant's objects
 */
export function poseDataTask(
  task: string,
  clutter: PosePretrainingConfig['clutter'],
  path = 'experiment.policy.posePretraining',
): string {
  if (!clutter) return task;
  const variant = CLUTTER_VARIANTS[task as VisionTaskName];
  if (!variant) {
    fail(
      `${path}.clutter`,
      `a task with a clutter variant (${Object.keys(CLUTTER_VARIANTS).join(' | ')}), or no clutter`,
      task,
    );
  }
  const k = VISION_TASKS[variant].clutter?.bodies.length ?? 0;
  if (clutter.max > k) {
    fail(`${path}.clutter.max`, `at most ${k} (the clutter objects of ${variant})`, clutter.max);
  }
  return variant;
}

/** Cross-field rules of the policy section. */
function checkPolicy(e: ExperimentDefinition, path: string): void {
  const p = e.policy as PolicyConfig;
  const type = p.network.type;
  if (p.posePretraining?.clutter) {
    poseDataTask(e.task.name, p.posePretraining.clutter, `${path}.posePretraining`);
  }
  if (type !== 'visuomotor-cnn' && p.fcOnlyIterations !== undefined) {
    fail(
      `${path}.fcOnlyIterations`,
      `no such field with network type '${type}' (visuomotor-cnn only)`,
      p.fcOnlyIterations,
    );
  }
  if (type !== 'visuomotor-cnn' && p.convLr !== undefined) {
    fail(
      `${path}.convLr`,
      `no such field with network type '${type}' (visuomotor-cnn only)`,
      p.convLr,
    );
  }
  if (type === 'mlp' && p.posePretraining !== undefined) {
    fail(
      `${path}.posePretraining`,
      "no such field with network type 'mlp' (visuomotor-cnn and pose-prediction only)",
      p.posePretraining,
    );
  }
  if (type === 'pose-prediction' && p.posePretraining === undefined) {
    fail(
      `${path}.posePretraining`,
      "a posePretraining section (network type 'pose-prediction' trains its pose estimator there)",
      undefined,
    );
  }
  if (p.iterations === 0 && !((p.fcOnlyIterations ?? 0) > 0)) {
    fail(
      `${path}.iterations`,
      'a positive integer (0 only with fcOnlyIterations > 0: the fully connected layers alone)',
      p.iterations,
    );
  }
  if (
    p.pretrainNetwork &&
    e.algorithm.type !== 'trajopt' &&
    !(e.algorithm.pretrainIterations ?? 0)
  ) {
    fail(
      `${path}.pretrainNetwork`,
      'no pretrainNetwork without algorithm.pretrainIterations > 0 (it trains only then)',
      p.pretrainNetwork,
    );
  }
}

/** Overrides of a run (command-line flags). */
export interface ExperimentOverrides {
  iterations?: number;
  seed?: number;
}

/**
 * The experiment a run uses: the definition validated, with overrides applied and the
 * defaults of optional fields filled in. This is what `config.json` stores.
 */
export function resolveExperiment(
  definition: ExperimentDefinition,
  overrides: ExperimentOverrides = {},
): ExperimentDefinition {
  const merged: ExperimentDefinition = {
    ...definition,
    ...(overrides.iterations !== undefined ? { iterations: overrides.iterations } : {}),
    ...(overrides.seed !== undefined ? { seed: overrides.seed } : {}),
  };
  const e = validateExperiment(merged);
  e.noiseScale ??= 1;
  return e;
}
