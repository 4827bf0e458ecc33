// WGAN-GP on a mixture of 8 Gaussians on a ring (radius 2, σ 0.1: neighbouring modes 15σ apart): the classic mode-coverage test.
// After training, every mode must hold >= 5% of 10,000 samples within 3σ of its centre. Writes a
// scatter plot (samples in blue, modes in red) to ./out/ring.png, and with @tessera/plot the same samples
// against the modes (ring-samples.svg/.png) and the loss curves per epoch (history.svg/.png).
// Run: npm start -w @tessera/example-gan-ring   (STEPS=3000 generator steps, 5 critic steps each)
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, Prng, useBackend } from '@tessera/core';
import { seconds } from '@tessera/example-shared/datasets';
import { gan, ganMonitor, scatterSheet } from '@tessera/gan';
import { writePng } from '@tessera/gan/node';
import { dense, sequential } from '@tessera/layers';
import { adam } from '@tessera/optimizers';
import { plotHistory, plotScatter } from '@tessera/plot';
import { writePlot } from '@tessera/plot/node';
import { tensor1d, tensor2d } from '@tessera/tensor';
import { fit, progressBar } from '@tessera/train';

const steps = Number(process.env.STEPS ?? 3000);
const nCritic = 5;
const sigma = 0.1;
const radius = 2;
const batchSize = 256;
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'out');
const start = performance.now();
const plugin = await useBackend(await auto([wasm(), cpu()]));

const modes = Array.from({ length: 8 }, (_, k) => [radius * Math.cos((k * Math.PI) / 4), radius * Math.sin((k * Math.PI) / 4)]);
const rng = new Prng(1);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const n = 65536;
const pts = new Float32Array(n * 2);
const labels = new Int32Array(n);
for (let i = 0; i < n; i++) {
  const k = rng.int(8);
  labels[i] = k;
  pts[2 * i] = (modes[k][0] + sigma * gauss()) / radius; // data scaled to radius 1 for the networks
  pts[2 * i + 1] = (modes[k][1] + sigma * gauss()) / radius;
}
const x = tensor2d(pts, [n, 2]);
const y = tensor1d(labels, 'int32');

const mlp = (outUnits, seed, name) =>
  sequential(
    [
      dense(128, { activation: 'relu', seed }),
      dense(128, { activation: 'relu', seed: seed + 1 }),
      dense(128, { activation: 'relu', seed: seed + 2 }),
      dense(outUnits, { seed: seed + 3 }),
    ],
    { name },
  );
const step = gan({
  generator: mlp(2, 1, 'generator'),
  discriminator: mlp(1, 10, 'critic'),
  latentDim: 2,
  loss: 'wasserstein',
  gradientPenalty: 0.1,
  nCritic,
  generatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5, b2: 0.9 }),
  discriminatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5, b2: 0.9 }),
});
// one pass over the 65,536 points is an epoch of 256 critic steps
const stepsPerEpoch = n / batchSize;
const history = await fit(
  step,
  { x, y, batchSize, shuffle: true, seed: 1 },
  {
    epochs: Math.ceil((steps * nCritic) / stepsPerEpoch),
    stepsPerEpoch,
    seed: 1,
    callbacks: [progressBar(), ganMonitor({ minDiversity: 0.05 })],
  },
);

const samples = step.sample(10000, { seed: 5 });
const s = samples.dataSync();
samples.dispose();
const near = new Array(8).fill(0);
const points = [];
for (let i = 0; i < 10000; i++) {
  const px = s[2 * i] * radius;
  const py = s[2 * i + 1] * radius;
  points.push([px, py]);
  for (let k = 0; k < 8; k++) if (Math.hypot(px - modes[k][0], py - modes[k][1]) <= 3 * sigma) near[k] += 1;
}
const coverage = near.map((c) => c / 10000);
await writePng(resolve(out, 'ring.png'), scatterSheet(points, { size: 400, extent: [-2.6, 2.6], marks: modes }));
const plots = [
  [
    plotScatter(
      { generated: points.slice(0, 2000), 'mode centres': modes },
      {
        domain: [-2.6, 2.6],
        size: 5,
        emphasize: ['mode centres'],
        title: `WGAN-GP on 8 Gaussians: 2,000 samples (${coverage.filter((c) => c >= 0.05).length}/8 modes covered)`,
      },
    ),
    'ring-samples',
  ],
  [plotHistory(history, { columns: 3, title: 'WGAN-GP on the ring: per-epoch means of the step logs' }), 'history'],
];
for (const [spec, name] of plots) for (const ext of ['svg', 'png']) await writePlot(spec, resolve(out, `${name}.${ext}`));
const result = {
  example: 'gan-ring',
  backend: plugin.name,
  generatorSteps: step.generatorSteps(),
  criticSteps: step.generatorSteps() * nCritic,
  coverage: coverage.map((c) => Math.round(c * 1000) / 1000),
  modesCovered: coverage.filter((c) => c >= 0.05).length,
  finalLogs: history.logs.at(-1),
  plot: resolve(out, 'ring.png'),
  plots: plots.map(([, name]) => `out/${name}.svg`),
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
if (result.modesCovered < 8) {
  console.error(`gan-ring: ${result.modesCovered} of 8 modes hold >= 5% of samples within 3σ`);
  process.exit(1);
}
