import { ValueError } from '@tessera/core';
import type { Layer } from '@tessera/layers';
import { InputLayer, Model, Sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { decodeSafetensors, encodeSafetensors, scope } from '@tessera/tensor';
import { torchLayerMappings } from './layer-mappings.js';

type AnyLayer = Layer<Tensor | Tensor[]>;

/** Visits every leaf layer with its torch module path (`0.`, `block.1.`, ...). */
function walk(layer: AnyLayer, prefix: string, visit: (leaf: AnyLayer, prefix: string) => void): void {
  if (layer instanceof Sequential) {
    layer.layers.forEach((l, i) => {
      walk(l, `${prefix}${i}.`, visit);
    });
  } else if (layer instanceof Model) {
    for (const l of layer.layers) if (!(l instanceof InputLayer)) walk(l, `${prefix}${l.name}.`, visit);
  } else visit(layer, prefix);
}

function ownWeights(layer: AnyLayer): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const p = `${layer.name}/`;
  for (const [k, v] of Object.entries(layer.variables())) if (k.startsWith(p)) out[k.slice(p.length)] = v;
  return out;
}

function mappingOf(layer: AnyLayer) {
  const m = Object.hasOwn(torchLayerMappings, layer.className) ? torchLayerMappings[layer.className] : undefined;
  if (!m && Object.keys(ownWeights(layer)).length > 0) {
    throw new ValueError(
      `torch state dict of layer ${layer.name}`,
      `a layer class with a PyTorch mapping (${Object.keys(torchLayerMappings).join(', ')}) or without weights`,
      `unsupported layer class ${layer.className}`,
    );
  }
  return m;
}

/**
 * A model's weights as a PyTorch-style state dict (new tensors the caller owns). Names follow
 * torch's module paths: a Sequential's layers by index (`0.weight`, `2.bias`), a functional
 * model's by layer name (`dense_1.weight`), nested models joined with dots (`block.0.weight`);
 * each layer maps as its torch counterpart stores it (see `torchLayerMappings`: Linear weights
 * `[out, in]`, Conv2d `[out, in, kh, kw]`, BatchNorm `running_mean`/`running_var`, ...).
 *
 * @example
 * ```ts
 * const sd = toTorchStateDict(sequential([dense(4), dense(2)], { inputShape: [3] }));
 * Object.keys(sd); // ['0.weight', '0.bias', '1.weight', '1.bias']; sd['0.weight'].shape: [4, 3]
 * ```
 */
export function toTorchStateDict(model: AnyLayer): Record<string, Tensor> {
  if (!model.built) throw new ValueError('toTorchStateDict model', 'a built model', 'not built');
  const out: Record<string, Tensor> = {};
  walk(model, '', (leaf, prefix) => {
    const m = mappingOf(leaf);
    if (!m) return;
    const w = ownWeights(leaf);
    const mapped = scope(() => {
      const r = m.toTorch(leaf, (s) => w[s]);
      // a weight passed through unchanged is a variable: hand back a copy the caller owns
      for (const [k, v] of Object.entries(r)) if (Object.values(w).includes(v)) r[k] = v.clone();
      return r;
    });
    for (const [k, v] of Object.entries(mapped)) out[`${prefix}${k}`] = v;
  });
  return out;
}

/**
 * Sets a built model's weights from a PyTorch-style state dict named as {@link toTorchStateDict}
 * writes it. Every weight of the model must be found with the right shape; names the model does
 * not use (`num_batches_tracked`) are ignored. Does not dispose `stateDict`.
 *
 * @example
 * ```ts
 * fromTorchStateDict(model, decodeSafetensors(bytes).tensors);
 * ```
 */
export function fromTorchStateDict(model: AnyLayer, stateDict: Record<string, Tensor>): void {
  if (!model.built) throw new ValueError('fromTorchStateDict model', 'a built model', 'not built');
  walk(model, '', (leaf, prefix) => {
    const m = mappingOf(leaf);
    if (!m) return;
    const vars = ownWeights(leaf);
    scope(() => {
      const get = (name: string) => {
        const t = stateDict[`${prefix}${name}`];
        if (!t) throw new ValueError('fromTorchStateDict state dict', `an entry ${prefix}${name} (layer ${leaf.name})`, 'none');
        return t;
      };
      const values = m.fromTorch(leaf, get, (name) => `${prefix}${name}` in stateDict);
      for (const [short, v] of Object.entries(vars)) {
        const val = values[short];
        if (!val)
          throw new ValueError(
            'fromTorchStateDict state dict',
            `an entry for ${leaf.name}/${short} (module ${prefix.slice(0, -1) || leaf.name})`,
            'none',
          );
        if (val.shape.join() !== v.shape.join()) {
          throw new ValueError(`fromTorchStateDict ${leaf.name}/${short}`, `shape [${v.shape.join(', ')}]`, `[${val.shape.join(', ')}]`);
        }
        (v as unknown as { assign(t: Tensor): void }).assign(val);
      }
    });
  });
}

/**
 * {@link toTorchStateDict} serialized as safetensors bytes (`torch`'s `safetensors.torch.load`
 * reads them).
 *
 * @example
 * ```ts
 * const bytes = exportTorchSafetensors(model, { format: 'pt' });
 * ```
 */
export function exportTorchSafetensors(model: AnyLayer, metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const sd = toTorchStateDict(model);
  try {
    return encodeSafetensors(sd, metadata);
  } finally {
    for (const t of Object.values(sd)) t.dispose();
  }
}

/**
 * Loads safetensors bytes holding a PyTorch-style state dict into a built model
 * ({@link fromTorchStateDict}).
 *
 * @example
 * ```ts
 * importTorchSafetensors(model, bytes);
 * ```
 */
export function importTorchSafetensors(model: AnyLayer, bytes: Uint8Array): void {
  const { tensors } = decodeSafetensors(bytes);
  try {
    fromTorchStateDict(model, tensors);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
