import type {
  Batch,
  GradientTransform,
  Module,
  NamedTensors,
  StateTree,
  StepContext,
  StepLogs,
  StepOutput,
  StepSnapshot,
  TensorTree,
  TrainStep,
} from '@tessera/core';
import { disposeStale, disposeTree, rngKey, ValueError } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, applyGradients, mul, randomNormal, randomUniform, scalar, tensor1d, tidy, valueAndGrad } from '@tessera/tensor';
import { ensureBuilt, moduleWeights, restoreModuleWeights, trainableParameters } from '@tessera/train';
import { emaInit, emaUpdate } from './ema.js';
import { gradientPenalty } from './gradient-penalty.js';
import { type GanLoss, type GanLossName, ganLoss } from './losses.js';
import { discriminatorSignals } from './signals.js';

/**
 * Options of {@link gan}.
 *
 * @example
 * ```ts
 * const options: GanOptions = {
 *   generator, discriminator, latentDim: 64, loss: 'wasserstein', gradientPenalty: 10, nCritic: 5,
 *   generatorOptimizer: adam({ learningRate: 1e-4, b1: 0.5, b2: 0.9 }),
 *   discriminatorOptimizer: adam({ learningRate: 1e-4, b1: 0.5, b2: 0.9 }),
 * };
 * ```
 */
export interface GanOptions {
  /** Maps latent vectors `[batch, latentDim]` (conditional: `[z, labels]`) to samples shaped like `batch.x`. */
  generator: Module;
  /** Maps samples (conditional: `[x, labels]`) to one raw score per sample, `[batch, 1]` or `[batch]`. */
  discriminator: Module;
  /** Size of the latent vector (standard normal). */
  latentDim: number;
  /** The objective: a {@link GanLossName} or a custom {@link GanLoss} (default `'nonSaturating'`). */
  loss?: GanLossName | GanLoss;
  /** Weight λ of WGAN-GP's gradient penalty (default 10 for `'wasserstein'`, else 0 = off). */
  gradientPenalty?: number;
  /** Discriminator updates per generator update; each consumes one batch (default 1; 5 is WGAN-GP's). */
  nCritic?: number;
  /** The generator's gradient transformation. */
  generatorOptimizer: GradientTransform;
  /** The discriminator's gradient transformation. */
  discriminatorOptimizer: GradientTransform;
  /**
   * Conditional GAN: `batch.y` holds int32 class labels `[batch]`, the generator is called with
   * `[z, labels]` and the discriminator with `[x, labels]`; generated samples are conditioned on
   * labels drawn uniformly from `[0, numClasses)`.
   */
  conditional?: { numClasses: number };
  /** Keep an exponential moving average of the generator's parameters with this decay (e.g. 0.999); sampling uses it. */
  emaDecay?: number;
}

/**
 * The state a {@link gan} step carries between steps.
 *
 * @example
 * ```ts
 * const s: GanState = step.init(firstBatch); // { generator, discriminator, ema, criticSteps }
 * ```
 */
export interface GanState {
  /** Generator optimizer state. */
  generator: StateTree;
  /** Discriminator optimizer state. */
  discriminator: StateTree;
  /** EMA of the generator's parameters by path (empty without `emaDecay`). */
  ema: NamedTensors;
  /** Discriminator updates done so far. */
  criticSteps: number;
}

/**
 * Options of {@link GanStep.sample}.
 *
 * @example
 * ```ts
 * const images = step.sample(64, { seed: 7, labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
 * ```
 */
export interface SampleOptions {
  /** Seed of the latent vectors (default 0): the same seed gives the same grid every epoch. */
  seed?: number;
  /** Conditional GANs: one label per sample, or a shorter list repeated (default `i % numClasses`). */
  labels?: number[];
  /** Use the EMA weights when the step keeps them (default true). */
  ema?: boolean;
}

/**
 * A GAN as a {@link TrainStep} for `fit`, plus sampling from its generator.
 *
 * @example
 * ```ts
 * const step: GanStep = gan({ generator, discriminator, latentDim: 64, generatorOptimizer, discriminatorOptimizer });
 * await fit(step, mnistImages.batch(64), { epochs: 5, callbacks: [progressBar()] });
 * const images = step.sample(16, { seed: 1 });
 * ```
 */
export interface GanStep extends TrainStep<GanState> {
  /** Generated samples `[n, ...]` from seeded latent vectors (inference mode; the caller disposes). */
  sample(n: number, options?: SampleOptions): Tensor;
  /** Generator updates done so far (after `fit`, from the last state it saw). */
  generatorSteps(): number;
  /** Frees the EMA weights kept for sampling after `fit` ended (with `emaDecay`). */
  release(): void;
}

