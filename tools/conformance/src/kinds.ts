import type { Checker } from './check.js';
import type { Fixture } from './fixture.js';

/**
 * A kind handler: runs the project's implementation on a fixture's stored inputs and compares
 * every stored output it implements through the checker. It must accept any size of its kind
 * (other T, dX, dU, other case names and time-step keys such as `t49`).
 */
export interface KindHandler {
  /** The package(s) whose implementation is checked, for the report. */
  readonly implementedBy: string;
  run(fixture: Fixture, check: Checker, file: string): void | Promise<void>;
}

/** Every fixture kind of the shared format (fixture README, "Names"). */
export const KINDS = [
  'lin_gauss_init',
  'costs',
  'eval_cost',
  'gmm',
  'gauss_fit_joint_prior',
  'dynfit',
  'lqr_trajopt',
  'lqr_nonpd',
  'lqr_cons_per_step',
  'policy_prior',
  'badmm',
  'mdgps',
] as const;
export type Kind = (typeof KINDS)[number];

/**
 * Where each kind's handler lives: `src/kinds/<kind>.ts`, exporting `handler`. A kind whose
 * module does not exist yet is reported as skipped (not implemented).
 */
export async function loadHandler(kind: Kind): Promise<KindHandler | undefined> {
  try {
    const mod = (await import(`./kinds/${kind}.ts`)) as { handler?: KindHandler };
    return mod.handler;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      const msg = String((err as Error).message);
      if (msg.includes(`kinds/${kind}`)) return undefined;
    }
    throw err;
  }
}

/** The kind of a fixture file from its name `KIND[_SIZE[_VARIANT]].json` (longest match). */
export function kindOf(fileName: string): Kind | undefined {
  const base = fileName.replace(/\.json$/, '');
  let best: Kind | undefined;
  for (const k of KINDS) {
    if ((base === k || base.startsWith(`${k}_`)) && (!best || k.length > best.length)) best = k;
  }
  return best;
}
