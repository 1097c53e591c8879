import { peg2dBadmm } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dBadmm,
  name: 'peg2d-plate-badmm-it20',
  task: { ...peg2dBadmm.task, name: 'peg2d-plate' },
  iterations: 20,
};
