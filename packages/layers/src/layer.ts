import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { CallOptions, Module, ModuleConfig, NamedTensors, NamedVariables, RngKey } from '@tessera/core';
import { rngKey, ValueError } from '@tessera/core';
import { addN, assertShape, clone, dispose, engine, isTensor, scope, variable } from '@tessera/tensor';
import { isSymbolic, makeNode, type SymbolicTensor } from './graph/symbolic.js';
import { getInitializer, type InitializerLike } from './initializers.js';
import { reserveName, snakeCase, uniqueName } from './names.js';
import type { Regularizer } from './regularizers.js';
import { isShapeList, type Shape } from './shape.js';

/**
 * Options every layer accepts.
 *
 * @example
 * ```ts
 * dense(10, { name: 'logits', inputShape: [784], seed: 0 });
 * ```
 */
export interface LayerOptions {
  /** Layer name (prefix of its parameter names); default: snake_case class name made unique. */
  name?: string;
  /** When false, the layer's weights are reported by `state()` instead of `parameters()`. */
  trainable?: boolean;
  /** Input shape without the batch dimension; when given the layer is built at once. */
  inputShape?: Array<number | null>;
  /** Seed for the initializers that have no own seed (deterministic weights). */
  seed?: number;
}

/**
 * Options of {@link Layer.addWeight}.
 *
 * @example
 * ```ts
 * this.addWeight('scale', [n], 'ones', { trainable: true, regularizer: l2(1e-4) });
 * ```
 */
export interface WeightOptions {
  trainable?: boolean;
  regularizer?: Regularizer;
}

interface Weight {
  key: string;
  variable: Variable;
  trainable: boolean;
  regularizer?: Regularizer;
}

/**
 * Symbolic result type matching a layer's output type.
 *
 * @example
 * ```ts
 * const y: SymbolicOf<Tensor> = dense(2).call(input({ shape: [3] }));
 * ```
 */
export type SymbolicOf<O> = O extends Tensor[] ? SymbolicTensor[] : SymbolicTensor;
/**
 * Input of a layer call: one tensor, a list, or (functional models) tensors by input name.
 *
 * @example
 * ```ts
 * const named: Record<string, Tensor> = { image: x, meta: m };
 * const y = model.call(named);
 * ```
 */
export type LayerInput = Tensor | Tensor[] | Record<string, Tensor>;

/** Parameter overrides of the innermost `apply` call (functional forward pass). */
const overrideStack: NamedTensors[] = [];

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Base class of every layer: lazy `build` on the first call, named weights, config, shape checks.
 * Subclasses implement `forward`, `computeOutputShape`, and usually `buildWeights` and `layerConfig`.
 *
 * @example
 * ```ts
 * class Scale extends Layer {
 *   readonly className = 'Scale';
 *   private w!: Variable;
 *   protected buildWeights(s: Shape) { this.w = this.addWeight('w', [s[s.length - 1] as number], 'ones'); }
 *   protected forward(x: Tensor) { return mul(x, this.w); }
 *   computeOutputShape(s: Shape) { return s; }
 * }
 * ```
 */
export abstract class Layer<O extends Tensor | Tensor[] = Tensor> implements Module<LayerInput, O> {
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  built = false;
  /** The input shape the layer was built for (batch dimension included, may be `null`). */
  builtInputShape?: Shape | Shape[];
  /** Expected input shape (`null` = any size); set when built, checked on every call. */
  protected inputSpec?: Shape | Shape[];
  protected readonly baseOptions: LayerOptions;
  private readonly weights: Weight[] = [];
  /** Sub-layers whose weights belong to this layer (e.g. Bidirectional, models). */
  protected children: Layer<Tensor | Tensor[]>[] = [];

