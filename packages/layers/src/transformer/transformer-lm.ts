import type { CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor, scope } from '@tessera/tensor';
import type { ActivationName } from '../activations.js';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions } from '../layer.js';
import { initConfig, positiveInt, rate } from '../layers/common.js';
import { Dense } from '../layers/dense.js';
import { dropoutOp } from '../layers/dropout-op.js';
import { Embedding } from '../layers/embedding.js';
import { LayerNormalization } from '../layers/norms.js';
import type { Shape } from '../shape.js';
import type { AttentionCache } from './multi-head-attention.js';
import { TokenAndPositionEmbedding } from './token-and-position-embedding.js';
import { TransformerDecoderBlock } from './transformer-decoder-block.js';

/**
 * Options of {@link TransformerLM} (nanoGPT's `GPTConfig` names where they exist).
 *
 * @example
 * ```ts
 * const opts: TransformerLMOptions = { vocabSize: 65, blockSize: 64, layers: 4, heads: 4, width: 128, dropout: 0 };
 * ```
 */
export interface TransformerLMOptions extends LayerOptions {
  vocabSize: number;
  /** Longest context (positions of the position table, default cache length). */
  blockSize: number;
  /** Number of decoder blocks. */
  layers: number;
  /** Attention heads per block. */
  heads: number;
  /** Width of the residual stream (a multiple of `heads`). */
  width: number;
  /** Dropout on the embeddings, the residuals and the attention weights in training mode (default 0). */
  dropout?: number;
  /** The output head is the transposed token embedding (default true, as GPT-2). */
  tieEmbeddings?: boolean;
  /** `pre` (GPT-2, default) or `post` layer norm in the blocks; pre-norm adds a final layer norm. */
  norm?: 'pre' | 'post';
  /** MLP hidden size (default 4 × width). */
  intermediateDim?: number;
  /** MLP activation (default `gelu`). */
  activation?: ActivationName;
  /** `learned` position table (default), `sinusoidal`, or `rotary` (rotated queries and keys, no table). */
  positions?: 'learned' | 'sinusoidal' | 'rotary';
  /** Key/value heads for grouped-query attention (default `heads`). */
  numKeyValueHeads?: number;
  /** Biases in the attention and MLP projections (default true). */
  useBias?: boolean;
  /** Epsilon of the layer norms (default 1e-5). */
  layerNormEpsilon?: number;
  /** Learned offsets (beta) in the layer norms (default true; nanoGPT's `bias=False` drops them with `useBias: false`). */
  layerNormCenter?: boolean;
  /** Initializer of the token and position tables (default `randomNormal` with stddev 0.02, as GPT-2). */
  embeddingsInitializer?: InitializerLike;
  /** Initializer of the attention, MLP (and untied head) kernels (default `glorotUniform`; GPT-2: normal(0, 0.02)). */
  kernelInitializer?: InitializerLike;
  /**
   * Initializer of the attention output and `mlp_out` kernels, which write into the residual
   * stream (default `kernelInitializer`; GPT-2 / nanoGPT: normal(0, 0.02 / √(2·layers))).
   */
  outputKernelInitializer?: InitializerLike;
}

/**
 * The cache of {@link TransformerLM.step}: the number of positions seen (`embedding`) and one
 * key/value cache per block.
 *
 * @example
 * ```ts
 * const cache: TransformerLMCache = lm.initCache(1); // room for blockSize positions
 * ```
 */
export interface TransformerLMCache {
  [key: string]: { length: number } | AttentionCache[];
  embedding: { length: number };
  blocks: AttentionCache[];
}

/**
 * A decoder-only language model (GPT-2 / nanoGPT): token + position embeddings, `layers` causal
 * decoder blocks, a final layer norm (pre-norm), and a head to vocabulary logits, tied to the token
 * embedding by default. int32 ids `[batch, time]` (time ≤ blockSize) → logits `[batch, time, vocabSize]`;
 * train it with `sparseCategoricalCrossentropy({ fromLogits: true })` on next-token targets
 * `[batch, time]`. Decodes incrementally with a key/value cache ({@link Stepper}): `step` on a
 * chunk of ids equals the full call position by position.
 *
 * Parameter names: `<lm>/embedding/token/embeddings`, `<lm>/block_0/attention/query_kernel`, ...,
 * `<lm>/final_norm/gamma` (and `<lm>/head/kernel` when untied).
 *
 * @example
 * ```ts
 * const lm = transformerLM({ vocabSize: 65, blockSize: 64, layers: 4, heads: 4, width: 128, dropout: 0.1 });
 * const logits = lm.call(ids, { training: true, rng: rngKey(0) }); // [12, 64, 65]
 * let cache = lm.initCache(1);
 * const [next, cache2] = lm.step(tensor2d([[0]], [1, 1], 'int32'), cache); // [1, 1, 65]
 * ```
 */
