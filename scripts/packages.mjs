// The package table of the README, as data: printed by `pnpm start` and checked by CI.
export const PACKAGES = [
  [
    '@visuomotor/linalg',
    'packages/linalg',
    'dense float64 linear algebra on strided views',
    'issue 2',
  ],
  [
    '@visuomotor/contracts',
    'packages/contracts',
    'shared types: samples, controllers, dynamics, agent/cost/policy/prior interfaces',
    'issue 2',
  ],
  ['@visuomotor/lqr', 'packages/lqr', 'KL-constrained LQR, time-varying LQR, iLQG', 'issue 3'],
  [
    '@visuomotor/gmm-prior',
    'packages/gmm-prior',
    'dynamics fitting with a GMM / NIW prior, policy prior',
    'issue 4',
  ],
  [
    '@visuomotor/mujoco-agent',
    'packages/mujoco-agent',
    'MuJoCo WebAssembly tasks, rollouts, worker pool, ray-cast camera',
    'issue 5',
  ],
  [
    '@visuomotor/badmm',
    'packages/badmm',
    'costs, trajectory optimisation, BADMM and MDGPS',
    'issues 6, 7',
  ],
  [
    '@visuomotor/spatial-softmax',
    'packages/spatial-softmax',
    'spatial soft-argmax layer and visuomotor CNN policy (tfjs)',
    'issue 8',
  ],
  [
    '@visuomotor/pr2-agent',
    'packages/pr2-agent',
    'real PR2 over ROS 2 (rclnodejs, optional)',
    'not filed yet',
  ],
  ['@visuomotor/trainer', 'apps/trainer', 'the `visuomotor` CLI that runs experiments', 'issue 6'],
];
