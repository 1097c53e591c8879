import { peg2dBadmm } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dBadmm,
  name: 'peg2d-badmm-nu01-long',
  iterations: 20,
  algorithm: { ...peg2dBadmm.algorithm, initNu: 0.1 },
};
