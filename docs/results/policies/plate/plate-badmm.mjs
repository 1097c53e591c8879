import { peg2dBadmm } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dBadmm,
  name: 'peg2d-plate-badmm',
  task: { ...peg2dBadmm.task, name: 'peg2d-plate' },
};
