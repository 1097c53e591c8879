import { peg2dMdgps } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dMdgps,
  name: 'peg2d-mdgps-onpol',
  algorithm: { ...peg2dMdgps.algorithm, sampleOnPolicy: true },
};
