/**
 * Export and load of trained policies: the weights in the TensorFlow.js model format
 * (`model.json` with a `weightsManifest`, `weights.bin`), written and read by a file-system
 * {@link tf.io.IOHandler}, plus `policy.json` (architecture, observation normalisation, covariance).
 * A loaded policy runs on its own, without the optimiser or the training data.
 *
 * @packageDocumentation
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { AdamState } from './adam.js';
import { type BackendOptions, initBackend } from './backend.js';
import { PolicyFormatError } from './errors.js';
import { buildNetwork, type NetworkConfig } from './networks.js';
import { type ObsNormalization, type PolicyState, TfPolicy } from './policy.js';
import { PolicyOptimizerTf, type PolicyOptTfOptions, type TrainingState } from './policy-opt.js';

/** Format tag of `policy.json`. */
export const POLICY_FORMAT = 'visuomotor-policy';
/** Version of `policy.json`. */
export const POLICY_FORMAT_VERSION = 1;

/** Contents of `policy.json`. */
export interface PolicyFile {
  format: typeof POLICY_FORMAT;
  version: number;
  dO: number;
  dU: number;
  network: NetworkConfig;
  /** Trainable parameter count (for humans). */
  params: number;
  normalization: { idx: number[]; scale: number[]; bias: number[] } | null;
  /** Diagonal of the action covariance `[dU]`. */
  variance: number[];
  /** Backend and library version that wrote the file. */
  writtenBy: { tfjsCore: string; backend: string };
}

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const POLICY_JSON = 'policy.json';
const TRAINING_JSON = 'training.json';
const TRAINING_BIN = 'training.bin';

type AdamMeta = { iterations: number; sizes: number[] };

/**
 * Write an optimiser's {@link TrainingState} to `training.json` + `training.bin` (raw float32
 * little-endian: the main optimiser's first then second moments, then the head optimiser's).
 */
export function saveTrainingState(dir: string, st: TrainingState): void {
  const chunks: Float32Array[] = [];
  const meta = (a: AdamState | null): AdamMeta | null => {
    if (!a) return null;
    chunks.push(...a.m, ...a.v);
    return { iterations: a.iterations, sizes: a.m.map((x) => x.length) };
  };
  const json = {
    version: st.version,
    tfIter: st.tfIter,
    options: st.options,
    rng: st.rng,
    adam: meta(st.adam),
    fcAdam: meta(st.fcAdam),
  };
  mkdirSync(dir, { recursive: true });
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const bin = new Float32Array(total);
  let off = 0;
  for (const c of chunks) {
    bin.set(c, off);
    off += c.length;
  }
  writeFileSync(join(dir, TRAINING_BIN), new Uint8Array(bin.buffer));
  writeFileSync(join(dir, TRAINING_JSON), `${JSON.stringify(json, null, 2)}\n`);
}

/** Read {@link saveTrainingState}'s files, or `null` if `dir` has none. */
export function readTrainingState(dir: string): TrainingState | null {
  let json: Omit<TrainingState, 'adam' | 'fcAdam'> & {
    adam: AdamMeta | null;
    fcAdam: AdamMeta | null;
  };
  let bin: Float32Array;
  try {
    json = JSON.parse(readFileSync(join(dir, TRAINING_JSON), 'utf8'));
  } catch {
    return null;
  }
  try {
    const b = readFileSync(join(dir, TRAINING_BIN));
    bin = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  } catch (e) {
    throw new PolicyFormatError(`cannot read ${join(dir, TRAINING_BIN)}: ${(e as Error).message}`, {
      dir,
      file: TRAINING_BIN,
    });
  }
  let off = 0;
  const take = (n: number): Float32Array => {
    if (off + n > bin.length) {
      throw new PolicyFormatError(`${join(dir, TRAINING_BIN)} is too short`, {
        dir,
        needed: off + n,
      });
    }
    const r = bin.slice(off, off + n);
    off += n;
    return r;
  };
  const adam = (m: AdamMeta | null): AdamState | null =>
    m ? { iterations: m.iterations, m: m.sizes.map(take), v: m.sizes.map(take) } : null;
  return {
    version: json.version,
    tfIter: json.tfIter,
    options: json.options,
    rng: json.rng,
    adam: adam(json.adam),
    fcAdam: adam(json.fcAdam),
  };
}

/** An IOHandler with both directions. */
export type FileSystemHandler = Required<Pick<tf.io.IOHandler, 'save' | 'load'>>;

/**
 * A TensorFlow.js IOHandler for a directory: `save` writes `model.json` (`modelTopology`,
 * `format`, `weightsManifest`) and `weights.bin`; `load` reads them back.
 */
