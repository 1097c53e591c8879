/**
 * The visuomotor side of policy runs (paper Section 4.3; issue 8, stages 1-4 as one run):
 *
 * 1-2. {@link posePretrain}: pose data from random arm motions and random targets, and
 *   pose-regression pretraining of the convolution layers (cached in `RUN_DIR/pose`);
 * 3. {@link createPretrainOptimizer}: the small full-state network that the trajectories are
 *   pretrained against during `algorithm.pretrainIterations`;
 * 4. {@link createMainOptimizer}: the policy network (an MLP, or the visuomotor CNN on the
 *   observation's camera image and joint state, its convolutions loaded from stage 2), trained
 *   end to end (fully connected layers first, `fcOnlyIterations`, then the whole network).
 *
 * @packageDocumentation
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Agent, findBlock } from '@visuomotor/contracts';
import {
  MujocoAgent,
  randomVisionConditions,
  VISION_TASKS,
  type VisionTaskName,
} from '@visuomotor/mujoco-agent';
import {
  collectPoseData,
  createPoseModel,
  initBackend,
  loadConvWeights,
  meanStd,
  mlp,
  type NetworkConfig,
  PAPER_CONV,
  PolicyOptimizerTf,
  type PolicyOptTfOptions,
  type PolicyState,
  type PoseDataset,
  poseErrors,
  SIM_CONV,
  savePoseEstimator,
  type TrainingState,
  tf,
  type VisuomotorCnn,
  visuomotorCnn,
} from '@visuomotor/spatial-softmax';
import { ExperimentConfigError } from './errors.js';
import {
  type ExperimentDefinition,
  type PolicyConfig,
  type PosePredictionNetworkConfig,
  type PosePretrainingConfig,
  poseDataTask,
  type VisuomotorNetworkConfig,
} from './experiment.js';
import { writeFileAtomic } from './run-dir.js';

/** Subdirectory of a run holding the pretrained convolutions (`conv.json`, `conv.bin`, `pose.json`). */
export const POSE_DIR = 'pose';

/** The convolution stack of a network section. */
export function convLayers(n: VisuomotorNetworkConfig | PosePredictionNetworkConfig) {
  if (n.conv === 'sim') return SIM_CONV;
  if (n.conv === 'paper') return PAPER_CONV;
  return n.conv;
}

/**
 * The policy network for the agent's observation. For a visuomotor CNN, the observation must
 * have an `RGB_IMAGE` block of `3 · height · width` entries (the image the network reads); all
 * other entries (e.g. joint angles and velocities) are the robot state the feature points are
 * concatenated with.
 *
 * @throws {@link ExperimentConfigError} naming the field when the observation has no image or
 *   one of another size
 */
export function policyNetworkConfig(experiment: ExperimentDefinition, agent: Agent): NetworkConfig {
  const p = experiment.policy;
  if (!p) throw new ExperimentConfigError('experiment.policy', 'a policy section', undefined);
  const n = p.network;
  if (n.type === 'mlp') return mlp({ hidden: n.hidden });
  const block = findBlock(agent.obsLayout, 'RGB_IMAGE');
  const sensors = agent.obsLayout.blocks.map((b) => b.sensor);
  if (n.type === 'pose-prediction') {
    // The state policy of the pose-prediction baseline trains on the true target-relative
    // end-effector points; the image is only read by the pose estimator at evaluation.
    if (block || !findBlock(agent.obsLayout, 'END_EFFECTOR_POINTS')) {
      throw new ExperimentConfigError(
        'experiment.task.options.obsSensors',
        `state sensors with 'END_EFFECTOR_POINTS' and without 'RGB_IMAGE' (policy.network is pose-prediction; the agent observes ${sensors.join(', ')})`,
        sensors,
      );
    }
    return mlp({ hidden: n.hidden });
  }
  if (!block) {
    throw new ExperimentConfigError(
      'experiment.task.options.obsSensors',
      `observation sensors with 'RGB_IMAGE' (policy.network is a visuomotor-cnn; the agent observes ${sensors.join(', ')})`,
      sensors,
    );
  }
  const { width, height } = n.image;
  if (block.size !== 3 * width * height) {
    throw new ExperimentConfigError(
      'experiment.policy.network.image',
      `the agent's camera image size (its RGB_IMAGE block has ${block.size} entries; ${width}x${height} needs ${3 * width * height}; set task.options.image)`,
      n.image,
    );
  }
  if (block.size === agent.dO) {
    throw new ExperimentConfigError(
      'experiment.task.options.obsSensors',
      'joint state besides RGB_IMAGE (the visuomotor policy reads image and joint state)',
      sensors,
    );
  }
  return visuomotorCnn({
    image: { width, height, channels: 3 },
    imageOffset: block.offset,
    conv: convLayers(n),
    hidden: n.hidden,
  });
}

