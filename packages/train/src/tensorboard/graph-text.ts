import type { Module } from '@tessera/core';

/**
 * A Markdown description of modules for TensorBoard's text dashboard: per module its name, a
 * table of its parameters (path, shape, count) and its config as JSON when it has one.
 * (`summary` from `@tessera/layers` gives a Keras-style table of layers instead; pass it as
 * `writeGraph`.)
 *
 * @example
 * ```ts
 * writer.text('model', modelText({ model }), 0);
 * ```
 */
export function modelText(modules: Record<string, Module>): string {
  const parts: string[] = [];
  for (const [role, m] of Object.entries(modules)) {
    const rows = Object.entries(m.parameters()).map(([path, v]) => {
      const count = v.shape.reduce((a, b) => a * b, 1);
      return { path, shape: `[${v.shape.join(', ')}]`, count, trainable: v.trainable };
    });
    const total = rows.reduce((s, r) => s + r.count, 0);
    const trainable = rows.filter((r) => r.trainable).reduce((s, r) => s + r.count, 0);
    parts.push(`### ${role}: ${m.name}`, '', '| parameter | shape | count |', '|---|---|---:|');
    for (const r of rows) parts.push(`| ${r.path}${r.trainable ? '' : ' (frozen)'} | ${r.shape} | ${r.count} |`);
    parts.push('', `Total parameters: ${total} (trainable ${trainable})`);
    let config: string | undefined;
    try {
      config = JSON.stringify(m.getConfig?.(), null, 2);
    } catch {
      config = undefined;
    }
    if (config) parts.push('', '```json', config, '```');
    parts.push('');
  }
  return parts.join('\n');
}