export function fileSystemHandler(dir: string): FileSystemHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const data = artifacts.weightData
        ? new Uint8Array(
            Array.isArray(artifacts.weightData)
              ? tf.io.concatenateArrayBuffers(artifacts.weightData)
              : artifacts.weightData,
          )
        : new Uint8Array(0);
      const model = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      const json = JSON.stringify(model);
      writeFileSync(join(dir, MODEL_JSON), json);
      writeFileSync(join(dir, WEIGHTS_BIN), data);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: data.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let model: {
        format?: string;
        generatedBy?: string;
        modelTopology?: unknown;
        weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      };
      try {
        model = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8'));
      } catch (e) {
        throw new PolicyFormatError(
          `cannot read ${join(dir, MODEL_JSON)}: ${(e as Error).message}`,
          {
            dir,
            file: MODEL_JSON,
          },
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of model.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          let b: Buffer;
          try {
            b = readFileSync(join(dir, p));
          } catch (e) {
            throw new PolicyFormatError(
              `cannot read weights ${join(dir, p)}: ${(e as Error).message}`,
              {
                dir,
                file: p,
              },
            );
          }
          buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        }
      }
      return {
        modelTopology: model.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        format: model.format,
        generatedBy: model.generatedBy,
        weightSpecs: specs,
        weightData: tf.io.concatenateArrayBuffers(buffers),
      };
    },
  };
}

/**
 * A policy in memory: `policy.json` contents plus the weights in the TensorFlow.js weights
 * format (float32 little-endian, concatenated in manifest order). Plain data (structured-clone
 * and `postMessage` safe; transfer `weightData`), so it can cross to rollout workers, which
 * rebuild the policy synchronously with {@link policyFromSnapshot}.
 */
