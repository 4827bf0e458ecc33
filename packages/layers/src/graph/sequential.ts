import type { Cache, CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { clone, scope } from '@tessera/tensor';
import { Layer, type LayerInput, type LayerOptions } from '../layer.js';
import { isShapeList, type Shape } from '../shape.js';
import { summary } from '../summary.js';
import { stackInitCache, stackStep } from './stepping.js';

/**
 * A stack of layers, each fed the previous one's output.
 *
 * @example
 * ```ts
 * const m = new Sequential([dense(128, { activation: 'relu' }), dense(10)], { inputShape: [784] });
 * ```
 */
export class Sequential extends Layer implements Stepper<Cache[]> {
  static readonly className = 'Sequential';
  readonly className = 'Sequential';
  readonly layers: Layer<Tensor | Tensor[]>[];
  protected readonly ownsNameScope = true;

  constructor(layers: Layer<Tensor | Tensor[]>[], opts: LayerOptions = {}) {
    super(opts);
    if (!Array.isArray(layers) || layers.some((l) => !(l instanceof Layer))) {
      throw new ValueError(`${this.name} layers`, 'an array of layers', layers);
    }
    this.layers = [...layers];
    this.children = this.layers;
    this.assignNames();
    this.buildFromOptions();
  }

  /** Appends a layer (before the model is built). */
  add(layer: Layer<Tensor | Tensor[]>): void {
    if (this.built) throw new ValueError(`${this.name} add`, 'a model that is not built yet', layer.name);
    this.layers.push(layer);
    try {
      this.assignNames();
    } catch (e) {
      this.layers.pop();
      throw e;
    }
  }

  protected buildWeights(inputShape: Shape): void {
    let s: Shape | Shape[] = inputShape;
    for (const l of this.layers) {
      l.build(s);
      l.checkInput(s);
      s = l.computeOutputShape(s);
    }
  }

  protected forward(x: LayerInput, options: CallOptions): Tensor {
    return this.run(x, options)[0];
  }

  /** Runs the layers in order, each with the mask its predecessor produced (Keras mask propagation). */
  private run(x: LayerInput, options: CallOptions): [Tensor, Tensor | undefined] {
    let h: LayerInput = x;
    let mask = options.mask;
    for (const l of this.layers) [h, mask] = l.callWithMask(h, mask === options.mask ? options : { ...options, mask });
    return [h as Tensor, mask];
  }

  /** Forward pass that also returns the mask of the last layer's output, in one pass. */
  callWithMask(x: LayerInput, options: CallOptions = {}): [Tensor, Tensor | undefined] {
    const t = this.normalizeInput(x);
    const shapes = Array.isArray(t) ? t.map((v) => v.shape) : t.shape;
    if (!this.built) this.build(shapes);
    this.checkInput(shapes);
    return scope(() => {
      const [y, mask] = this.run(t, options);
      return [y === t ? clone(y) : y, mask] as [Tensor, Tensor | undefined];
    });
  }

  /** The mask of the model's output (runs the forward pass; prefer {@link callWithMask}). */
  computeMask(x: LayerInput, mask?: Tensor): Tensor | undefined {
    return scope(() => this.callWithMask(x, { mask })[1]);
  }

  /**
   * A fresh cache for {@link step}: one entry per layer (the recurrent layers' states, null for
   * position-wise layers). Throws when a layer can neither step nor work position by position.
   *
   * @example
   * ```ts
   * const lm = sequential([embedding(100, 16), lstm(32, { returnSequences: true }), dense(100)]);
   * const cache = lm.initCache(1); // [null, [h, c], null]
   * ```
   */
  initCache(batchSize: number, options?: InitCacheOptions): Cache[] {
    return stackInitCache(this.name, this.layers, batchSize, options);
  }

  /**
   * Runs the chunk `x` through the layers after the positions held by `cache` ({@link Stepper}):
   * recurrent layers step with their state, the others (Embedding, Dense, Dropout...) run position
   * by position. The outputs equal, position by position, those of `call` when every recurrent
   * layer returns sequences. Never disposes `cache`.
   *
   * @example
   * ```ts
   * let cache = lm.initCache(1);
   * const [logits, next] = lm.step(tensor2d([[token]], [1, 1], 'int32'), cache); // [1, 1, 100]
   * for (const t of stateTensors(cache)) t.dispose();
   * cache = next;
   * ```
   */
  step(x: Tensor, cache: Cache[], options: CallOptions = {}): [Tensor, Cache[]] {
    if (!this.built) this.build(x.shape);
    this.checkInput(x.shape);
    return stackStep(this.name, this.layers, x, cache, options);
  }

  /** Text table of layers, output shapes and parameter counts. */
  summary(): string {
    return summary(this);
  }

  computeOutputShape(inputShape: Shape): Shape {
    let s: Shape | Shape[] = inputShape;
    for (const l of this.layers) s = l.computeOutputShape(s);
    return isShapeList(s) ? (s[0] as Shape) : s;
  }

  protected layerConfig(): Record<string, unknown> {
    return { layers: this.layers.map((l) => l.getConfig()) };
  }
}

/**
 * Creates a {@link Sequential} model.
 *
 * @example
 * ```ts
 * const m = sequential([dense(128, { activation: 'relu' }), dropout(0.2), dense(10)], { name: 'mlp' });
 * ```
 */
export function sequential(layers: Layer<Tensor | Tensor[]>[], opts: LayerOptions = {}): Sequential {
  return new Sequential(layers, opts);
}
