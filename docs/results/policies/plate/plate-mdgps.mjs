import { peg2dMdgps } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dMdgps,
  name: 'peg2d-plate-mdgps',
  task: { ...peg2dMdgps.task, name: 'peg2d-plate' },
};