export interface PolicySnapshot {
  policy: PolicyFile;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Snapshot the current network weights, normalisation and covariance (synchronous). */
export function snapshotPolicy(state: PolicyState): PolicySnapshot {
  const { net, norm, variance } = state;
  const total = net.weights.reduce((a, w) => a + w.variable.size, 0);
  const data = new Float32Array(total);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  let off = 0;
  for (const w of net.weights) {
    data.set(w.variable.dataSync() as Float32Array, off);
    off += w.variable.size;
    weightSpecs.push({ name: w.name, shape: [...w.variable.shape], dtype: 'float32' });
  }
  const policy: PolicyFile = {
    format: POLICY_FORMAT,
    version: POLICY_FORMAT_VERSION,
    dO: net.dO,
    dU: net.dU,
    network: net.config,
    params: net.paramCount(),
    normalization: norm
      ? { idx: [...norm.idx], scale: Array.from(norm.scale), bias: Array.from(norm.bias) }
      : null,
    variance: Array.from(variance),
    writtenBy: { tfjsCore: tf.version_core, backend: tf.getBackend() },
  };
  return { policy, weightSpecs, weightData: data.buffer };
}

function checkPolicyFile(file: PolicyFile, where: string): void {
  if (!file || file.format !== POLICY_FORMAT || file.version !== POLICY_FORMAT_VERSION) {
    throw new PolicyFormatError(
      `${where}: expected format ${POLICY_FORMAT} v${POLICY_FORMAT_VERSION}, got ${file?.format} v${file?.version}`,
      { where, format: file?.format, version: file?.version },
    );
  }
  if (!Array.isArray(file.variance) || file.variance.length !== file.dU) {
    throw new PolicyFormatError(`${where}: variance must have dU = ${file.dU} entries`, { where });
  }
}

/**
 * Rebuild a policy state from a snapshot (synchronous; the backend must be initialised).
 *
 * @throws {@link PolicyFormatError} for a foreign format or weights that do not fit the network
 */
export function policyStateFromSnapshot(
  snap: PolicySnapshot,
  where = 'policy snapshot',
): PolicyState {
  const file = snap.policy;
  checkPolicyFile(file, where);
  const offsets = new Map<string, { off: number; size: number }>();
  let off = 0;
  for (const spec of snap.weightSpecs) {
    if (spec.dtype !== 'float32') {
      throw new PolicyFormatError(
        `${where}: weight ${spec.name} is ${spec.dtype}, expected float32`,
        {
          where,
          weight: spec.name,
        },
      );
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    offsets.set(spec.name, { off, size });
    off += size;
  }
  if (snap.weightData.byteLength < 4 * off) {
    throw new PolicyFormatError(
      `${where}: weight data has ${snap.weightData.byteLength} bytes, the manifest needs ${4 * off}`,
      {
        where,
      },
    );
  }
  const data = new Float32Array(snap.weightData, 0, off);
  const net = buildNetwork(file.network, file.dO, file.dU, 0);
  try {
    for (const w of net.weights) {
      const e = offsets.get(w.name);
      if (!e || e.size !== w.variable.size) {
        throw new PolicyFormatError(`${where}: weight ${w.name} is missing or has the wrong size`, {
          where,
          weight: w.name,
          expected: w.variable.shape,
          got: e?.size,
        });
      }
      tf.tidy(() =>
        w.variable.assign(tf.tensor(data.subarray(e.off, e.off + e.size), w.variable.shape)),
      );
    }
  } catch (err) {
    net.dispose();
    throw err;
  }
  const norm: ObsNormalization | null = file.normalization
    ? {
        idx: file.normalization.idx,
        scale: Float64Array.from(file.normalization.scale),
        bias: Float64Array.from(file.normalization.bias),
      }
    : null;
  return { net, norm, variance: Float64Array.from(file.variance) };
}

/**
 * A standalone {@link TfPolicy} from a snapshot, synchronously (e.g. in a rollout worker after
 * `await initBackend()`).
 */
export function policyFromSnapshot(snap: PolicySnapshot): TfPolicy {
  return new TfPolicy(policyStateFromSnapshot(snap), true);
}

/** Write a snapshot to `dir`: `model.json` + `weights.bin` and `policy.json`. */
export async function writeSnapshot(dir: string, snap: PolicySnapshot): Promise<PolicyFile> {
  const { policy } = snap;
  await fileSystemHandler(dir).save({
    modelTopology: {
      network: policy.network,
      dO: policy.dO,
      dU: policy.dU,
    } as unknown as tf.io.ModelArtifacts['modelTopology'],
    format: 'visuomotor-tfjs-core',
    generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: null,
    weightSpecs: snap.weightSpecs,
    weightData: snap.weightData,
  });
  writeFileSync(join(dir, POLICY_JSON), `${JSON.stringify(policy, null, 2)}\n`);
  return policy;
}

/** Read a directory written by {@link exportPolicy} into a snapshot. */
export async function readSnapshot(dir: string): Promise<PolicySnapshot> {
  const policy = readPolicyFile(dir);
  const artifacts = await fileSystemHandler(dir).load();
  const data = artifacts.weightData;
  return {
    policy,
    weightSpecs: artifacts.weightSpecs ?? [],
    weightData: data
      ? Array.isArray(data)
        ? tf.io.concatenateArrayBuffers(data)
        : data
      : new ArrayBuffer(0),
  };
}

/**
 * Write a policy (network weights, normalisation, covariance) to `dir`.
 *
 * @returns the `policy.json` contents
 */
export function savePolicyState(dir: string, state: PolicyState): Promise<PolicyFile> {
  return writeSnapshot(dir, snapshotPolicy(state));
}

/** Options of {@link exportPolicy}. */
export interface ExportOptions {
  /**
   * Also write the optimiser's {@link TrainingState} (`training.json`, `training.bin`), so that
   * {@link loadPolicyOptimizer} continues exactly where this run stopped (default false).
   */
  trainingState?: boolean;
}

/** Write the optimiser's current policy to `dir` (see {@link loadPolicy}). */
export async function exportPolicy(
  dir: string,
  opt: PolicyOptimizerTf,
  options: ExportOptions = {},
): Promise<PolicyFile> {
  const file = await savePolicyState(dir, opt.state);
  if (options.trainingState) saveTrainingState(dir, opt.getTrainingState());
  return file;
}

function readPolicyFile(dir: string): PolicyFile {
  let file: PolicyFile;
  try {
    file = JSON.parse(readFileSync(join(dir, POLICY_JSON), 'utf8'));
  } catch (e) {
    throw new PolicyFormatError(`cannot read ${join(dir, POLICY_JSON)}: ${(e as Error).message}`, {
      dir,
      file: POLICY_JSON,
    });
  }
  checkPolicyFile(file, join(dir, POLICY_JSON));
  return file;
}

/**
 * Read `dir` into a fresh network and policy state (on an initialised backend).
 *
 * @throws {@link PolicyFormatError} for missing files, wrong formats or mismatched weights
 */
export async function loadPolicyState(dir: string): Promise<PolicyState> {
  return policyStateFromSnapshot(await readSnapshot(dir), dir);
}

/**
 * Load a policy written by {@link exportPolicy} as a standalone {@link TfPolicy} (initialises
 * the backend first).
 */
export async function loadPolicy(dir: string, backend: BackendOptions = {}): Promise<TfPolicy> {
  await initBackend(backend);
  return new TfPolicy(await loadPolicyState(dir), true);
}

/**
 * Resume training from an export: a {@link PolicyOptimizerTf} with the exported network,
 * normalisation and covariance. If the export has a training state (`exportPolicy(dir, opt,
 * { trainingState: true })`), the saved options, Adam moments, step counts and minibatch
 * generator are restored too, and the next updates are bit-identical to an uninterrupted run on
 * the same backend; `options` override saved options. Without one, Adam starts afresh.
 */
export async function loadPolicyOptimizer(
  dir: string,
  options: Omit<PolicyOptTfOptions, 'network'> = {},
  backend: BackendOptions = {},
): Promise<PolicyOptimizerTf> {
  await initBackend(backend);
  const training = readTrainingState(dir);
  const state = await loadPolicyState(dir);
  try {
    const opt = new PolicyOptimizerTf(
      state.net.dO,
      state.net.dU,
      { ...(training?.options ?? {}), ...options, network: state.net.config },
      state.net,
      state,
    );
    if (training) opt.setTrainingState(training);
    return opt;
  } catch (e) {
    state.net.dispose();
    throw e;
  }
}
