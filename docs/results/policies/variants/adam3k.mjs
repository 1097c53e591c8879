import { peg2dMdgps } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dMdgps,
  name: 'peg2d-mdgps-adam3k',
  policy: { ...peg2dMdgps.policy, iterations: 3000 },
};