function optimizerOptions(
  experiment: ExperimentDefinition,
  p: PolicyConfig,
  network: NetworkConfig,
): PolicyOptTfOptions {
  return {
    network,
    iterations: p.iterations,
    batchSize: p.batchSize,
    lr: p.lr,
    weightDecay: p.weightDecay ?? 0,
    seed: p.seed ?? experiment.seed,
    ...(p.fcOnlyIterations !== undefined ? { fcOnlyIterations: p.fcOnlyIterations } : {}),
    ...(p.convLr !== undefined ? { convLr: p.convLr } : {}),
  };
}

/** What the optimisers are built from (a subset of the algorithm inputs). */
export interface OptimizerInputs {
  experiment: ExperimentDefinition;
  agent: { agent: Agent };
  /** The run directory (pose-pretrained convolutions are read from `RUN_DIR/pose`). */
  runDir?: string;
}

/**
 * A policy optimiser that also releases the optimisers it {@link TrainerPolicyOptimizer.own}s
 * (the state network of trajectory pretraining) when disposed.
 */
export class TrainerPolicyOptimizer extends PolicyOptimizerTf {
  private readonly owned: { dispose(): void }[] = [];

  /** Dispose `o` with this optimiser. */
  own<T extends { dispose(): void }>(o: T): T {
    this.owned.push(o);
    return o;
  }

  override dispose(): void {
    super.dispose();
    for (const o of this.owned.splice(0)) o.dispose();
  }
}

/**
 * The global policy's optimiser (stage 4). Fresh: built for the agent's observation; with
 * `policy.posePretraining`, the convolutions (and softmax temperature) are loaded from
 * `RUN_DIR/pose` (see {@link posePretrain}). Restored: `restore` carries the network.
 */
export async function createMainOptimizer(
  inputs: OptimizerInputs,
  restore?: PolicyState,
): Promise<TrainerPolicyOptimizer> {
  const e = inputs.experiment;
  const p = e.policy;
  if (!p) throw new ExperimentConfigError('experiment.policy', 'a policy section', undefined);
  const a = inputs.agent.agent;
  await initBackend();
  if (restore) {
    return new TrainerPolicyOptimizer(
      a.dO,
      a.dU,
      optimizerOptions(e, p, restore.net.config),
      restore.net,
      restore,
    );
  }
  const opt = new TrainerPolicyOptimizer(
    a.dO,
    a.dU,
    optimizerOptions(e, p, policyNetworkConfig(e, a)),
  );
  if (p.posePretraining && p.network.type === 'visuomotor-cnn') {
    try {
      if (!inputs.runDir) {
        throw new ExperimentConfigError(
          'experiment.policy.posePretraining',
          'a run directory holding the pretrained convolutions (train through `train`)',
          undefined,
        );
      }
      loadConvWeights(join(inputs.runDir, POSE_DIR), opt.net as VisuomotorCnn);
    } catch (err) {
      opt.dispose();
      throw err;
    }
  }
  return opt;
}

