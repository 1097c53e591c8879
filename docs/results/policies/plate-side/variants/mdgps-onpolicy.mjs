import { peg2dPlateSideMdgps } from '../../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dPlateSideMdgps,
  name: 'peg2d-plate-side-mdgps-onpolicy',
  algorithm: { ...peg2dPlateSideMdgps.algorithm, sampleOnPolicy: true },
};
