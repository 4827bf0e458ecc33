// Micro-benchmarks of the kernels Tessera adds or replaces: matMul variants (plain, transposed,
// batched, and the BatchMatMul gradient) and the conv filter gradient, stock tfjs vs Tessera,
// on every backend available in Node. Not a test: run `node packages/kernels/bench/kernels.mjs`
// (after `npx turbo run build --filter=@tessera/kernels...`). Prints a table, writes JSON.
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerCoreGradients } from '@tessera/core';
import { batchMatMulGradConfig, registerCpuKernels, registerWasmKernels, unregisterTesseraKernels } from '@tessera/kernels';

const quick = process.argv.includes('--quick');
const minMs = quick ? 300 : 1500;

function time(f) {
  tf.tidy(f); // warm-up
  const runs = [];
  for (let r = 0; r < 3; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < minMs / 3) {
      tf.tidy(() => {
        const out = f();
        for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
      });
      n++;
    }
    runs.push((performance.now() - t0) / n);
  }
  return runs.sort((a, b) => a - b)[1]; // median ms
}

const results = [];
function record(backend, name, variant, flops, ms) {
  const gflops = flops / (ms * 1e6);
  results.push({ backend, name, variant, ms: +ms.toFixed(3), gflops: +gflops.toFixed(2) });
  console.log(
    `${backend.padEnd(5)} ${name.padEnd(40)} ${variant.padEnd(8)} ${ms.toFixed(2).padStart(9)} ms ${gflops.toFixed(2).padStart(7)} GFLOP/s`,
  );
}

registerCoreGradients();
const stockMatMulGrad = tf.getGradient('BatchMatMul');
for (const backend of ['wasm', 'cpu']) {
  await tf.setBackend(backend);
  await tf.ready();
  const n = backend === 'cpu' ? 256 : 512;
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  const mm = 2 * n ** 3;
  const a3 = tf.randomUniform([4, n / 2, n / 2]);
  const b3 = tf.randomUniform([4, n / 2, n / 2]);
  for (const variant of backend === 'wasm' ? ['stock', 'tessera'] : ['stock']) {
    if (variant === 'tessera') registerWasmKernels();
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      record(
        backend,
        `matMul ${n}² tA=${ta} tB=${tb}`,
        variant,
        mm,
        time(() => tf.matMul(a, b, ta, tb)),
      );
    }
    record(
      backend,
      `batched matMul [4,${n / 2},${n / 2}]`,
      variant,
      4 * 2 * (n / 2) ** 3,
      time(() => tf.matMul(a3, b3)),
    );
    unregisterTesseraKernels();
  }
  // Dense backward: gradients of sum(x·W) w.r.t. x and W (two products), stock vs Tessera gradient.
  const batch = 128;
  const x = tf.randomUniform([batch, 784]);
  const w = tf.randomUniform([784, 128]);
  const denseGrad = () => tf.grads((u, v) => tf.sum(tf.matMul(u, v)))([x, w]);
  const gf = 2 * 2 * batch * 784 * 128;
  record(backend, 'Dense grad [128,784]x[784,128]', 'stock', gf, time(denseGrad));
  // Registered for wasm only by registerWasmKernels(); measured on both backends here.
  tf.registerGradient(batchMatMulGradConfig);
  record(backend, 'Dense grad [128,784]x[784,128]', 'tessera', gf, time(denseGrad));
  tf.registerGradient(stockMatMulGrad);
  // Conv filter gradient, MNIST-CNN sized: x [64,14,14,32], 3x3x32x64, same padding.
  const cx = tf.randomUniform([backend === 'cpu' ? 16 : 64, 14, 14, 32]);
  const cdy = tf.randomUniform([cx.shape[0], 14, 14, 64]);
  const cf = 2 * cx.shape[0] * 14 * 14 * 9 * 32 * 64;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 32, 64] };
  const filterGrad = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: cx, dy: cdy }, attrs);
  if (tf.getKernel('Conv2DBackpropFilter', backend)) record(backend, `conv2dBackpropFilter [${cx.shape}]`, 'stock', cf, time(filterGrad));
  else console.log(`${backend.padEnd(5)} conv2dBackpropFilter: no stock kernel`);
  if (backend === 'wasm') registerWasmKernels();
  else registerCpuKernels();
  record(backend, `conv2dBackpropFilter [${cx.shape}]`, 'tessera', cf, time(filterGrad));
  unregisterTesseraKernels();
  tf.disposeVariables();
}
const out = new URL('./results.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
