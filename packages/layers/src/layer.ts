import type { CallOptions, Module, ModuleConfig, NamedTensors, NamedVariables, RngKey, StatelessResult } from '@tessera/core';
import { rngKey, ValueError } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { addN, assertShape, clone, dispose, engine, isTensor, scope, variable, zeros } from '@tessera/tensor';
import { newSink, overrideStack, type StateSink, sinkStack, sinkTensors } from './call-context.js';
import { isSymbolic, makeNode, type SymbolicTensor } from './graph/symbolic.js';
import { getInitializer, type InitializerLike } from './initializers.js';
import { assignScopeNames, snakeCase } from './names.js';
import { getRegularizer, type Regularizer } from './regularizers.js';
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
  /**
   * Layer name (prefix of its parameter names). Default: the snake_case class name, made unique
   * by the first model the layer joins (`dense`, `dense_1`, ... in construction order).
   */
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
  /** Weight name without the layer prefix (`kernel`). */
  short: string;
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

/** Orders layer construction (automatic names follow it); never part of a name. */
let constructed = 0;

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Base class of every layer: lazy `build` on the first call, named weights, config, shape checks.
 * Subclasses implement `forward` and usually `buildWeights` and `layerConfig`; `computeOutputShape`
 * defaults to a forward pass on zeros.
 *
 * @example
 * ```ts
 * class Scale extends Layer {
 *   static readonly className = 'Scale';
 *   private w?: Variable;
 *   protected buildWeights(s: Shape) { this.w = this.addWeight('w', [s[s.length - 1] as number], 'ones'); }
 *   protected forward(x: Tensor) { return mul(x, this.use(this.w)); }
 * }
 * ```
 */