/** Training state of {@link StatePretrainOptimizer}: the base state plus the network. */
export interface CheckpointedTrainingState extends TrainingState {
  network: {
    names: string[];
    weights: Float32Array;
    norm: { idx: number[]; scale: Float64Array; bias: Float64Array } | null;
    variance: Float64Array;
  };
}

/**
 * A policy optimiser whose training state includes its network (weights, normalisation,
 * covariance): the algorithm checkpoints the pretraining network through `getTrainingState`
 * alone, so a run stopped during trajectory pretraining resumes bit-identically.
 */
export class StatePretrainOptimizer extends PolicyOptimizerTf {
  override getTrainingState(): CheckpointedTrainingState {
    const base = super.getTrainingState();
    const total = this.net.weights.reduce((s, w) => s + w.variable.size, 0);
    const weights = new Float32Array(total);
    let off = 0;
    for (const w of this.net.weights) {
      weights.set(w.variable.dataSync() as Float32Array, off);
      off += w.variable.size;
    }
    const n = this.state.norm;
    return {
      ...base,
      network: {
        names: this.net.weights.map((w) => w.name),
        weights,
        norm: n ? { idx: [...n.idx], scale: n.scale.slice(), bias: n.bias.slice() } : null,
        variance: this.state.variance.slice(),
      },
    };
  }

  override setTrainingState(st: TrainingState): void {
    super.setTrainingState(st);
    const net = (st as Partial<CheckpointedTrainingState>).network;
    if (!net) return;
    let off = 0;
    this.net.weights.forEach((w, i) => {
      if (net.names[i] !== w.name) {
        throw new ExperimentConfigError(
          'checkpoint pretrainOptimizer.network',
          `weight ${w.name} at position ${i}`,
          net.names[i],
        );
      }
      const size = w.variable.size;
      tf.tidy(() =>
        w.variable.assign(tf.tensor(net.weights.subarray(off, off + size), w.variable.shape)),
      );
      off += size;
    });
    this.state.norm = net.norm
      ? {
          idx: [...net.norm.idx],
          scale: Float64Array.from(net.norm.scale),
          bias: Float64Array.from(net.norm.bias),
        }
      : null;
    this.state.variance = Float64Array.from(net.variance);
  }
}

/**
 * The small full-state network of trajectory pretraining (stage 3; `policy.pretrainNetwork`):
 * an MLP on x_t (dO = dX), owned by `main` (disposed with it). Undefined without the section.
 */
export function createPretrainOptimizer(
  inputs: OptimizerInputs,
  main: TrainerPolicyOptimizer,
): StatePretrainOptimizer | undefined {
  const e = inputs.experiment;
  const q = e.policy?.pretrainNetwork;
  if (!q) return undefined;
  const a = inputs.agent.agent;
  return main.own(
    new StatePretrainOptimizer(a.dX, a.dU, {
      network: mlp({ hidden: q.hidden }),
      iterations: q.iterations,
      batchSize: q.batchSize,
      lr: q.lr,
      weightDecay: q.weightDecay ?? 0,
      seed: (e.policy?.seed ?? e.seed) + 1,
    }),
  );
}

/** Contents of `RUN_DIR/pose/pose.json`: what stages 1-2 did. */
export interface PosePretrainResult {
  /** The configuration (with the seed in effect); a cached result is reused only if equal. */
  config: PosePretrainingConfig & {
    seed: number;
    task: string;
    image: { width: number; height: number };
    conv: unknown;
  };
  trainImages: number;
  testImages: number;
  /** Held-out pose error (cm), mean ± std over the held-out images, before and after training. */
  heldOutCm: { initial: { mean: number; std: number }; final: { mean: number; std: number } };
  /**
   * With `clutter`: the task the pose data came from (the clutter variant), and the final
   * held-out error (cm) on the held-out rollouts a run without clutter uses (same seed, the
   * task's own scene), so estimators with and without clutter compare on the same images.
   */
  clutter?: { task: string; heldOutPlainCm: { mean: number; std: number } };
  /** Predict-the-training-mean error on the held-out images (cm). */
  meanPredictorCm: number;
  /** Training error on (up to 500) training images (cm). */
  trainCm: number;
  initialLoss: number;
  finalLoss: number;
  collectSeconds: number;
  trainSeconds: number;
}

