import type { CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, cast, expandDims, isTensor, lessEqual, matMul, ones, pad, range, reshape, scope, transpose, zeros } from '@tessera/tensor';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerInput, type LayerOptions } from '../layer.js';
import { initConfig, positiveInt, rate } from '../layers/common.js';
import { causalMask, mergeMasks, paddingAttentionMask } from '../masks.js';
import { isShapeList, type Shape } from '../shape.js';
import { dotProductAttention } from './dot-product-attention.js';
import { resolvePositions } from './positions.js';
import { applyRotary } from './rotary.js';

/**
 * Options of {@link MultiHeadAttention}.
 *
 * @example
 * ```ts
 * const opts: MultiHeadAttentionOptions = { numHeads: 8, keyDim: 64, numKeyValueHeads: 2, causal: true, rotary: true };
 * ```
 */
export interface MultiHeadAttentionOptions extends LayerOptions {
  /** Number of query heads. */
  numHeads: number;
  /** Size of each query and key head. */
  keyDim: number;
  /** Size of each value head (default `keyDim`). */
  valueDim?: number;
  /** Key/value heads for grouped-query attention, a divisor of `numHeads` (default `numHeads`; 1 = multi-query). */
  numKeyValueHeads?: number;
  /** Dropout rate on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Biases in the four projections (default true). */
  useBias?: boolean;
  /** Size of the output features (default: the query's last dimension). */
  outputDim?: number;
  /** Each query attends only to keys at or before its position (default false). */
  causal?: boolean;
  /** Rotate queries and keys by their positions (rotary position embedding, default false). */
  rotary?: boolean;
  /** Base of the rotary frequencies (default 10000). */
  rotaryBase?: number;
  kernelInitializer?: InitializerLike;
  /** Initializer of the output projection (default `kernelInitializer`; GPT-2 scales it by 1/√(2·layers)). */
  outputKernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
}

/**
 * The key/value cache of a self-attention layer ({@link MultiHeadAttention.step}): keys and values
 * of the `maxLength` slots (`[batch, kvHeads, maxLength, dim]`, zeros past `length`), which slots hold
 * a real (unpadded) position (`valid`, float 0/1 `[batch, maxLength]`) and how many slots are used.
 *
 * @example
 * ```ts
 * const cache: AttentionCache = mha.initCache(2, { maxLength: 64 }); // length 0
 * ```
 */
export interface AttentionCache {
  [key: string]: Tensor | number;
  key: Tensor;
  value: Tensor;
  valid: Tensor;
  length: number;
}

type Projection = { kernel?: Variable; bias?: Variable };

/**
 * Multi-head attention (Vaswani et al.; Keras' `MultiHeadAttention` options): queries from the
 * first input, keys and values from the others. Input: one tensor `[batch, t, dim]` (self-attention)
 * or `[query, value]` / `[query, value, key]` (`[batch, tq, dq]`, `[batch, tk, dv]`, `[batch, tk, dk]`:
 * separate query and key lengths). Output `[batch, tq, outputDim]`.
 *
 * Masks (true = may attend), and-ed together: `causal`; `CallOptions.attentionMask`
 * (`[batch, tq, tk]`, `[tq, tk]` or broadcastable); in self-attention `CallOptions.mask` (the
 * padding mask `[batch, t]` of the input) keeps every query off padded keys. The padding mask is
 * passed on unchanged (`supportsMasking`). Grouped-query heads (`numKeyValueHeads`), dropout on the
 * attention weights, and rotary positions (`rotary`, positions from `CallOptions.positions`).
 *
 * Causal self-attention steps with a key/value cache ({@link Stepper}): `initCache(batch, { maxLength })`,
 * then `step(chunk, cache)`; the chunk by chunk outputs equal the full causal `call`.
 *
 * @example
 * ```ts
 * const mha = multiHeadAttention(4, 16, { causal: true });
 * const y = mha.call(x); // x: [2, 10, 64] -> [2, 10, 64]
 * const z = multiHeadAttention(2, 8).call([q, memory]); // cross-attention, q [2, 5, 32], memory [2, 9, 16]
 * ```
 */
