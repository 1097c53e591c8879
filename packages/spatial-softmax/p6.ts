import { buildNetwork, initBackend, mlp, tf } from './src/index.js';

await initBackend({ prefer: ['wasm'] });
const net = buildNetwork(mlp({ hidden: [40, 40] }), 32, 7);
const vars = net.weights.map((w) => w.variable);
const adam = tf.train.adam(1e-3);
const x = tf.randomNormal([25, 32]) as tf.Tensor2D;
const y = tf.randomNormal([25, 7]) as tf.Tensor2D;
const P = tf.tile(tf.expandDims(tf.eye(7), 0), [25, 1, 1]) as tf.Tensor3D;
const loss = () => {
  const d = tf.sub(y, net.forward(x));
  const dp = tf.matMul(tf.expandDims(d, 1) as tf.Tensor3D, P);
  return tf.div(tf.sum(tf.mul(tf.reshape(dp, d.shape), d)), 50) as tf.Scalar;
};
function t(name: string, f: () => void, n = 2000) {
  for (let i = 0; i < 100; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(name.padEnd(24), (((performance.now() - t0) / n) * 1000).toFixed(0), 'us');
}
t('forward', () =>
  tf.tidy(() => {
    net.forward(x);
  }),
);
t('loss', () =>
  tf.tidy(() => {
    loss();
  }),
);
t('grads', () =>
  tf.tidy(() => {
    tf.variableGrads(loss, vars);
  }),
);
t('grads+adam', () =>
  tf.tidy(() => {
    const { grads } = tf.variableGrads(loss, vars);
    adam.applyGradients(grads as never);
  }),
);
t('single add', () =>
  tf.tidy(() => {
    tf.add(x, x);
  }),
);
