import type { CallOptions } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { clone, isTensor, scope } from '@tessera/tensor';
import { Layer, type LayerInput } from '../layer.js';
import { mergeMasks } from '../masks.js';
import type { Shape } from '../shape.js';
import { summary } from '../summary.js';
import { InputLayer } from './input-layer.js';
import type { GraphNode, SymbolicTensor } from './symbolic.js';

/**
 * Options of {@link model}.
 *
 * @example
 * ```ts
 * model({ inputs: x, outputs: y, name: 'classifier' });
 * ```
 */
export interface ModelOptions {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

/**
 * A functional model: a graph of layer calls from symbolic inputs to outputs (several of each
 * allowed). It is a layer itself, so models nest.
 *
 * @example
 * ```ts
 * const x = input({ shape: [8] });
 * const h = dense(8, { activation: 'relu' }).call(x);
 * const m = new Model({ inputs: x, outputs: add([x, h]) });
 * ```
 */
export class Model extends Layer<Tensor | Tensor[]> {
  static readonly className = 'Functional';
  readonly className = 'Functional';
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  /** Layer calls in execution order (input nodes first). */
  readonly nodes: GraphNode[];
  /** Unique layers of the graph (input layers included) in execution order. */
  readonly layers: Layer<Tensor | Tensor[]>[];
  private readonly multiInput: boolean;
  private readonly multiOutput: boolean;
  protected readonly ownsNameScope = true;

  constructor(opts: ModelOptions) {
    super({ name: opts.name }, 'functional');
    this.multiInput = Array.isArray(opts.inputs);
    this.multiOutput = Array.isArray(opts.outputs);
    this.inputs = Array.isArray(opts.inputs) ? [...opts.inputs] : [opts.inputs];
    this.outputs = Array.isArray(opts.outputs) ? [...opts.outputs] : [opts.outputs];
    const inputNodes = new Set(this.inputs.map((t) => t.node));
    for (const t of this.inputs) {
      if (!(t.node.layer instanceof InputLayer)) throw new ValueError(`${this.name} inputs`, 'tensors made by input()', t.node.layer.name);
    }
    const order: GraphNode[] = [];
    const seen = new Set<GraphNode>();
    const visit = (n: GraphNode) => {
      if (seen.has(n)) return;
      seen.add(n);
      if (n.layer instanceof InputLayer && !inputNodes.has(n)) {
        throw new ValueError(`${this.name} graph`, `every input() reached from the outputs listed in inputs`, n.layer.name);
      }
      for (const i of n.inputs) visit(i.node);
      order.push(n);
    };
    for (const t of this.outputs) visit(t.node);
    for (const n of inputNodes) if (!seen.has(n)) order.unshift(n);
    this.nodes = order;
    const layers: Layer<Tensor | Tensor[]>[] = [];
    for (const n of order) if (!layers.includes(n.layer as Layer)) layers.push(n.layer as Layer<Tensor | Tensor[]>);
    this.layers = layers;
    this.children = layers.filter((l) => !(l instanceof InputLayer));
    this.assignNames();
    const shapes = this.inputs.map((t) => t.shape);
    this.inputSpec = this.multiInput ? shapes : shapes[0];
    this.builtInputShape = this.inputSpec;
    this.built = true;
  }

  /** @internal the layers named in this model's scope: its input layers too. */
  scopeMembers(): Layer<Tensor | Tensor[]>[] {
    const members = super.scopeMembers();
    return [...this.layers.filter((l) => l instanceof InputLayer && !members.includes(l)), ...members];
  }