export class MultiHeadAttention extends Layer implements Stepper<AttentionCache> {
  static readonly className = 'MultiHeadAttention';
  readonly className = 'MultiHeadAttention';
  supportsMasking = true;
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly numKeyValueHeads: number;
  readonly dropout: number;
  readonly causal: boolean;
  readonly rotary: boolean;
  readonly rotaryBase: number;
  private readonly opts: MultiHeadAttentionOptions;
  private readonly proj: Record<'query' | 'key' | 'value' | 'output', Projection> = { query: {}, key: {}, value: {}, output: {} };
  private outDim?: number;

  constructor(opts: MultiHeadAttentionOptions) {
    super(opts);
    this.numHeads = positiveInt(opts.numHeads, `${this.name} numHeads`);
    this.keyDim = positiveInt(opts.keyDim, `${this.name} keyDim`);
    this.valueDim = positiveInt(opts.valueDim ?? this.keyDim, `${this.name} valueDim`);
    this.numKeyValueHeads = positiveInt(opts.numKeyValueHeads ?? this.numHeads, `${this.name} numKeyValueHeads`);
    if (this.numHeads % this.numKeyValueHeads !== 0) {
      throw new ValueError(`${this.name} numKeyValueHeads`, `a divisor of numHeads (${this.numHeads})`, opts.numKeyValueHeads);
    }
    this.dropout = rate(opts.dropout ?? 0, `${this.name} dropout`);
    if (opts.outputDim !== undefined) positiveInt(opts.outputDim, `${this.name} outputDim`);
    this.causal = opts.causal ?? false;
    this.rotary = opts.rotary ?? false;
    this.rotaryBase = opts.rotaryBase ?? 10000;
    if (this.rotary && this.keyDim % 2 !== 0) throw new ValueError(`${this.name} keyDim`, 'an even number (rotary)', this.keyDim);
    this.opts = { ...opts };
    this.buildFromOptions();
  }

  protected buildWeights(inputShape: Shape | Shape[]): void {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    if (shapes.length > 3) throw new ValueError(`${this.name} inputs`, '1 to 3 tensors (query, value, key)', `${shapes.length} tensors`);
    shapes.forEach((s, i) => {
      if (s.length !== 3 || s[2] == null)
        throw new ShapeError(`${this.name} input ${i}`, [null, null, null], s as number[], 'a [batch, time, features] input');
    });
    const q = shapes[0] as Shape;
    const v = (shapes[1] ?? q) as Shape;
    const k = (shapes[2] ?? v) as Shape;
    this.inputSpec = isShapeList(inputShape) ? shapes.map((s) => [null, null, s[2] ?? null]) : [null, null, q[2] ?? null];
    const dim = (s: Shape) => s[2] as number;
    this.outDim = this.opts.outputDim ?? dim(q);
    const hk = this.numKeyValueHeads;
    this.addProjection('query', dim(q), this.numHeads * this.keyDim);
    this.addProjection('key', dim(k), hk * this.keyDim);
    this.addProjection('value', dim(v), hk * this.valueDim);
    this.addProjection('output', this.numHeads * this.valueDim, this.outDim);
  }

  private addProjection(name: 'query' | 'key' | 'value' | 'output', inDim: number, outDim: number): void {
    const o = this.opts;
    const p = this.proj[name];
    const init = name === 'output' ? (o.outputKernelInitializer ?? o.kernelInitializer) : o.kernelInitializer;
    p.kernel = this.addWeight(`${name}_kernel`, [inDim, outDim], init ?? 'glorotUniform');
    if (o.useBias ?? true) p.bias = this.addWeight(`${name}_bias`, [outDim], o.biasInitializer ?? 'zeros');
  }

  /** `x [b, t, in] · kernel + bias` as `[b, t, out]` (one 2-D matMul). */
  private project(name: 'query' | 'key' | 'value' | 'output', x: Tensor): Tensor {
    const p = this.proj[name];
    const [b, t, d] = x.shape as [number, number, number];
    let y = matMul(reshape(x, [b * t, d]), this.use(p.kernel));
    if (p.bias) y = add(y, this.use(p.bias));
    return reshape(y, [b, t, y.shape[1] as number]);
  }