export class TransformerLM extends Layer implements Stepper<TransformerLMCache> {
  static readonly className = 'TransformerLM';
  readonly className = 'TransformerLM';
  supportsMasking = true;
  readonly vocabSize: number;
  readonly blockSize: number;
  readonly numLayers: number;
  readonly heads: number;
  readonly width: number;
  readonly dropout: number;
  readonly tieEmbeddings: boolean;
  readonly norm: 'pre' | 'post';
  readonly positions: 'learned' | 'sinusoidal' | 'rotary';
  /** Token (+ position) embedding. */
  readonly embedding: TokenAndPositionEmbedding | Embedding;
  readonly blocks: TransformerDecoderBlock[];
  readonly finalNorm?: LayerNormalization;
  readonly head?: Dense;
  private readonly opts: TransformerLMOptions;

  constructor(opts: TransformerLMOptions) {
    super(opts);
    this.vocabSize = positiveInt(opts.vocabSize, `${this.name} vocabSize`);
    this.blockSize = positiveInt(opts.blockSize, `${this.name} blockSize`);
    this.numLayers = positiveInt(opts.layers, `${this.name} layers`);
    this.heads = positiveInt(opts.heads, `${this.name} heads`);
    this.width = positiveInt(opts.width, `${this.name} width`);
    if (this.width % this.heads !== 0) throw new ValueError(`${this.name} heads`, `a divisor of width (${this.width})`, this.heads);
    this.dropout = rate(opts.dropout ?? 0, `${this.name} dropout`);
    this.tieEmbeddings = opts.tieEmbeddings ?? true;
    this.norm = opts.norm ?? 'pre';
    this.positions = opts.positions ?? 'learned';
    if (!['learned', 'sinusoidal', 'rotary'].includes(this.positions)) {
      throw new ValueError(`${this.name} positions`, '"learned", "sinusoidal" or "rotary"', opts.positions);
    }
    this.opts = { ...opts };
    const seed = (i: number) => (opts.seed === undefined ? {} : { seed: opts.seed + 10 * i });
    const tableInit = opts.embeddingsInitializer ?? { className: 'RandomNormal', config: { stddev: 0.02 } };
    this.embedding =
      this.positions === 'rotary'
        ? new Embedding({ inputDim: this.vocabSize, outputDim: this.width, embeddingsInitializer: tableInit, ...seed(0) })
        : new TokenAndPositionEmbedding({
            vocabSize: this.vocabSize,
            maxLength: this.blockSize,
            dim: this.width,
            positions: this.positions,
            embeddingsInitializer: tableInit,
            ...seed(0),
          });
    this.deriveName(this.embedding, () => `${this.name}/embedding`);
    this.blocks = Array.from({ length: this.numLayers }, (_, i) => {
      const b = new TransformerDecoderBlock({
        numHeads: this.heads,
        intermediateDim: opts.intermediateDim,
        numKeyValueHeads: opts.numKeyValueHeads,
        activation: opts.activation,
        dropout: this.dropout,
        attentionDropout: this.dropout,
        norm: this.norm,
        layerNormEpsilon: opts.layerNormEpsilon,
        ...(opts.layerNormCenter === undefined ? {} : { layerNormCenter: opts.layerNormCenter }),
        useBias: opts.useBias,
        rotary: this.positions === 'rotary',
        ...(opts.kernelInitializer === undefined ? {} : { kernelInitializer: opts.kernelInitializer }),
        ...(opts.outputKernelInitializer === undefined ? {} : { outputKernelInitializer: opts.outputKernelInitializer }),
        ...seed(i + 1),
      });
      this.deriveName(b, () => `${this.name}/block_${i}`);
      return b;
    });
    const children: Layer[] = [this.embedding, ...this.blocks];
    if (this.norm === 'pre') {
      this.finalNorm = new LayerNormalization({ epsilon: opts.layerNormEpsilon ?? 1e-5, center: opts.layerNormCenter ?? true });
      this.deriveName(this.finalNorm, () => `${this.name}/final_norm`);
      children.push(this.finalNorm);
    }
    if (!this.tieEmbeddings) {
      this.head = new Dense({
        units: this.vocabSize,
        useBias: false,
        ...(opts.kernelInitializer === undefined ? {} : { kernelInitializer: opts.kernelInitializer }),
        ...seed(this.numLayers + 1),
      });
      this.deriveName(this.head, () => `${this.name}/head`);
      children.push(this.head);
    }
    this.children = children;
    this.buildFromOptions();
  }

  protected buildWeights(s: Shape): void {
    if (s.length !== 2) throw new ValueError(`${this.name} input shape`, 'int32 ids [batch, time]', s);
    this.inputSpec = [null, null];
    const h: Shape = [s[0] ?? null, s[1] ?? null, this.width];
    this.embedding.build(s);
    for (const b of this.blocks) b.build(h);
    this.finalNorm?.build(h);
    this.head?.build(h);
  }

  private checkLength(t: number, offset: number): void {
    if (offset + t > this.blockSize)
      throw new ValueError(`${this.name} input length`, `at most blockSize (${this.blockSize}) positions`, offset + t);
  }

