// The class-projection term of a projection discriminator (Miyato & Koyama, "cGANs with Projection
// Discriminator", 2018). The discriminator's output is a dense unit on the image features φ(x) plus
// this term, so the label steers the score through an inner product instead of an input concatenation.
import { Layer } from '@tessera/layers';
import { cast, gather, mul, sum } from '@tessera/tensor';

/**
 * Inputs `[features [batch, k], labels [batch]]` (int32 class ids) → `⟨embed(label), features⟩`
 * `[batch, 1]`, with one trainable embedding of size `k` per class.
 *
 * @example
 * const score = add([dense(1).call(phi), new Projection({ numClasses: 10 }).call([phi, label])]);
 */
export class Projection extends Layer {
  static className = 'Projection';
  className = 'Projection';
  constructor(opts) {
    super(opts);
    this.numClasses = opts.numClasses;
  }
  buildWeights(shapes) {
    const features = shapes[0];
    this.embeddings = this.addWeight('embeddings', [this.numClasses, features[features.length - 1]], 'glorotUniform');
  }
  forward([features, labels]) {
    const e = gather(this.use(this.embeddings), labels.dtype === 'int32' ? labels : cast(labels, 'int32'));
    return sum(mul(e, features), -1, true);
  }
  computeOutputShape(shapes) {
    return [shapes[0][0], 1];
  }
  layerConfig() {
    return { numClasses: this.numClasses };
  }
}

/**
 * Creates a {@link Projection} layer.
 *
 * @example
 * const term = projection(10, { seed: 5 }).call([phi, label]); // [batch, 1]
 */
export const projection = (numClasses, opts = {}) => new Projection({ ...opts, numClasses });