/** A seed tfjs' random ops honour: they draw from Math.random() when given 0. */
const opSeed = (seed: number): number => rngKey(seed).seed() || 1;

const positiveInt = (v: number, what: string) => {
  if (!Number.isInteger(v) || v < 1) throw new ValueError(what, 'a positive integer', v);
  return v;
};

function checkModule(m: Module, what: string): void {
  if (!m || typeof m.call !== 'function' || typeof m.parameters !== 'function') throw new ValueError(what, 'a Module with call()', m);
}

function checkOptimizer(o: GradientTransform, what: string): void {
  if (!o || typeof o.init !== 'function' || typeof o.update !== 'function')
    throw new ValueError(what, 'a GradientTransform { init, update }', o);
}

/**
 * A GAN training step (Keras' `train_step` for GANs, TF-GAN's `gan_train`): each `fit` step
 * updates the discriminator on one real batch and as many generated samples; every `nCritic`-th
 * step also updates the generator on a fresh latent batch. Both modules, both optimizer states,
 * the EMA generator and the step counters are checkpointed, so `fit`'s exact resume, callbacks,
 * progress and loggers work unchanged.
 *
 * Logs: `d_loss`, `g_loss` (the generator update's loss; on discriminator-only steps the generator
 * loss of that step's samples before the update), `d_real` / `d_fake` (mean scores),
 * `d_acc` (discriminator accuracy on real vs generated, not for `'wasserstein'`), `gp` (with a
 * gradient penalty) and `diversity` (mean pairwise distance of generated samples over that of the
 * real batch: near 0 signals mode collapse; see {@link ganMonitor}).
 *
 * @example
 * ```ts
 * const step = gan({
 *   generator: sequential([dense(256, { activation: 'relu' }), dense(784, { activation: 'tanh' })]),
 *   discriminator: sequential([dense(256, { activation: 'leakyRelu' }), dense(1)]),
 *   latentDim: 64,
 *   generatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5 }),
 *   discriminatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5 }),
 * });
 * await fit(step, images.batch(64), { epochs: 10, seed: 1 });
 * ```
 */
