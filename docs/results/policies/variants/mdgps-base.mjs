import { peg2dMdgps } from '../../../../apps/trainer/src/experiments/policy.ts';
export default peg2dMdgps;