  /** Embedding dropout. */
  private drop(h: Tensor, options: CallOptions): Tensor {
    return options.training ? dropoutOp(h, this.dropout, this.rngFor(options)) : h;
  }

  /** Final norm and head: `[b, t, width]` → logits `[b, t, vocabSize]`. */
  private logits(h: Tensor): Tensor {
    const n = this.finalNorm ? this.finalNorm.call(h) : h;
    return this.head ? this.head.call(n) : this.embedding.attend(n);
  }

  protected forward(x: Tensor, options: CallOptions): Tensor {
    this.checkLength(x.shape[1] as number, 0);
    let h = this.drop(this.embedding.call(x, options), options);
    for (const b of this.blocks) h = b.call(h, options);
    return this.logits(h);
  }

  computeOutputShape(s: Shape): Shape {
    return [...s, this.vocabSize];
  }

  /**
   * An empty cache: `maxLength` positions (default and at most `blockSize`) for `batchSize` sequences.
   *
   * @example
   * ```ts
   * const cache = lm.initCache(4, { maxLength: 32 });
   * ```
   */
  initCache(batchSize: number, options: InitCacheOptions = {}): TransformerLMCache {
    positiveInt(batchSize, `${this.name} initCache batchSize`);
    const maxLength = options.maxLength ?? this.blockSize;
    if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > this.blockSize) {
      throw new ValueError(`${this.name} initCache maxLength`, `an integer in [1, blockSize = ${this.blockSize}]`, maxLength);
    }
    if (!this.built) this.build([batchSize, null]);
    return { embedding: { length: 0 }, blocks: this.blocks.map((b) => b.initCache(batchSize, { maxLength })) };
  }

  /**
   * Runs the chunk of ids `x` (`[batch, steps]`) after the cached positions; returns the logits
   * `[batch, steps, vocabSize]` and the new cache (never disposes `cache`). Positions: after
   * `cache.embedding.length`, or `options.positions`; `options.mask` marks padded ids.
   *
   * @example
   * ```ts
   * let cache = lm.initCache(1);
   * const [logits, next] = lm.step(prompt, cache); // prompt: int32 [1, n]
   * for (const t of stateTensors(cache)) t.dispose();
   * cache = next;
   * ```
   */
  step(x: Tensor, cache: TransformerLMCache, options: CallOptions = {}): [Tensor, TransformerLMCache] {
    if (!isTensor(x) || x.rank !== 2) throw new ValueError(`${this.name} step input`, 'int32 ids [batch, steps]', x);
    if (!this.built) this.build(x.shape);
    if (!cache || !Array.isArray(cache.blocks) || cache.blocks.length !== this.numLayers || !cache.embedding) {
      throw new ValueError(`${this.name} cache`, `{ embedding, blocks: ${this.numLayers} block caches } from initCache`, cache);
    }
    const offset = cache.embedding.length;
    if (!options.positions) this.checkLength(x.shape[1] as number, offset);
    return scope(() => {
      let h: Tensor;
      let embedding = cache.embedding;
      if (this.embedding instanceof TokenAndPositionEmbedding) [h, embedding] = this.embedding.step(x, cache.embedding, options);
      else {
        h = this.embedding.call(x);
        embedding = { length: offset + (x.shape[1] as number) };
      }
      h = this.drop(h, options);
      const blocks = this.blocks.map((b, i) => {
        const [y, c] = b.step(h, cache.blocks[i] as AttentionCache, options);
        h = y;
        return c;
      });
      return [this.logits(h), { embedding, blocks }] as unknown as [Tensor, TransformerLMCache];
    }) as unknown as [Tensor, TransformerLMCache];
  }

  protected layerConfig(): Record<string, unknown> {
    const o = this.opts;
    const c: Record<string, unknown> = {
      vocabSize: this.vocabSize,
      blockSize: this.blockSize,
      layers: this.numLayers,
      heads: this.heads,
      width: this.width,
      dropout: this.dropout,
      tieEmbeddings: this.tieEmbeddings,
      norm: this.norm,
      positions: this.positions,
    };
    for (const k of ['embeddingsInitializer', 'kernelInitializer', 'outputKernelInitializer'] as const)
      if (o[k] !== undefined) c[k] = initConfig(o[k], `${this.name} ${k}`);
    for (const k of ['intermediateDim', 'activation', 'numKeyValueHeads', 'useBias', 'layerNormEpsilon', 'layerNormCenter'] as const)
      if (o[k] !== undefined) c[k] = o[k];
    return c;
  }
}

/**
 * Creates a {@link TransformerLM} (decoder-only language model).
 *
 * @example
 * ```ts
 * // nanoGPT's "baby" Shakespeare config, characters as tokens
 * const lm = transformerLM({ vocabSize: 65, blockSize: 64, layers: 4, heads: 4, width: 128, dropout: 0 });
 * await fit(lm, batches, { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adamw({ learningRate: 1e-3 }) });
 * ```
 */
export const transformerLM = (opts: TransformerLMOptions) => new TransformerLM(opts);
