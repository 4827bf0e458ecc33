import type { Callback, Logs, TrainingControl } from '@tessera/core';
import { type TransformerLM, transformerLM } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adamw, chain, clipByGlobalNorm } from '@tessera/optimizers';
import { type CharTokenizer, generate, lmBatches } from '@tessera/text';
import { fit } from '@tessera/train';
import { nextFrame } from './rl-train.js';

/** The text tab's model: a small GPT (2 blocks, 4 heads, width 64, context 64), nanoGPT's conventions. */
export const TEXT_CONFIG = { layers: 2, heads: 4, width: 64, blockSize: 64, batchSize: 16 } as const;

/** A small char-level transformer (pre-norm, GELU, tied embeddings, GPT-2 initialization, no dropout). */
export function createCharModel(vocabSize: number, seed = 1337): TransformerLM {
  const { layers, heads, width, blockSize, batchSize } = TEXT_CONFIG;
  const lm = transformerLM({
    vocabSize,
    blockSize,
    layers,
    heads,
    width,
    dropout: 0,
    kernelInitializer: { className: 'RandomNormal', config: { stddev: 0.02 } },
    outputKernelInitializer: { className: 'RandomNormal', config: { stddev: 0.02 / Math.sqrt(2 * layers) } },
    seed,
  });
  lm.build([batchSize, blockSize]);
  return lm;
}

/** What the page shows after each training step. */
export interface TextProgress {
  step: number;
  loss: number;
  /** Seconds of training so far. */
  seconds: number;
  /** Characters (tokens) trained on per second. */
  tokensPerSecond: number;
}

/** Options of {@link trainText}. */
export interface TrainTextOptions {
  /** Training time budget in seconds: training stops after the first step past it. */
  seconds: number;
  /** Train at least this many steps even past the time budget (default 0; the test uses it so a slow machine still trains enough). */
  minSteps?: number;
  /** Seed of the batches. */
  seed?: number;
  /** Called after every step. */
  onStep(progress: TextProgress): void;
  /** Called every `sampleEverySeconds` (and after the last step) between steps: generate a sample there. */
  onSample?(step: number): Promise<void>;
  sampleEverySeconds?: number;
  shouldStop?(): boolean;
  /** Animation frames yielded to the page after each step (default 1). */
  framesBetween?: number;
}

/**
 * Trains `lm` on random windows of `tokens` (nanoGPT's get_batch through `lmBatches`) with AdamW
 * (learning rate 3e-3, beta2 0.99, weight decay 0.1 on 2-D weights, gradient-norm clip 1), one
 * `fit` call whose callback reports each step, samples every few seconds, yields animation frames
 * to the page and stops at the time budget.
 */
export async function trainText(lm: TransformerLM, tokens: Int32Array, options: TrainTextOptions): Promise<void> {
  const { blockSize, batchSize } = TEXT_CONFIG;
  const decayed = new Set(
    Object.entries(lm.parameters())
      .filter(([, p]) => p.shape.length >= 2)
      .map(([name]) => name),
  );
  const optimizer = chain(
    clipByGlobalNorm(1),
    adamw({ learningRate: 3e-3, b1: 0.9, b2: 0.99, eps: 1e-8, weightDecay: 0.1, mask: (name) => decayed.has(name) }),
  );
  const t0 = performance.now();
  let sampling = 0; // time spent generating samples, not counted as training time
  let lastSample = t0;
  const every = (options.sampleEverySeconds ?? 3) * 1000;
  const chunking: Callback = {
    async onBatchEnd(step: number, logs: Logs, control: TrainingControl) {
      const elapsed = (performance.now() - t0 - sampling) / 1000;
      options.onStep({ step, loss: logs.loss as number, seconds: elapsed, tokensPerSecond: (step * batchSize * blockSize) / elapsed });
      const last = (elapsed >= options.seconds && step >= (options.minSteps ?? 0)) || options.shouldStop?.() === true;
      if (last) control.stop();
      if (options.onSample && (last || performance.now() - lastSample >= every)) {
        const s0 = performance.now();
        await options.onSample(step);
        lastSample = performance.now();
        sampling += lastSample - s0;
      }
      for (let i = 0; i < (options.framesBetween ?? 1); i++) await nextFrame();
    },
  };
  await fit(lm, lmBatches(tokens, { blockSize, batchSize, seed: options.seed ?? 1337 }), {
    loss: sparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer,
    epochs: 1,
    stepsPerEpoch: 1_000_000,
    seed: options.seed ?? 1337,
    callbacks: [chunking],
  });
}

/** Options of {@link sampleText}. */
export interface SampleTextOptions {
  prompt: string;
  /** New characters to generate. */
  length: number;
  temperature: number;
  seed: number;
  /** Characters generated per `generate` call, with an animation frame between calls (default 16). */
  chunk?: number;
  /** Called with the characters generated so far after each chunk (the sample streams into the page). */
  onChunk?(text: string, prompt: string): void;
}

/**
 * A seeded sample: `length` new characters after `prompt` (its characters not in the vocabulary are
 * dropped), generated with the model's key/value cache `chunk` characters at a time (chunk `i` draws
 * with seed `seed + i`; the context is the last `blockSize` characters), yielding an animation frame
 * between chunks so the page keeps painting.
 */
export async function sampleText(
  lm: TransformerLM,
  tok: CharTokenizer,
  options: SampleTextOptions,
): Promise<{ prompt: string; text: string }> {
  const known = new Set(tok.chars);
  const prompt = [...options.prompt].filter((c) => known.has(c)).join('') || '\n';
  const context = tok.encode(prompt);
  const out: number[] = [];
  const chunk = options.chunk ?? 16;
  for (let i = 0; out.length < options.length; i++) {
    const ids = await generate(lm, context.concat(out).slice(-TEXT_CONFIG.blockSize), {
      maxNewTokens: Math.min(chunk, options.length - out.length),
      temperature: options.temperature,
      seed: options.seed + i,
    });
    out.push(...ids);
    options.onChunk?.(tok.decode(out), prompt);
    if (out.length < options.length) await nextFrame();
  }
  return { prompt, text: tok.decode(out) };
}
