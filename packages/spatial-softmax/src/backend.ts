/**
 * TensorFlow.js backend selection for Node.
 *
 * Order of preference: `tensorflow` (native libtensorflow via `@tensorflow/tfjs-node`, used only
 * when the user installed it and it loads), then `wasm` (`@tensorflow/tfjs-backend-wasm`, XNNPACK
 * with SIMD; the default), then `cpu` (`@tensorflow/tfjs-backend-cpu`, plain JavaScript).
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@visuomotor/contracts';
import { registerConvGradients } from './conv-grad.js';
import { BackendError } from './errors.js';

/** Backends this package knows how to set up. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /**
   * Backends to try, in order. Default: the `VISUOMOTOR_TF_BACKEND` environment variable
   * (comma-separated) if set, else `['tensorflow', 'wasm', 'cpu']`.
   */
  prefer?: BackendName | readonly BackendName[];
}

/** What {@link initBackend} found. */
export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** wasm only: whether the SIMD build was loaded. */
  simd?: boolean;
  /** wasm only: XNNPACK threads (1 in Node: the threaded build cannot start workers there). */
  threads?: number;
  /** Backends tried and why they were skipped. */
  skipped: { name: BackendName; reason: string }[];
}

const KNOWN: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * A `require` that works in the ESM build (`import.meta.url`), the CJS build (`__filename`),
 * the test runner and `eval` workers (where a global `__filename` is `'[worker eval]'`). The
 * identifier `require` itself is avoided: bundlers shim it in ESM.
 */
function localRequire(): NodeRequire {
  let url: string | undefined;
  try {
    url = import.meta.url;
  } catch {
    url = undefined;
  }
  if (typeof url === 'string' && url.startsWith('file:')) return createRequire(url);
  if (typeof __filename === 'string' && isAbsolute(__filename)) return createRequire(__filename);
  return createRequire(join(process.cwd(), 'noop.js'));
}

let gradientsReady = false;

/**
 * Register every gradient of tfjs-core (tfjs-core's Node bundle ships the kernels' forward
 * passes only; `@tensorflow/tfjs-layers` registers the full gradient set when loaded) and this
 * package's replacements for the wasm backend's missing/slow convolution gradients.
 * Idempotent.
 */
export function ensureGradients(): void {
  if (gradientsReady) return;
  localRequire()('@tensorflow/tfjs-layers');
  registerConvGradients();
  gradientsReady = true;
}

let current: Promise<BackendInfo> | undefined;
let currentKey = '';

/**
 * Pick and initialise a backend (idempotent for the same preference list). Call once before
 * building networks; {@link createPolicyOptimizer} and {@link loadPolicy} call it for you.
 *
 * `@tensorflow/tfjs-node` is not a dependency of this package (its install script downloads
 * libtensorflow from outside the npm registry): install it yourself, at the same exact
 * version as `@tensorflow/tfjs-core`, to use the native backend.
 *
 * Rejects with {@link BackendError} if none of the preferred backends initialises, and with
 * `InvalidArgumentError` for unknown backend names.
 */
export function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  let prefer: BackendName[];
  try {
    prefer = resolvePreference(opts.prefer);
  } catch (e) {
    return Promise.reject(e);
  }
  const key = prefer.join(',');
  if (current && key === currentKey) return current;
  currentKey = key;
  current = doInit(prefer).catch((e) => {
    current = undefined;
    throw e;
  });
  return current;
}

function resolvePreference(prefer: BackendOptions['prefer']): BackendName[] {
  let list: string[];
  if (prefer !== undefined) list = typeof prefer === 'string' ? [prefer] : [...prefer];
  else if (process.env.VISUOMOTOR_TF_BACKEND) {
    list = process.env.VISUOMOTOR_TF_BACKEND.split(',').map((s) => s.trim());
  } else list = [...KNOWN];
  for (const b of list) {
    if (!KNOWN.includes(b as BackendName)) {
      throw new InvalidArgumentError('backend', `one of ${KNOWN.join(', ')}`, b);
    }
  }
  if (list.length === 0) throw new InvalidArgumentError('backend', 'a non-empty list', list);
  return list as BackendName[];
}

async function doInit(prefer: readonly BackendName[]): Promise<BackendInfo> {
  ensureGradients();
  // Always register the cpu backend: it is the fallback and the reference in tests.
  localRequire()('@tensorflow/tfjs-backend-cpu');
  const skipped: BackendInfo['skipped'] = [];
  for (const name of prefer) {
    try {
      if (name === 'tensorflow') await loadTfjsNode();
      else if (name === 'wasm') {
        localRequire()('@tensorflow/tfjs-backend-wasm');
        setWasmPaths(wasmDir());
      } else localRequire()('@tensorflow/tfjs-backend-cpu');
      if (tf.findBackendFactory(name) === null) throw new Error('backend not registered');
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error('backend failed to initialise');
      await tf.ready();
      const info: BackendInfo = { name, skipped };
      if (name === 'wasm') {
        info.simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
        const wasm = localRequire()('@tensorflow/tfjs-backend-wasm') as {
          getThreadsCount(): number;
        };
        info.threads = wasm.getThreadsCount();
      }
      return info;
    } catch (e) {
      skipped.push({ name, reason: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    }
  }
  throw new BackendError(
    `no TensorFlow.js backend could be initialised (tried ${prefer.join(', ')})`,
    { skipped },
  );
}

async function loadTfjsNode(): Promise<void> {
  // A variable specifier: the package is optional and not declared, so bundlers and the type
  // checker must not resolve it.
  const specifier = ['@tensorflow', 'tfjs-node'].join('/');
  try {
    await import(specifier);
  } catch (e) {
    throw new Error(
      `@tensorflow/tfjs-node is not installed or does not load (${
        e instanceof Error ? e.message.split('\n')[0] : String(e)
      })`,
    );
  }
}

/** Directory holding the wasm backend's `.wasm` binaries, with a trailing slash. */
export function wasmDir(): string {
  const pkg = localRequire().resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return `${join(dirname(pkg), 'dist')}/`;
}

/** Name of the active backend (after {@link initBackend}). */
export function backendName(): string {
  return tf.getBackend();
}
