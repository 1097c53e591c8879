import { peg2dPlateSideBadmm } from '../../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dPlateSideBadmm,
  name: 'peg2d-plate-side-badmm-it20',
  iterations: 20,
};