export function gan(options: GanOptions): GanStep {
  if (!options || typeof options !== 'object') throw new ValueError('gan options', 'an options object', options);
  const G = options.generator;
  const D = options.discriminator;
  checkModule(G, 'gan generator');
  checkModule(D, 'gan discriminator');
  checkOptimizer(options.generatorOptimizer, 'gan generatorOptimizer');
  checkOptimizer(options.discriminatorOptimizer, 'gan discriminatorOptimizer');
  const latentDim = positiveInt(options.latentDim, 'gan latentDim');
  const loss = typeof options.loss === 'object' && options.loss !== null ? options.loss : ganLoss(options.loss ?? 'nonSaturating');
  const gpWeight = options.gradientPenalty ?? (loss.name === 'wasserstein' ? 10 : 0);
  if (!(Number.isFinite(gpWeight) && gpWeight >= 0)) throw new ValueError('gan gradientPenalty', 'a number >= 0', options.gradientPenalty);
  const nCritic = positiveInt(options.nCritic ?? 1, 'gan nCritic');
  const numClasses = options.conditional ? positiveInt(options.conditional.numClasses, 'gan conditional.numClasses') : 0;
  const emaDecay = options.emaDecay;
  if (emaDecay !== undefined && !(emaDecay > 0 && emaDecay < 1)) throw new ValueError('gan emaDecay', 'a number in (0, 1)', emaDecay);
  if (emaDecay !== undefined && typeof G.apply !== 'function') {
    throw new ValueError('gan emaDecay', 'a generator with apply(params, x) (every Tessera layer and model has it)', G.name);
  }
  const modules = { generator: G, discriminator: D };
  // the newest state the step produced or restored: sampling reads its EMA weights
  let current: GanState | null = null;
  // after fit disposed its state: the EMA weights it ended with, and its critic-step count
  let retained: NamedTensors | null = null;
  let finalCriticSteps = 0;

  const images = (batch: Batch, step: number): Tensor => {
    const x = batch?.x;
    if (!x || typeof (x as Tensor).shape !== 'object' || Array.isArray(x)) {
      throw new ValueError(`gan batch at step ${step}`, 'an object { x: real samples tensor, y?: labels }', batch);
    }
    return x as Tensor;
  };
  const labelsOf = (batch: Batch, step: number): Tensor | undefined => {
    if (!numClasses) return undefined;
    const y = batch.y as Tensor | undefined;
    if (!y || typeof (y as Tensor).shape !== 'object')
      throw new ValueError(`gan batch at step ${step} y`, 'int32 class labels [batch] (conditional GAN)', y);
    return y;
  };
  // tfjs' random ops treat seed 0 as "unseeded": every seed goes through opSeed first
  const latent = (n: number, seed: number): Tensor => randomNormal([n, latentDim], 0, 1, 'float32', opSeed(seed));
  const randomLabels = (n: number, seed: number): Tensor => tidy(() => randomUniform([n], 0, numClasses, 'int32', opSeed(seed)));
  const gInput = (z: Tensor, labels?: Tensor): TensorTree => (labels ? [z, labels] : z);
  const dInput = (x: Tensor, labels?: Tensor): TensorTree => (labels ? [x, labels] : x);

  const step: GanStep = {
    name: `gan(${G.name}, ${D.name})`,
    modules: () => modules,
    init(batch) {
      const x = images(batch, 0);
      const n = x.shape[0] as number;
      const labels = labelsOf(batch, 0);
      tidy(() => {
        const z = latent(n, 0);
        ensureBuilt(G, gInput(z, labels));
        ensureBuilt(D, dInput(x, labels));
      });
      const ema = emaDecay !== undefined ? emaInit(trainableParameters(G, 'gan generator')) : {};
      current = {
        generator: options.generatorOptimizer.init(G.parameters()),
        discriminator: options.discriminatorOptimizer.init(D.parameters()),
        ema,
        criticSteps: 0,
      };
      return current;
    },
    step(state, batch, ctx: StepContext): StepOutput<GanState> {
      const real = images(batch, ctx.step);
      const n = real.shape[0] as number;
      const labels = labelsOf(batch, ctx.step);
      const [kz, kLabels, kEps, kG, kGz, kGLabels] = ctx.rng.split(6) as [
        typeof ctx.rng,
        typeof ctx.rng,
        typeof ctx.rng,
        typeof ctx.rng,
        typeof ctx.rng,
        typeof ctx.rng,
      ];
      // discriminator update on real vs generated (the generator is not differentiated here)
      const fakeLabels = numClasses ? randomLabels(n, kLabels.seed()) : undefined;
      const fake = tidy(() => G.call(gInput(latent(n, kz.seed()), fakeLabels), { training: true, rng: kG }) as Tensor);
      const dParams = trainableParameters(D, 'gan discriminator');
      const {
        value: dLoss,
        grads: dGrads,
        aux,
      } = valueAndGrad(
        (): [Scalar, { real: Tensor; fake: Tensor; gp?: Tensor }] => {
          const r = D.call(dInput(real, labels), { training: true, rng: ctx.rng }) as Tensor;
          const f = D.call(dInput(fake, fakeLabels), { training: true, rng: ctx.rng.fold(1) }) as Tensor;
          let total = loss.discriminator(r, f);
          let gp: Tensor | undefined;
          if (gpWeight > 0) {
            const eps = randomUniform([n], 0, 1, 'float32', opSeed(kEps.seed()));
            const critic = (x: Tensor) => D.call(dInput(x, labels), { training: true, rng: ctx.rng.fold(2) }) as Tensor;
            gp = gradientPenalty(critic, real, fake, eps);
            total = add(total, mul(gp, scalar(gpWeight))) as Scalar;
          }
          const reg = D.regularizationLoss?.();
          if (reg) total = add(total, reg) as Scalar;
          return [total, gp ? { real: r, fake: f, gp } : { real: r, fake: f }];
        },
        { hasAux: true },
      )(dParams);
      let next: GanState;
      const logs: StepLogs = {};
      try {
        const dNext = applyGradients(options.discriminatorOptimizer, state.discriminator, dParams, dGrads).state;
        next = { ...state, discriminator: dNext, criticSteps: state.criticSteps + 1 };
        Object.assign(logs, discriminatorSignals(loss.name, aux.real, aux.fake, real, fake));
        if (aux.gp) logs.gp = aux.gp;
        // steps without a generator update log the generator's loss on this step's samples
        if ((state.criticSteps + 1) % nCritic !== 0) logs.g_loss = tidy(() => loss.generator(aux.fake));
      } finally {
        for (const g of Object.values(dGrads)) g.dispose();
        aux.real.dispose();
        aux.fake.dispose();
        fake.dispose();
        fakeLabels?.dispose();
      }
      logs.d_loss = dLoss;
      if (next.criticSteps % nCritic === 0) {
        const gParams = trainableParameters(G, 'gan generator');
        const gLabels = numClasses ? randomLabels(n, kGLabels.seed()) : undefined;
        const { value: gLoss, grads: gGrads } = valueAndGrad((): Scalar => {
          const f = G.call(gInput(latent(n, kGz.seed()), gLabels), { training: true, rng: kG.fold(1) }) as Tensor;
          const s = D.call(dInput(f, gLabels), { training: true, rng: ctx.rng.fold(3) }) as Tensor;
          const reg = G.regularizationLoss?.();
          const l = loss.generator(s);
          return (reg ? add(l, reg) : l) as Scalar;
        })(gParams);
        try {
          next.generator = applyGradients(options.generatorOptimizer, state.generator, gParams, gGrads).state;
          if (emaDecay !== undefined) next.ema = emaUpdate(state.ema, gParams, emaDecay);
        } finally {
          for (const g of Object.values(gGrads)) g.dispose();
          gLabels?.dispose();
        }
        logs.g_loss = gLoss;
      }
      current = next;
      return { state: next, logs };
    },
    evalStep(_state, batch, ctx): StepLogs {
      const real = images(batch, ctx.step);
      const n = real.shape[0] as number;
      const labels = labelsOf(batch, ctx.step);
      return tidy(() => {
        const fakeLabels = numClasses ? randomLabels(n, ctx.rng.fold(1).seed()) : undefined;
        const fake = G.call(gInput(latent(n, ctx.rng.seed()), fakeLabels), { training: false }) as Tensor;
        const r = D.call(dInput(real, labels), { training: false }) as Tensor;
        const f = D.call(dInput(fake, fakeLabels), { training: false }) as Tensor;
        return { d_loss: loss.discriminator(r, f), g_loss: loss.generator(f), ...discriminatorSignals(loss.name, r, f, real, fake) };
      });
    },
    snapshot(state): StepSnapshot {
      const optimizerState: StateTree = { generator: state.generator, discriminator: state.discriminator };
      if (emaDecay !== undefined) (optimizerState as Record<string, StateTree>).ema = state.ema as StateTree;
      return { weights: moduleWeights(modules), optimizerState, extra: { criticSteps: state.criticSteps } };
    },
    restore(snap, batch, previous) {
      if (batch) {
        const x = images(batch, 0);
        const labels = labelsOf(batch, 0);
        tidy(() => {
          ensureBuilt(G, gInput(latent(x.shape[0] as number, 0), labels));
          ensureBuilt(D, dInput(x, labels));
        });
      }
      restoreModuleWeights(modules, snap.weights, 'gan restore');
      const opt = snap.optimizerState as { generator: StateTree; discriminator: StateTree; ema?: NamedTensors };
      if (!opt || typeof opt !== 'object' || !('generator' in opt) || !('discriminator' in opt)) {
        throw new ValueError('gan restore optimizerState', '{ generator, discriminator, ema? }', opt);
      }
      if (emaDecay !== undefined && !opt.ema)
        throw new ValueError('gan restore optimizerState.ema', 'the EMA weights (the run had emaDecay)', undefined);
      const extra = snap.extra as { criticSteps?: number } | undefined;
      const next: GanState = {
        generator: opt.generator,
        discriminator: opt.discriminator,
        ema: opt.ema ?? {},
        criticSteps: extra?.criticSteps ?? 0,
      };
      if (previous) disposeStale(previous as unknown as StateTree, next as unknown as StateTree);
      current = next;
      return next;
    },
    dispose(state) {
      disposeTree(state.generator);
      disposeTree(state.discriminator);
      // the EMA weights outlive the run (sampling after fit uses them) until release()
      if (emaDecay !== undefined && current === state) {
        if (retained && retained !== state.ema) disposeTree(retained as StateTree);
        retained = state.ema;
      } else if (retained !== state.ema) disposeTree(state.ema as StateTree);
      if (current === state) {
        finalCriticSteps = state.criticSteps;
        current = null;
      }
    },
    sample(count, sampleOptions = {}) {
      positiveInt(count, 'gan sample n');
      const seed = sampleOptions.seed ?? 0;
      return tidy(() => {
        let labels: Tensor | undefined;
        if (numClasses) {
          const given = sampleOptions.labels;
          const list = Array.from({ length: count }, (_, i) => (given?.length ? (given[i % given.length] as number) : i % numClasses));
          for (const l of list)
            if (!(Number.isInteger(l) && l >= 0 && l < numClasses))
              throw new ValueError('gan sample labels', `integers in [0, ${numClasses})`, l);
          labels = tensor1d(list, 'int32');
        }
        const z = latent(count, seed);
        const ema = emaDecay !== undefined && sampleOptions.ema !== false ? (current?.ema ?? retained ?? undefined) : undefined;
        if (ema && G.apply) return G.apply({ ...G.parameters(), ...ema }, gInput(z, labels), { training: false }) as Tensor;
        return G.call(gInput(z, labels), { training: false }) as Tensor;
      });
    },
    generatorSteps: () => Math.floor((current?.criticSteps ?? finalCriticSteps) / nCritic),
    release() {
      if (retained) disposeTree(retained as StateTree);
      retained = null;
    },
  };
  return step;
}
