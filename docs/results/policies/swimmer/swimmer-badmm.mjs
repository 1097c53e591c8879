import { peg2dBadmm, STATE_POLICY } from '../../../../apps/trainer/src/experiments/policy.ts';
import { swimmer } from '../../../../apps/trainer/src/experiments/swimmer.ts';
export default {
  ...swimmer,
  name: 'swimmer-badmm',
  conditions: { train: [1, 3], test: [0, 1] },
  iterations: 20,
  algorithm: { ...peg2dBadmm.algorithm, maxStepMult: 10 },
  policy: STATE_POLICY,
};
