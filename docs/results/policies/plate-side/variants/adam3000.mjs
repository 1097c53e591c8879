import { peg2dPlateSideBadmm } from '../../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dPlateSideBadmm,
  name: 'peg2d-plate-side-badmm-adam3000',
  policy: { ...peg2dPlateSideBadmm.policy, iterations: 3000 },
};