  /** Projects to heads `[b, heads, t, size]`, rotating by `positions` when `rotary`. */
  private heads(name: 'query' | 'key' | 'value', x: Tensor, heads: number, size: number, positions?: Tensor): Tensor {
    const [b, t] = x.shape as [number, number];
    let h = reshape(this.project(name, x), [b, t, heads, size]);
    if (positions) h = applyRotary(h, positions, this.rotaryBase);
    return transpose(h, [0, 2, 1, 3]);
  }

  /** Attention of query heads over key/value heads, then the output projection. */
  private attend(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | undefined, options: CallOptions): Tensor {
    const training = options.training === true && this.dropout > 0;
    const o = dotProductAttention(q, k, v, { mask, dropout: training ? this.dropout : 0, rng: this.rngFor(options) });
    const [b, , tq] = o.shape as [number, number, number];
    return this.project('output', reshape(transpose(o, [0, 2, 1, 3]), [b, tq, this.numHeads * this.valueDim]));
  }

  protected forward(x: LayerInput, options: CallOptions): Tensor {
    const list = Array.isArray(x) ? x : [x as Tensor];
    const query = list[0] as Tensor;
    const value = list[1] ?? query;
    const key = list[2] ?? value;
    const self = list.length === 1;
    const [b, tq] = query.shape as [number, number];
    const tk = key.shape[1] as number;
    if (value.shape[1] !== tk || value.shape[0] !== b || key.shape[0] !== b) {
      throw new ShapeError(
        `${this.name} value`,
        [b, tk, null],
        value.shape,
        `key ${JSON.stringify(key.shape)}: value and key share batch and length`,
      );
    }
    const qPos = this.rotary ? resolvePositions(options.positions, b, tq, 0, this.name) : undefined;
    const kPos = this.rotary ? (self ? qPos : range(0, tk, 1, 'int32')) : undefined;
    const q = this.heads('query', query, this.numHeads, this.keyDim, qPos);
    const k = this.heads('key', key, this.numKeyValueHeads, this.keyDim, kPos);
    const v = this.heads('value', value, this.numKeyValueHeads, this.valueDim);
    const mask = mergeMasks([
      this.causal ? causalMask(tq, tk) : undefined,
      options.attentionMask,
      self && options.mask ? paddingAttentionMask(options.mask) : undefined,
    ]);
    return this.attend(q, k, v, mask, options);
  }

  computeOutputShape(s: Shape | Shape[]): Shape {
    const q = (isShapeList(s) ? s[0] : s) as Shape;
    return [q[0] ?? null, q[1] ?? null, this.opts.outputDim ?? q[2] ?? null];
  }

  /**
   * An empty key/value cache for {@link step}: `maxLength` slots per sequence (required).
   *
   * @example
   * ```ts
   * const cache = multiHeadAttention(4, 16, { causal: true }).initCache(2, { maxLength: 64 });
   * ```
   */
  initCache(batchSize: number, options: InitCacheOptions = {}): AttentionCache {
    positiveInt(batchSize, `${this.name} initCache batchSize`);
    const l = positiveInt(options.maxLength, `${this.name} initCache maxLength`);
    const hk = this.numKeyValueHeads;
    return {
      key: zeros([batchSize, hk, l, this.keyDim]),
      value: zeros([batchSize, hk, l, this.valueDim]),
      valid: zeros([batchSize, l]),
      length: 0,
    };
  }

