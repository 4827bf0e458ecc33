// The same app as index.mjs through the CommonJS builds (require), with a gradient.
const { useBackend } = require('@tessera/core');
const { cpu } = require('@tessera/backend-cpu');
const { grad, sum, mul, tensor1d, getBackend } = require('@tessera/tensor');

(async () => {
  await useBackend(cpu());
  const g = grad((x) => sum(mul(x, x)))(tensor1d([1, 2, 3]));
  console.log(JSON.stringify({ backend: getBackend(), grad: Array.from(await g.data()) }));
})();
