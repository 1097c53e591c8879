import { peg2dMdgps } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dMdgps,
  name: 'peg2d-mdgps-str',
  algorithm: { ...peg2dMdgps.algorithm, policyPriorStrength: 0.01 },
};