  /**
   * Causal self-attention of the chunk `x` (`[batch, steps, dim]`) over the cached positions and
   * itself; returns `[batch, steps, outputDim]` and the cache with the chunk's keys and values
   * added. `options.mask` (`[batch, steps]`) marks padded steps: no later query attends them.
   * Rotary positions: `options.positions`, else the slot indices `length .. length + steps - 1`
   * (what `call` uses by default). Never disposes `cache`.
   *
   * @example
   * ```ts
   * let cache = mha.initCache(1, { maxLength: 32 });
   * const [y, next] = mha.step(x1, cache); // x1: [1, 1, dim]
   * ```
   */
  step(x: Tensor, cache: AttentionCache, options: CallOptions = {}): [Tensor, AttentionCache] {
    if (!this.causal) throw new ValueError(`${this.name} step`, 'a causal self-attention layer (causal: true)', 'causal: false');
    if (!isTensor(x) || x.rank !== 3) throw new ValueError(`${this.name} step input`, 'a [batch, steps, features] tensor', x);
    if (!this.built) this.build(x.shape);
    this.checkInput(x.shape);
    const [b, s] = x.shape as [number, number];
    const len = cache?.length;
    const slots = cache?.key?.shape?.[2];
    if (!Number.isInteger(len) || !isTensor(cache.key) || !isTensor(cache.value) || !isTensor(cache.valid) || cache.key.shape[0] !== b) {
      throw new ValueError(`${this.name} cache`, `{ key, value, valid, length } for batch ${b} (from initCache or a previous step)`, cache);
    }
    const l = slots as number;
    if (len + s > l) throw new ValueError(`${this.name} step`, `at most maxLength (${l}) positions in the cache`, len + s);
    return scope(() => {
      const positions = this.rotary ? resolvePositions(options.positions, b, s, len, this.name) : undefined;
      const q = this.heads('query', x, this.numHeads, this.keyDim, positions);
      const k = this.heads('key', x, this.numKeyValueHeads, this.keyDim, positions);
      const v = this.heads('value', x, this.numKeyValueHeads, this.valueDim);
      // slots past `length` are zeros: adding the chunk padded to the slots [len, len + s) writes it
      const place = [
        [0, 0],
        [0, 0],
        [len, l - len - s],
        [0, 0],
      ] as Array<[number, number]>;
      const key = add(cache.key, pad(k, place));
      const value = add(cache.value, pad(v, place));
      const real = options.mask ? cast(options.mask, 'float32') : ones([b, s]);
      const valid = add(
        cache.valid,
        pad(real, [
          [0, 0],
          [len, l - len - s],
        ]),
      );
      // query i (slot len + i) attends the valid slots j <= len + i
      const future = lessEqual(reshape(range(0, l, 1, 'int32'), [1, l]), reshape(range(len, len + s, 1, 'int32'), [s, 1]));
      const mask = mergeMasks([future, expandDims(cast(valid, 'bool'), 1), options.attentionMask]);
      const y = this.attend(q, key, value, mask, options);
      return [y, { key, value, valid, length: len + s }] as unknown as [Tensor, AttentionCache];
    }) as unknown as [Tensor, AttentionCache];
  }

  protected layerConfig(): Record<string, unknown> {
    const o = this.opts;
    const c: Record<string, unknown> = {
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      numKeyValueHeads: this.numKeyValueHeads,
      dropout: this.dropout,
      useBias: o.useBias ?? true,
      causal: this.causal,
      rotary: this.rotary,
      rotaryBase: this.rotaryBase,
      kernelInitializer: initConfig(o.kernelInitializer ?? 'glorotUniform', `${this.name} kernelInitializer`),
      biasInitializer: initConfig(o.biasInitializer ?? 'zeros', `${this.name} biasInitializer`),
    };
    if (o.outputDim !== undefined) c.outputDim = o.outputDim;
    if (o.outputKernelInitializer !== undefined)
      c.outputKernelInitializer = initConfig(o.outputKernelInitializer, `${this.name} outputKernelInitializer`);
    return c;
  }
}

/**
 * Creates a {@link MultiHeadAttention} layer.
 *
 * @example
 * ```ts
 * const att = multiHeadAttention(8, 32, { causal: true, numKeyValueHeads: 2, dropout: 0.1 });
 * ```
 */
export function multiHeadAttention(
  numHeads: number,
  keyDim: number,
  opts: Omit<MultiHeadAttentionOptions, 'numHeads' | 'keyDim'> = {},
): MultiHeadAttention {
  return new MultiHeadAttention({ ...opts, numHeads, keyDim });
}