  constructor(options: LayerOptions = {}, defaultPrefix?: string) {
    this.baseOptions = { ...options };
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new ValueError('layer name', 'a non-empty string', options.name);
    }
    // a static `className` survives minification, unlike the constructor's own name
    const cls = Object.hasOwn(new.target, 'className') ? (new.target as unknown as { className: string }).className : new.target.name;
    this.name = options.name ?? uniqueName(defaultPrefix ?? snakeCase(cls));
    if (options.name) reserveName(options.name);
    this.trainable = options.trainable ?? true;
  }

  /** Builds the layer now if `inputShape` was given (call at the end of subclass constructors). */
  protected buildFromOptions(): void {
    if (this.baseOptions.inputShape) this.build([null, ...this.baseOptions.inputShape]);
  }

  /** Creates the weights for an input shape (batch dimension included, may be `null`). */
  build(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    this.buildWeights(inputShape);
    this.builtInputShape = inputShape;
    this.built = true;
  }

  /** Subclass hook: create weights with {@link addWeight} and set `inputSpec`. */
  protected buildWeights(_inputShape: Shape | Shape[]): void {}

  /** Subclass hook: the forward pass (runs inside a memory scope). */
  protected abstract forward(x: LayerInput, options: CallOptions): O;

  /** Output shape for an input shape (batch dimension included). */
  abstract computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[];

  /** Subclass hook: the constructor options beyond name/trainable, JSON-serializable. */
  protected layerConfig(): Record<string, unknown> {
    return {};
  }

  /** Forward pass on tensors, or graph construction on symbolic tensors. */
  call(x: SymbolicTensor | SymbolicTensor[], options?: CallOptions): SymbolicOf<O>;
  call(x: LayerInput, options?: CallOptions): O;
  call(x: LayerInput | SymbolicTensor | SymbolicTensor[], options: CallOptions = {}): O | SymbolicOf<O> {
    if (isSymbolic(x)) {
      const list = Array.isArray(x) ? x : [x];
      const shapes = Array.isArray(x) ? list.map((s) => s.shape) : (list[0] as SymbolicTensor).shape;
      if (!this.built) this.build(shapes);
      this.checkInput(shapes);
      const out = this.computeOutputShape(shapes);
      const outs = makeNode(this, list, Array.isArray(x), isShapeList(out) ? out : [out]);
      return (isShapeList(out) ? outs : outs[0]) as SymbolicOf<O>;
    }
    x = this.normalizeInput(x as LayerInput);
    const shapes = Array.isArray(x) ? x.map((t) => t.shape) : (x as Tensor).shape;
    if (!this.built) this.build(shapes);
    this.checkInput(shapes);
    return scope(() => {
      const y = this.forward(x as LayerInput, options);
      // never hand back an input object itself: callers may dispose outputs
      const same = (t: Tensor) => (Array.isArray(x) ? x.includes(t) : t === x);
      if (Array.isArray(y)) return y.map((t) => (same(t) ? clone(t) : t)) as O;
      return (same(y as Tensor) ? clone(y as Tensor) : y) as O;
    }) as O;
  }

  /**
   * Functional forward pass: like `call`, but weights named in `params` (`<layer>/<weight>`) are
   * used in place of the layer's variables, so gradients flow to `params` (e.g. with `grads`).
   */
  apply(params: NamedTensors, x: LayerInput, options: CallOptions = {}): O {
    overrideStack.push(params);
    try {
      return this.call(x, options);
    } finally {
      overrideStack.pop();
    }
  }

  /**
   * True when the layer keeps the time axis and passes a padding mask through unchanged (Keras
   * `supports_masking`); layers without it (and without their own `computeMask`) drop the mask.
   */
  supportsMasking = false;

  /**
   * The padding mask of the output for input `x` with input mask `mask` (`[batch, time]`), or
   * undefined. Default: `mask` when {@link supportsMasking}, else undefined (the mask is dropped).
   */
  computeMask(_x: LayerInput, mask?: Tensor): Tensor | undefined {
    return this.supportsMasking ? mask : undefined;
  }

  /**
   * Forward pass on tensors that also returns the output's padding mask ({@link computeMask});
   * Sequential and functional models use it to hand each layer the mask of its input.
   */
  callWithMask(x: LayerInput, options: CallOptions = {}): [O, Tensor | undefined] {
    const y = this.call(x, options);
    return [y, this.computeMask(x, options.mask)];
  }

  /** The tensor to use for a weight in the current call: an `apply` override or the variable. */
  protected use(v: Variable | undefined): Tensor {
    if (!v) throw new ValueError(`${this.name} weight`, 'a built layer', v);
    const top = overrideStack[overrideStack.length - 1];
    if (top) {
      const w = this.weights.find((x) => x.variable === v);
      const o = w && top[w.key];
      if (o) return o;
    }
    return v;
  }

  /** Subclass hook: turns named inputs into the tensor or list the layer expects. */
  protected normalizeInput(x: LayerInput): Tensor | Tensor[] {
    if (Array.isArray(x) || isTensor(x)) return x;
    throw new ValueError(`${this.name} input`, 'a tensor or a list of tensors', x);
  }

  /** Throws a ShapeError naming the layer when an input does not match `inputSpec`. */
  checkInput(shape: Shape | Shape[]): void {
    const spec = this.inputSpec;
    if (!spec) return;
    if (isShapeList(spec)) {
      const list = shape as Shape[];
      spec.forEach((s, i) => {
        assertShape((list[i] ?? []) as number[], s, `${this.name} input ${i}`);
      });
    } else assertShape(shape as number[], spec, `${this.name} input`);
  }

  /** A random key for this layer's call, derived from the call's key and the layer name. */
  protected rngFor(options: CallOptions): RngKey | undefined {
    return options.rng?.fold(hashName(this.name));
  }

  /** Creates a weight `<layerName>/<name>` with the given initializer. */
  protected addWeight(name: string, shape: number[], initializer: InitializerLike, opts: WeightOptions = {}): Variable {
    const key = `${this.name}/${name}`;
    const init = getInitializer(initializer, `${this.name} ${name} initializer`);
    const seedKey = this.baseOptions.seed !== undefined ? rngKey(this.baseOptions.seed).fold(this.weights.length) : undefined;
    const value = init.init(shape, seedKey);
    const registered = engine().registeredVariables;
    let varName = key;
    for (let i = 1; registered[varName]; i++) varName = `${key}_${i}`;
    const v = variable(value, opts.trainable ?? true, varName);
    dispose(value);
    this.weights.push({ key, variable: v, trainable: opts.trainable ?? true, regularizer: opts.regularizer });
    return v;
  }

  /** Trainable variables by `<layer>/<weight>` name (includes sub-layers). */
  parameters(): NamedVariables {
    const out: NamedVariables = {};
    for (const c of this.children) Object.assign(out, c.parameters());
    if (this.trainable) for (const w of this.weights) if (w.trainable) out[w.key] = w.variable;
    return out;
  }

  /** Non-trainable variables by name (moving statistics, frozen weights). */
  state(): NamedVariables {
    const out: NamedVariables = {};
    for (const c of this.children) Object.assign(out, c.state());
    for (const w of this.weights) if (!w.trainable || !this.trainable) out[w.key] = w.variable;
    return out;
  }

  /** All variables (parameters and state) by name. */
  variables(): NamedVariables {
    return { ...this.parameters(), ...this.state() };
  }

  /** Number of scalars in the parameters and the state. */
  countParams(): { trainable: number; nonTrainable: number; total: number } {
    const n = (vs: NamedVariables) => Object.values(vs).reduce((a, v) => a + v.size, 0);
    const trainable = n(this.parameters());
    const nonTrainable = n(this.state());
    return { trainable, nonTrainable, total: trainable + nonTrainable };
  }

  /** Sum of the weight penalties, or null when no weight has a regularizer. */
  regularizationLoss(): Tensor | null {
    const terms = this.regularizerTerms();
    if (terms.length === 0) return null;
    return scope(() => (terms.length === 1 ? (terms[0] as () => Tensor)() : addN(terms.map((f) => f()))));
  }

  /** @internal the penalty thunks of this layer and its sub-layers. */
  regularizerTerms(): Array<() => Tensor> {
    const out: Array<() => Tensor> = [];
    for (const c of this.children) out.push(...c.regularizerTerms());
    for (const w of this.weights) {
      const r = w.regularizer;
      if (r && w.trainable && this.trainable) out.push(() => r.apply(w.variable));
    }
    return out;
  }

  /** `{ className, config }` enough to rebuild the layer (weights excluded). */
  getConfig(): ModuleConfig {
    const base: Record<string, unknown> = { name: this.name };
    if (!this.trainable) base.trainable = false;
    if (this.baseOptions.inputShape) base.inputShape = this.baseOptions.inputShape;
    if (this.baseOptions.seed !== undefined) base.seed = this.baseOptions.seed;
    return { className: this.className, config: { ...base, ...this.layerConfig() } };
  }

  /** Frees the layer's variables (and its sub-layers'). */
  dispose(): void {
    for (const c of this.children) c.dispose();
    for (const w of this.weights) w.variable.dispose();
    this.weights.length = 0;
    this.built = false;
  }
}