export abstract class Layer<O extends Tensor | Tensor[] = Tensor> implements Module<LayerInput, O> {
  /** Class name in saved configs: the class's static `className` (survives minification), else its own name. */
  readonly className: string;
  /** Prefix of the automatic name (snake_case class name). */
  readonly namePrefix: string;
  /** @internal construction order: automatic names are given in this order. */
  readonly creationIndex = constructed++;
  private readonly explicitName?: string;
  /** Set by the first model the layer joins. */
  private scopedName?: string;
  /** Set by a wrapper that names its inner layers after itself (Bidirectional). */
  private derivedName?: () => string;
  /** True for models: their layers are named within them. */
  protected readonly ownsNameScope: boolean = false;
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
    this.className = cls;
    this.namePrefix = defaultPrefix ?? snakeCase(cls);
    this.explicitName = options.name;
    this.trainable = options.trainable ?? true;
    const shape = options.inputShape;
    if (shape !== undefined && (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0)))) {
      throw new ValueError(`${this.name} inputShape`, 'an array of positive integers (or null), without the batch dimension', shape);
    }
    // unknown initializer or regularizer names fail here, naming the option, not at the first call
    for (const [key, v] of Object.entries(options)) {
      if (v === undefined) continue;
      if (key.endsWith('Initializer')) getInitializer(v as InitializerLike, `${this.name} ${key}`);
      else if (key.endsWith('Regularizer')) getRegularizer(v as Regularizer, `${this.name} ${key}`);
    }
  }

  /**
   * The layer name: the explicit one, else the one given by the first model the layer joined
   * (unique within that model), else the automatic prefix (`dense`).
   */
  get name(): string {
    return this.explicitName ?? this.derivedName?.() ?? this.scopedName ?? this.namePrefix;
  }

  /**
   * `fixed` when the name can no longer change (explicit, or given by a model), `derived` when it
   * follows a wrapper's name, `auto` while the first model the layer joins may still name it.
   */
  get nameKind(): 'auto' | 'fixed' | 'derived' {
    if (this.explicitName !== undefined) return 'fixed';
    if (this.derivedName) return 'derived';
    return this.scopedName !== undefined ? 'fixed' : 'auto';
  }

  /** @internal names a wrapped layer after its wrapper (`<wrapper>_backward_<layer>`). */
  protected deriveName(child: Layer<Tensor | Tensor[]>, name: () => string): void {
    child.derivedName = name;
  }

  /**
   * Gives the automatic names of this model's layers: unique within the model, in construction
   * order, skipping explicit names and the names inside nested models. Throws a ValueError on a
   * duplicate name. Models call it when layers join them.
   */
  protected assignNames(): void {
    assignScopeNames(this.name, this.scopeMembers(), this.descendants(), (l, n) => {
      (l as Layer<Tensor | Tensor[]>).scopedName = n;
    });
  }

  /** @internal the layers named in this layer's scope (its children; models add their inputs). */
  scopeMembers(): Layer<Tensor | Tensor[]>[] {
    const out: Layer<Tensor | Tensor[]>[] = [];
    const visit = (l: Layer<Tensor | Tensor[]>) => {
      for (const c of l.children) {
        if (out.includes(c)) continue;
        out.push(c);
        if (!c.ownsNameScope) visit(c);
      }
    };
    visit(this);
    return out;
  }

  /** @internal every layer below this one, nested models included. */
  descendants(): Layer<Tensor | Tensor[]>[] {
    const out: Layer<Tensor | Tensor[]>[] = [];
    const visit = (ls: Layer<Tensor | Tensor[]>[]) => {
      for (const c of ls) {
        if (out.includes(c)) continue;
        out.push(c);
        visit(c.ownsNameScope ? c.scopeMembers() : c.children);
      }
    };
    visit(this.scopeMembers());
    return out;
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

  /**
   * Output shape for an input shape (batch dimension included). The default runs the forward pass
   * on zeros (unknown sizes 1, then 2: sizes that change are unknown) inside a memory scope;
   * layers override it when the shape follows from the options alone.
   */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const list = isShapeList(inputShape) ? inputShape : [inputShape];
    if (!this.built) this.build(inputShape);
    const probe = (fill: number): number[][] =>
      scope(() => {
        const xs = list.map((s) => zeros(s.map((d) => d ?? fill)));
        // a throw-away sink: a probe never writes state
        sinkStack.push(newSink());
        try {
          const y = this.forward(isShapeList(inputShape) ? xs : (xs[0] as Tensor), { training: false });
          return (Array.isArray(y) ? y : [y]).map((t) => t.shape);
        } finally {
          sinkStack.pop();
        }
      });
    const a = probe(1);
    const b = list.some((s) => s.some((d) => d == null)) ? probe(2) : a;
    const out = a.map((s, i) => s.map((d, j) => (d === b[i]?.[j] ? d : null)) as Shape);
    return isShapeList(inputShape) || out.length > 1 ? out : (out[0] as Shape);
  }

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
    x = this.buildFor(x as LayerInput);
    // the outermost call collects the state writes of every layer it runs and assigns them at the end
    const outermost = sinkStack.length === 0;
    if (outermost) sinkStack.push(newSink());
    const sink = sinkStack[sinkStack.length - 1];
    try {
      const { y } = scope(() => {
        const out = this.forward(x as LayerInput, options);
        // never hand back an input object itself: callers may dispose outputs
        const same = (t: Tensor) => (Array.isArray(x) ? x.includes(t) : t === x);
        const y = Array.isArray(out) ? out.map((t) => (same(t) ? clone(t) : t)) : same(out as Tensor) ? clone(out as Tensor) : out;
        // state writes outlive this scope: the outermost call (or statelessCall) owns them
        return { y: y as Tensor | Tensor[], state: sinkTensors(sink) };
      });
      if (outermost) for (const { variable, value } of sink?.values.values() ?? []) variable.assign(value);
      return y as O;
    } finally {
      if (outermost) {
        sinkStack.pop();
        dispose(sinkTensors(sink));
      }
    }
  }

  /** Normalizes a concrete input, builds the layer for it if needed and checks its shape. */
  private buildFor(x: LayerInput): Tensor | Tensor[] {
    const t = this.normalizeInput(x);
    const shapes = Array.isArray(t) ? t.map((u) => u.shape) : t.shape;
    if (!this.built) this.build(shapes);
    this.checkInput(shapes);
    return t;
  }

  /**
   * Functional forward pass: like `call`, but weights named in `params` (`<layer>/<weight>`, the
   * keys of `variables()`, sub-layers' included) are used in place of the layer's variables, so
   * gradients flow to `params` (e.g. with `grads`). Weights missing from `params` fall back to the
   * variables; an unknown key is a ValueError naming it. In training mode state variables
   * (batch-norm statistics) are still assigned: use {@link statelessCall} to get them instead.
   */
  apply(params: NamedTensors, x: LayerInput, options: CallOptions = {}): O {
    if (!isSymbolic(x)) x = this.buildFor(x);
    this.checkKeys(params, 'apply params');
    overrideStack.push(params);
    try {
      return this.call(x, options);
    } finally {
      overrideStack.pop();
    }
  }

  /**
   * Stateless forward pass: trainable values (`params`) and non-trainable values (`state`) in, the
   * output and the new non-trainable values out; no variable is written. Keys missing from
   * `params`/`state` fall back to the variables; unknown keys are a ValueError. The returned state
   * has every key of `state()` (fresh tensors the caller owns): in training mode batch-norm returns
   * its updated moving statistics there. `call` is this plus assigning the new state.
   */
  statelessCall(params: NamedTensors, state: NamedTensors, x: LayerInput, options: CallOptions = {}): StatelessResult<O> {
    x = this.buildFor(x);
    this.checkKeys(params, 'statelessCall params');
    this.checkKeys(state, 'statelessCall state');
    const sink = newSink();
    sinkStack.push(sink);
    overrideStack.push({ ...params, ...state });
    try {
      const output = this.call(x, options);
      const next: NamedTensors = {};
      for (const [k, v] of Object.entries(this.state())) {
        const written = sink.values.get(k)?.value;
        next[k] = written ?? clone(state[k] ?? v);
      }
      for (const [k, e] of sink.values) if (!(k in next)) e.value.dispose();
      dispose(sink.superseded);
      return { output, state: next };
    } catch (e) {
      dispose(sinkTensors(sink));
      throw e;
    } finally {
      overrideStack.pop();
      sinkStack.pop();
    }
  }

  /** Throws a ValueError naming the keys of `params` that are not variables of this layer. */
  private checkKeys(params: NamedTensors, what: string): void {
    const known = this.variables();
    const unknown = Object.keys(params).filter((k) => !(k in known));
    if (unknown.length === 0) return;
    const names = Object.keys(known);
    throw new ValueError(
      `${this.name} ${what}`,
      `keys among the variables of ${this.name} (${names.length ? names.join(', ') : 'none: the layer has no variables'})`,
      unknown,
    );
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

  /**
   * The tensor to use for a weight in the current call: a value written earlier in this call, an
   * `apply`/`statelessCall` override, or the variable.
   */
  protected use(v: Variable | undefined): Tensor {
    if (!v) throw new ValueError(`${this.name} weight`, 'a built layer', v);
    const written = sinkStack[sinkStack.length - 1]?.values;
    const top = overrideStack[overrideStack.length - 1];
    if (!top && !written?.size) return v;
    const w = this.weights.find((x) => x.variable === v);
    if (!w) return v;
    const key = `${this.name}/${w.short}`;
    return written?.get(key)?.value ?? top?.[key] ?? v;
  }

  /**
   * Records a new value for a state variable (e.g. a moving statistic). `call` assigns it when the
   * outermost call ends; `statelessCall` returns it instead. Never assign variables in `forward`.
   */
  protected updateState(v: Variable | undefined, value: Tensor): void {
    const w = v && this.weights.find((x) => x.variable === v);
    if (!w) throw new ValueError(`${this.name} updateState`, 'a variable made by addWeight', v?.name);
    const sink: StateSink | undefined = sinkStack[sinkStack.length - 1];
    if (!sink) throw new ValueError(`${this.name} updateState`, 'a call in progress', 'no call');
    const key = `${this.name}/${w.short}`;
    const old = sink.values.get(key);
    if (old) sink.superseded.push(old.value);
    sink.values.set(key, { variable: w.variable, value });
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
      const list = (isShapeList(shape) ? shape : [shape]) as Shape[];
      if (list.length !== spec.length) {
        throw new ValueError(`${this.name} inputs`, `${spec.length} tensor(s)`, `${list.length} tensor(s)`);
      }
      spec.forEach((s, i) => {
        assertShape(list[i] as number[], s, `${this.name} input ${i}`);
      });
    } else if (isShapeList(shape)) {
      throw new ValueError(`${this.name} inputs`, '1 tensor', `${shape.length} tensor(s)`);
    } else assertShape(shape as number[], spec, `${this.name} input`);
  }

  /** A random key for this layer's call, derived from the call's key and the layer name. */
  protected rngFor(options: CallOptions): RngKey | undefined {
    return options.rng?.fold(hashName(this.name));
  }

  /** Creates a weight `<layerName>/<name>` with the given initializer. */
  protected addWeight(name: string, shape: number[], initializer: InitializerLike, opts: WeightOptions = {}): Variable {
    const key = `${this.name}/${name}`;
    if (this.weights.some((w) => w.short === name)) throw new ValueError(`${this.name} addWeight`, 'a new weight name', name);
    const init = getInitializer(initializer, `${this.name} ${name} initializer`);
    const seedKey = this.baseOptions.seed !== undefined ? rngKey(this.baseOptions.seed).fold(this.weights.length) : undefined;
    const value = init.init(shape, seedKey);
    const registered = engine().registeredVariables;
    let varName = key;
    for (let i = 1; registered[varName]; i++) varName = `${key}_${i}`;
    const v = variable(value, opts.trainable ?? true, varName);
    dispose(value);
    this.weights.push({ short: name, variable: v, trainable: opts.trainable ?? true, regularizer: opts.regularizer });
    return v;
  }

  /** Trainable variables by `<layer>/<weight>` name (includes sub-layers). */
  parameters(): NamedVariables {
    const out: NamedVariables = {};
    for (const c of this.children) Object.assign(out, c.parameters());
    if (this.trainable) for (const w of this.weights) if (w.trainable) out[`${this.name}/${w.short}`] = w.variable;
    return out;
  }

  /** Non-trainable variables by name (moving statistics, frozen weights). */
  state(): NamedVariables {
    const out: NamedVariables = {};
    for (const c of this.children) Object.assign(out, c.state());
    for (const w of this.weights) if (!w.trainable || !this.trainable) out[`${this.name}/${w.short}`] = w.variable;
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
