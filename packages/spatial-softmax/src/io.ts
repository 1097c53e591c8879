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
import { type BackendOptions, initBackend } from './backend.js';
import { PolicyFormatError } from './errors.js';
import { buildNetwork, type NetworkConfig, type PolicyNetwork } from './networks.js';
import { type ObsNormalization, type PolicyState, TfPolicy } from './policy.js';
import { PolicyOptimizerTf, type PolicyOptTfOptions } from './policy-opt.js';

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

/** Named weights of a network, as the model format stores them. */
function namedWeights(net: PolicyNetwork): tf.NamedTensorMap {
  const m: tf.NamedTensorMap = {};
  for (const w of net.weights) m[w.name] = w.variable;
  return m;
}

/**
 * Write a policy (network weights, normalisation, covariance) to `dir`.
 *
 * @returns the `policy.json` contents
 */
export async function savePolicyState(dir: string, state: PolicyState): Promise<PolicyFile> {
  const { net, norm, variance } = state;
  const { data, specs } = await tf.io.encodeWeights(namedWeights(net));
  await fileSystemHandler(dir).save({
    modelTopology: {
      network: net.config,
      dO: net.dO,
      dU: net.dU,
    } as unknown as tf.io.ModelArtifacts['modelTopology'],
    format: 'visuomotor-tfjs-core',
    generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
  });
  const file: PolicyFile = {
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
  writeFileSync(join(dir, POLICY_JSON), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/** Write the optimiser's current policy to `dir` (see {@link loadPolicy}). */
export function exportPolicy(dir: string, opt: PolicyOptimizerTf): Promise<PolicyFile> {
  return savePolicyState(dir, opt.state);
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
  if (file.format !== POLICY_FORMAT || file.version !== POLICY_FORMAT_VERSION) {
    throw new PolicyFormatError(
      `${join(dir, POLICY_JSON)}: expected format ${POLICY_FORMAT} v${POLICY_FORMAT_VERSION}, got ${file.format} v${file.version}`,
      { dir, format: file.format, version: file.version },
    );
  }
  if (!Array.isArray(file.variance) || file.variance.length !== file.dU) {
    throw new PolicyFormatError(
      `${join(dir, POLICY_JSON)}: variance must have dU = ${file.dU} entries`,
      {
        dir,
      },
    );
  }
  return file;
}

/**
 * Read `dir` into a fresh network and policy state (on an initialised backend).
 *
 * @throws {@link PolicyFormatError} for missing files, wrong formats or mismatched weights
 */
export async function loadPolicyState(dir: string): Promise<PolicyState> {
  const file = readPolicyFile(dir);
  const artifacts = await fileSystemHandler(dir).load();
  const data = artifacts.weightData;
  const tensors = tf.io.decodeWeights(
    data ? (Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data) : new ArrayBuffer(0),
    artifacts.weightSpecs ?? [],
  );
  const net = buildNetwork(file.network, file.dO, file.dU, 0);
  try {
    for (const w of net.weights) {
      const t = tensors[w.name];
      if (!t || t.size !== w.variable.size) {
        throw new PolicyFormatError(
          `${join(dir, WEIGHTS_BIN)}: weight ${w.name} is missing or has the wrong size`,
          { dir, weight: w.name, expected: w.variable.shape, got: t?.shape },
        );
      }
      tf.tidy(() => w.variable.assign(tf.reshape(t, w.variable.shape)));
    }
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
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
 * Load a policy written by {@link exportPolicy} as a standalone {@link TfPolicy} (initialises
 * the backend first).
 */
export async function loadPolicy(dir: string, backend: BackendOptions = {}): Promise<TfPolicy> {
  await initBackend(backend);
  return new TfPolicy(await loadPolicyState(dir), true);
}

/**
 * Resume training from an export: a {@link PolicyOptimizerTf} with the exported network,
 * normalisation and covariance (Adam's moments start afresh; `options.network` is ignored).
 */
export async function loadPolicyOptimizer(
  dir: string,
  options: Omit<PolicyOptTfOptions, 'network'> = {},
  backend: BackendOptions = {},
): Promise<PolicyOptimizerTf> {
  await initBackend(backend);
  const state = await loadPolicyState(dir);
  return new PolicyOptimizerTf(
    state.net.dO,
    state.net.dU,
    { ...options, network: state.net.config },
    state.net,
    state,
  );
}
