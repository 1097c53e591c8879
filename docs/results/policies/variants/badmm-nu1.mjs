import { peg2dBadmm } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dBadmm,
  name: 'peg2d-badmm-nu1',
  algorithm: { ...peg2dBadmm.algorithm, initNu: 1 },
};