  /** Names of the inputs (their input layers), the keys accepted by `call({ name: tensor })`. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.node.layer.name);
  }

  protected normalizeInput(x: LayerInput): Tensor | Tensor[] {
    if (Array.isArray(x) || isTensor(x)) return x;
    const named = x as Record<string, Tensor>;
    const list = this.inputNames.map((n) => {
      const t = named[n];
      if (!t)
        throw new ValueError(`${this.name} inputs`, `a tensor for every input name (${this.inputNames.join(', ')})`, Object.keys(named));
      return t;
    });
    return this.multiInput ? list : (list[0] as Tensor);
  }

  protected forward(x: LayerInput, options: CallOptions): Tensor | Tensor[] {
    return this.run(x, options)[0];
  }

  /**
   * Runs the graph; each layer call gets the mask of its input (the logical and of its inputs'
   * masks for a call on a list). `options.mask` is the mask of every model input. Returns the
   * outputs and the mask of the (first) output.
   */
  private run(x: LayerInput, options: CallOptions): [Tensor | Tensor[], Tensor | undefined] {
    const xs = Array.isArray(x) ? x : [x];
    if (xs.length !== this.inputs.length)
      throw new ValueError(`${this.name} inputs`, `${this.inputs.length} tensor(s)`, `${xs.length} tensor(s)`);
    const values = new Map<SymbolicTensor, Tensor>();
    const masks = new Map<SymbolicTensor, Tensor | undefined>();
    this.inputs.forEach((t, i) => {
      values.set(t, xs[i] as Tensor);
      masks.set(t, options.mask);
    });
    const get = (t: SymbolicTensor): Tensor => {
      const v = values.get(t);
      if (!v) throw new ValueError(`${this.name} graph`, 'a value for every intermediate tensor', t.node.layer.name);
      return v;
    };
    for (const n of this.nodes) {
      if (n.layer instanceof InputLayer) continue;
      const args = n.multi ? n.inputs.map(get) : get(n.inputs[0] as SymbolicTensor);
      const mask = mergeMasks(n.inputs.map((t) => masks.get(t)));
      const [out, outMask] = (n.layer as Layer<Tensor | Tensor[]>).callWithMask(
        args,
        mask === options.mask ? options : { ...options, mask },
      );
      const outs = Array.isArray(out) ? out : [out];
      n.outputs.forEach((t, i) => {
        values.set(t, outs[i] as Tensor);
        masks.set(t, outMask);
      });
    }
    const result = this.outputs.map(get);
    return [this.multiOutput ? result : (result[0] as Tensor), masks.get(this.outputs[0] as SymbolicTensor)];
  }

  /** Forward pass that also returns the mask of the (first) output, in one pass. */
  callWithMask(x: LayerInput, options: CallOptions = {}): [Tensor | Tensor[], Tensor | undefined] {
    const t = this.normalizeInput(x);
    this.checkInput(Array.isArray(t) ? t.map((v) => v.shape) : t.shape);
    return scope(() => {
      const [y, mask] = this.run(t, options);
      const fresh = (v: Tensor) => (v === t || (Array.isArray(t) && t.includes(v)) ? clone(v) : v);
      return [Array.isArray(y) ? y.map(fresh) : fresh(y), mask] as [Tensor | Tensor[], Tensor | undefined];
    });
  }

  /** The mask of the model's (first) output (runs the forward pass; prefer {@link callWithMask}). */
  computeMask(x: LayerInput, mask?: Tensor): Tensor | undefined {
    return scope(() => this.callWithMask(x, { mask })[1]);
  }

  /** Text table of layers, output shapes and parameter counts. */
  summary(): string {
    return summary(this);
  }

  computeOutputShape(inputShape?: Shape | Shape[]): Shape | Shape[] {
    const first = inputShape && (Array.isArray(inputShape[0]) ? (inputShape[0] as Shape) : (inputShape as Shape));
    const batch = first ? (first[0] ?? null) : null;
    const shapes = this.outputs.map((t) => [batch, ...t.shape.slice(1)]);
    return this.multiOutput ? shapes : (shapes[0] as Shape);
  }

  protected layerConfig(): Record<string, unknown> {
    const index = new Map(this.nodes.map((n, i) => [n, i]));
    const ref = (t: SymbolicTensor) => [index.get(t.node), t.index];
    return {
      layers: this.layers.map((l) => l.getConfig()),
      nodes: this.nodes.map((n) => ({ layer: n.layer.name, inbound: n.inputs.map(ref), multi: n.multi })),
      inputs: this.inputs.map((t) => index.get(t.node)),
      outputs: this.outputs.map(ref),
      multiInput: this.multiInput,
      multiOutput: this.multiOutput,
    };
  }
}

/**
 * Creates a functional {@link Model} from symbolic inputs and outputs.
 *
 * @example
 * ```ts
 * const a = input({ shape: [4] }); const b = input({ shape: [3] });
 * const m = model({ inputs: [a, b], outputs: dense(1).call(concatenate([a, b])) });
 * ```
 */
export function model(opts: ModelOptions): Model {
  return new Model(opts);
}
