import { peg2dMdgps } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dMdgps,
  name: 'peg2d-mdgps-minstep',
  algorithm: { ...peg2dMdgps.algorithm, minStepMult: 0.3 },
};
