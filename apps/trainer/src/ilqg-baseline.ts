/**
 * The "iLQG with the true model" reference of the paper's Figure 4: iterative LQG on the
 * simulator's own dynamics (finite-difference linearisation along the current trajectory,
 * `MujocoAgent.linearize`), with the experiment's cost expanded to second order along the same
 * trajectory (`evalCostExpansion`), an LQR backward pass with Levenberg-Marquardt damping on
 * Q_uu (`solveLqr` of `@visuomotor/lqr`), and a backtracking line search on the true rollout
 * cost. It uses no samples of the learning methods: it is the bar that a method with perfect
 * knowledge of the dynamics reaches.
 *
 * @packageDocumentation
 */
import { evalCostExpansion } from '@visuomotor/badmm';
import {
  type Cost,
  cloneController,
  type LinearGaussianController,
  type Sample,
  VisuomotorError,
} from '@visuomotor/contracts';
import { NotPositiveDefiniteQuuError, solveLqr } from '@visuomotor/lqr';
import { LinearGaussianPolicy, MujocoAgent } from '@visuomotor/mujoco-agent';
import { createMujocoTrainerAgent } from './agents.js';
import { buildCost, buildInitialControllers } from './algorithms.js';
import { type ExperimentDefinition, resolveExperiment } from './experiment.js';
import { finalDistance } from './train.js';

/** Options of {@link runIlqgBaseline}. */
export interface IlqgBaselineOptions {
  /** iLQG iterations per condition. Default 20. */
  iterations?: number;
  /** Initial Levenberg-Marquardt damping on Q_uu (added to Q_uu). Default 1e-3. */
  muInit?: number;
  /** Called after every iteration of every condition, with the noiseless rollout it scored. */
  onIteration?: (r: IlqgIterationRecord, rollout: Sample) => void;
}

/** One iLQG iteration of one condition. */
export interface IlqgIterationRecord {
  condition: number;
  /** Iterations done (0: the initial controller). */
  iteration: number;
  /** Total cost of the noiseless rollout of the current controller. */
  cost: number;
  /** Final end-effector distance of that rollout (m), null without ee points. */
  distance: number | null;
  /** Line-search step of the accepted update (0: rejected / initial). */
  alpha: number;
  /** Damping used. */
  mu: number;
}

/** Result of {@link runIlqgBaseline}. */
export interface IlqgBaselineResult {
  /** Per condition, the record of every iteration (index 0 = initial controller). */
  history: IlqgIterationRecord[][];
  /** Per condition, the final distance of the best controller. */
  finalDistance: (number | null)[];
  /** Per condition, its total cost. */
  finalCost: number[];
  /** Per condition, the noiseless rollout of the final controller. */
  finalRollouts: Sample[];
  /** Per condition, the final controller. */
  controllers: LinearGaussianController[];
  /** Wall time in seconds. */
  seconds: number;
}

function totalCost(cost: Cost, s: Sample): number {
  const l = cost.eval(s).l;
  let sum = 0;
  for (let t = 0; t < l.length; t++) sum += l[t];
  return sum;
}

/**
 * Run iLQG with the true (simulator) dynamics on every training condition of an experiment,
 * from the experiment's initial controllers (noiseless rollouts, so the result does not depend
 * on a seed).
 *
 * @throws {@link VisuomotorError} when the experiment's agent is not a MuJoCo agent
 */
export async function runIlqgBaseline(
  definition: ExperimentDefinition,
  options: IlqgBaselineOptions = {},
): Promise<IlqgBaselineResult> {
  const experiment = resolveExperiment(definition);
  const iterations = options.iterations ?? 20;
  const t0 = performance.now();
  const trainerAgent = await createMujocoTrainerAgent({ experiment, workers: 1 });
  const agent = trainerAgent.agent;
  if (!(agent instanceof MujocoAgent)) {
    throw new VisuomotorError(
      'the iLQG baseline needs the MuJoCo agent (true-model linearisation)',
    );
  }
  try {
    const cost = buildCost(experiment, trainerAgent);
    const initial = await buildInitialControllers(experiment, trainerAgent);
    const { T, dX, dU } = agent;
    const history: IlqgIterationRecord[][] = [];
    const finalD: (number | null)[] = [];
    const finalC: number[] = [];
    const finalRollouts: Sample[] = [];
    const controllers: LinearGaussianController[] = [];
    const roll = (c: LinearGaussianController, m: number) =>
      agent.sampleSync(new LinearGaussianPolicy(c), m, { seed: 0, noiseScale: 0 });
    for (let m = 0; m < agent.conditions; m++) {
      let ctrl = cloneController(initial[m]);
      let s = roll(ctrl, m);
      let J = totalCost(cost, s);
      let mu = options.muInit ?? 1e-3;
      const rec: IlqgIterationRecord[] = [
        {
          condition: m,
          iteration: 0,
          cost: J,
          distance: finalDistance(trainerAgent, s),
          alpha: 0,
          mu,
        },
      ];
      options.onIteration?.(rec[0], s);
      for (let it = 1; it <= iterations; it++) {
        const dyn = agent.linearize(s.X, s.U, m);
        const exp = evalCostExpansion(cost, [s]);
        let sol: ReturnType<typeof solveLqr> | null = null;
        for (let tries = 0; tries < 20 && !sol; tries++) {
          try {
            sol = solveLqr(
              { T, dX, dU, Fm: dyn.Fm, fv: dyn.fv, Cm: exp.Cm, cv: exp.cv },
              { regularization: mu },
            );
          } catch (err) {
            if (!(err instanceof NotPositiveDefiniteQuuError)) throw err;
            mu = Math.max(mu * 10, 1e-6);
          }
        }
        let accepted = 0;
        if (sol) {
          // Deviation form: u = ū + α·(u_lqr(x̄) − ū) + K (x − x̄).
          for (let alpha = 1; alpha >= 1 / 1024 && !accepted; alpha /= 2) {
            const c = cloneController(ctrl);
            c.K.set(sol.controller.K);
            for (let t = 0; t < T; t++) {
              for (let i = 0; i < dU; i++) {
                let kx = 0;
                const row = (t * dU + i) * dX;
                for (let j = 0; j < dX; j++) kx += sol.controller.K[row + j] * s.X[t * dX + j];
                const ubar = s.U[t * dU + i];
                const ulqr = kx + sol.controller.k[t * dU + i];
                c.k[t * dU + i] = ubar + alpha * (ulqr - ubar) - kx;
              }
            }
            let s2: Sample;
            try {
              s2 = roll(c, m);
            } catch {
              continue; // the step made the simulation diverge: shorter step
            }
            const J2 = totalCost(cost, s2);
            if (J2 < J) {
              ctrl = c;
              s = s2;
              J = J2;
              accepted = alpha;
            }
          }
        }
        mu = accepted ? Math.max(mu / 4, 1e-6) : mu * 10;
        const r: IlqgIterationRecord = {
          condition: m,
          iteration: it,
          cost: J,
          distance: finalDistance(trainerAgent, s),
          alpha: accepted,
          mu,
        };
        rec.push(r);
        options.onIteration?.(r, s);
      }
      history.push(rec);
      finalD.push(rec[rec.length - 1].distance);
      finalC.push(J);
      finalRollouts.push(s);
      controllers.push(ctrl);
    }
    return {
      history,
      finalDistance: finalD,
      finalCost: finalC,
      finalRollouts,
      controllers,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await agent.dispose();
  }
}
