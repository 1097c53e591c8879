import { peg2dBadmm } from '../../../../apps/trainer/src/experiments/policy.ts';
export default {
  ...peg2dBadmm,
  name: 'peg2d-badmm-nu',
  algorithm: { ...peg2dBadmm.algorithm, initNu: 0.1 },
};
