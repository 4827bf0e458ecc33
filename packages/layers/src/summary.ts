import { formatShape } from '@tessera/core';
import type { GraphNode } from './graph/symbolic.js';
import type { AnyLayer } from './registry.js';
import type { Shape } from './shape.js';

// structural views of the two model kinds (no import of the model classes: they import this file)
type SequentialView = AnyLayer & { layers: AnyLayer[]; nodes?: undefined };
type FunctionalView = AnyLayer & { layers: AnyLayer[]; nodes: GraphNode[] };
const isFunctional = (m: AnyLayer): m is FunctionalView => Array.isArray((m as Partial<FunctionalView>).nodes);
const isSequential = (m: AnyLayer): m is SequentialView => !isFunctional(m) && Array.isArray((m as Partial<SequentialView>).layers);

function shapeText(s: Shape | Shape[] | undefined): string {
  if (!s) return '?';
  // the batch size of the first call is not part of the architecture
  const one = (x: Shape) => formatShape([null, ...x.slice(1)]);
  return Array.isArray(s[0]) ? (s as Shape[]).map(one).join(', ') : one(s as Shape);
}

/**
 * A text table of a model's layers, output shapes and parameter counts (Keras-style totals).
 *
 * @example
 * ```ts
 * console.log(summary(sequential([dense(128), dense(10)], { inputShape: [784] })));
 * // ... Total params: 101,770 ...
 * ```
 */
export function summary(m: AnyLayer): string {
  const rows: Array<[string, string, string]> = [];
  if (isSequential(m)) {
    let s: Shape | Shape[] | undefined = m.builtInputShape;
    for (const l of m.layers) {
      s = s && l.built ? l.computeOutputShape(s) : undefined;
      rows.push([`${l.name} (${l.className})`, shapeText(s), String(l.countParams().total)]);
    }
  } else if (isFunctional(m)) {
    for (const l of m.layers) {
      const node = m.nodes.find((n) => n.layer === l);
      const shapes = node?.outputs.map((t) => t.shape);
      const text = shapes && shapes.length === 1 ? shapeText(shapes[0]) : shapeText(shapes);
      rows.push([`${l.name} (${l.className})`, text, String(l.className === 'InputLayer' ? 0 : l.countParams().total)]);
    }
  } else {
    const out = m.builtInputShape ? m.computeOutputShape(m.builtInputShape) : undefined;
    rows.push([`${m.name} (${m.className})`, shapeText(out), String(m.countParams().total)]);
  }
  const head: [string, string, string] = ['Layer (type)', 'Output Shape', 'Param #'];
  const w = [0, 1, 2].map((i) => Math.max(...[head, ...rows].map((r) => (r[i] as string).length)) + 2);
  const line = (r: [string, string, string]) =>
    `${r[0].padEnd(w[0] as number)}${r[1].padEnd(w[1] as number)}${r[2].padStart((w[2] as number) - 2)}`;
  const rule = '─'.repeat((w[0] as number) + (w[1] as number) + (w[2] as number));
  const c = m.countParams();
  const fmt = (n: number) => n.toLocaleString('en-US');
  return [
    `Model: "${m.name}"`,
    rule,
    line(head),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${fmt(c.total)}`,
    `Trainable params: ${fmt(c.trainable)}`,
    `Non-trainable params: ${fmt(c.nonTrainable)}`,
  ].join('\n');
}