function isVisionTask(name: string): name is VisionTaskName {
  return Object.hasOwn(VISION_TASKS, name);
}

async function collect(
  task: VisionTaskName,
  rollouts: number,
  seed: number,
  every: number,
  image: { width: number; height: number },
  clutter?: { min: number; max: number },
): Promise<PoseDataset> {
  const conditions = randomVisionConditions(VISION_TASKS[task], rollouts, seed, {
    randomArm: true,
    clutter,
  });
  const agent = await MujocoAgent.create({ task, conditions, image });
  try {
    return collectPoseData(agent, { seed: 1000 * seed, every });
  } finally {
    agent.dispose();
  }
}

/**
 * Stages 1-2 of the pipeline: collect pose data on the experiment's vision task (random
 * targets and arm starts; training rollouts from `seed`, held-out ones from `seed + 100`),
 * train the convolutions by pose regression through the feature points (targets standardised
 * per dimension), and write the convolution weights and `pose.json` to `dir`. When `dir`
 * already holds a result of the same configuration, it is reused (cache).
 *
 * @throws {@link ExperimentConfigError} when the experiment has no visuomotor CNN policy with
 *   `posePretraining`, or its task is not a vision task
 */
export async function posePretrain(
  experiment: ExperimentDefinition,
  dir: string,
  log: (msg: string) => void = () => {},
): Promise<PosePretrainResult> {
  const p = experiment.policy;
  const cfg = p?.posePretraining;
  if (!p || !cfg || p.network.type === 'mlp') {
    throw new ExperimentConfigError(
      'experiment.policy.posePretraining',
      'a visuomotor-cnn or pose-prediction policy with a posePretraining section',
      cfg,
    );
  }
  const task = experiment.task.name;
  if (!isVisionTask(task)) {
    throw new ExperimentConfigError(
      'experiment.task.name',
      `a vision task for posePretraining (${Object.keys(VISION_TASKS).join(' | ')})`,
      task,
    );
  }
  const net = p.network;
  const full: PosePretrainResult['config'] = {
    ...cfg,
    seed: cfg.seed ?? experiment.seed,
    task,
    image: { ...net.image },
    conv: convLayers(net),
  };
  const file = join(dir, 'pose.json');
  // The pose-prediction baseline also needs the estimator's head (older caches lack it).
  const needed = ['conv.json', ...(net.type === 'pose-prediction' ? ['pose-head.json'] : [])];
  if (existsSync(file) && needed.every((f) => existsSync(join(dir, f)))) {
    const old = JSON.parse(readFileSync(file, 'utf8')) as PosePretrainResult;
    if (JSON.stringify(old.config) === JSON.stringify(full)) {
      log(`pose pretraining: reusing ${dir}`);
      return old;
    }
  }
  const seed = full.seed;
  const dataTask = poseDataTask(task, cfg.clutter) as VisionTaskName;
  const t0 = performance.now();
  const train = await collect(dataTask, cfg.rollouts, seed, cfg.every, net.image, cfg.clutter);
  const test = await collect(
    dataTask,
    cfg.testRollouts,
    seed + 100,
    cfg.every,
    net.image,
    cfg.clutter,
  );
  // With clutter, the held-out error is also measured on the task's own (uncluttered) scene.
  const plain = cfg.clutter
    ? await collect(task, cfg.testRollouts, seed + 100, cfg.every, net.image)
    : undefined;
  const collectSeconds = (performance.now() - t0) / 1000;
  log(
    `pose data: ${train.N} training images (${cfg.rollouts} rollouts${cfg.clutter ? `, ${cfg.clutter.min}-${cfg.clutter.max} clutter objects each on ${dataTask}` : ''}), ${test.N} held-out (${collectSeconds.toFixed(1)} s)`,
  );
  // Standardise the pose per dimension on the training set (a constant dimension keeps scale 1).
  const d = train.dPose;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  const constant: boolean[] = [];
  for (let k = 0; k < d; k++) {
    const ms = meanStd(Float64Array.from({ length: train.N }, (_, n) => train.poses[n * d + k]));
    mean[k] = ms.mean;
    constant[k] = !(ms.std > 1e-9);
    std[k] = constant[k] ? 1 : ms.std;
  }
  const fwd = (x: Float64Array) => x.map((v, i) => (v - mean[i % d]) / std[i % d]);
  const inv = (x: Float64Array) => x.map((v, i) => v * std[i % d] + mean[i % d]);
  await initBackend();
  const model = createPoseModel({
    architecture: 'feature-points',
    image: net.image,
    dPose: d,
    conv: convLayers(net),
    seed,
    lr: cfg.lr,
  });
  try {
    const size = 3 * net.image.width * net.image.height;
    const errorsCm = (data: PoseDataset, limit: number) => {
      const n = Math.min(limit, data.N);
      const pred = inv(model.predict(data.images.subarray(0, n * size), n));
      return meanStd(poseErrors(pred, data.poses.subarray(0, n * d), d).map((e) => 100 * e));
    };
    const initial = errorsCm(test, test.N);
    const meanPred = new Float64Array(test.N * d).map((_, i) => mean[i % d]);
    const meanPredictorCm = meanStd(poseErrors(meanPred, test.poses, d).map((e) => 100 * e)).mean;
    const t1 = performance.now();
    const r = model.train(train.images, fwd(train.poses), train.N, {
      iterations: cfg.steps,
      batchSize: cfg.batchSize,
    });
    const trainSeconds = (performance.now() - t1) / 1000;
    const final = errorsCm(test, test.N);
    const result: PosePretrainResult = {
      config: full,
      trainImages: train.N,
      testImages: test.N,
      heldOutCm: { initial, final },
      meanPredictorCm,
      trainCm: errorsCm(train, 500).mean,
      initialLoss: r.initialLoss,
      finalLoss: r.finalLoss,
      collectSeconds,
      trainSeconds,
      ...(plain ? { clutter: { task: dataTask, heldOutPlainCm: errorsCm(plain, plain.N) } } : {}),
    };
    mkdirSync(dir, { recursive: true });
    // The convolutions (for the visuomotor policy) and the head with the label
    // standardisation (for the pose-prediction baseline's estimator).
    // A label dimension that never varies (the target's height) is saved with std 0, so the
    // estimator returns it exactly: the pose-prediction policy never saw that input vary, and
    // its observation normalisation (scale 1/max(std, 1e-3)) turned the network's few
    // centimetres of noise there into inputs of ±50 (every condition failed).
    savePoseEstimator(
      dir,
      model,
      { mean, std: std.map((s, k) => (constant[k] ? 0 : s)) },
      { task, seed, steps: cfg.steps, heldOutCm: final.mean },
    );
    writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
    log(
      `pose pretraining: held-out error ${initial.mean.toFixed(2)} -> ${final.mean.toFixed(2)} ± ${final.std.toFixed(2)} cm (mean predictor ${meanPredictorCm.toFixed(2)} cm), ${cfg.steps} steps in ${trainSeconds.toFixed(0)} s`,
    );
    if (result.clutter) {
      const c = result.clutter.heldOutPlainCm;
      log(
        `pose pretraining: held-out error without clutter ${c.mean.toFixed(2)} ± ${c.std.toFixed(2)} cm`,
      );
    }
    return result;
  } finally {
    model.dispose();
  }
}
