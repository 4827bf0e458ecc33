import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, decodeSafetensors, matMul, mul, relu, reshape, scalar, sub, tidy } from '@tessera/tensor';
import { classHistogram, classifierScore, frechetDistance } from './quality.js';

/**
 * A frozen image classifier for scoring generated samples (TF-GAN's MNIST classifier idea): an
 * MLP `784 → hidden (relu) → 10` trained on real images with pixels in [0, 1], loaded from
 * safetensors (`dense_0/kernel`, `dense_0/bias`, `dense_1/kernel`, `dense_1/bias`).
 *
 * @example
 * ```ts
 * const clf = qualityClassifier(await (await fetch('/classifiers/mnist.safetensors')).arrayBuffer());
 * const logits = clf.logits(images, [-1, 1]); // [n, 10]
 * ```
 */
export interface QualityClassifier {
  /** Classes (10 for MNIST and Fashion-MNIST). */
  readonly numClasses: number;
  /** Pixels per image the classifier takes (784). */
  readonly inputSize: number;
  /** Metadata saved with the weights (dataset, test accuracy). */
  readonly metadata: Record<string, string>;
  /** Logits `[n, numClasses]` of images `[n, ...]` whose pixels lie in `range` (default [0, 1]). */
  logits(images: Tensor, range?: [number, number]): Tensor;
  /** Frees the weights. */
  dispose(): void;
}

/**
 * Builds a {@link QualityClassifier} from safetensors bytes (as written by the package's
 * `scripts/train-classifiers.mjs`).
 *
 * @example
 * ```ts
 * const clf = qualityClassifier(bytes);
 * const q = ganQuality(clf, generated, realTest, { range: [-1, 1] });
 * ```
 */
export function qualityClassifier(bytes: Uint8Array | ArrayBuffer): QualityClassifier {
  const { tensors, metadata } = decodeSafetensors(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  const names = ['dense_0/kernel', 'dense_0/bias', 'dense_1/kernel', 'dense_1/bias'];
  const missing = names.filter((n) => !tensors[n]);
  if (missing.length) {
    for (const t of Object.values(tensors)) t.dispose();
    throw new ValueError('qualityClassifier weights', names.join(', '), Object.keys(tensors));
  }
  const [k0, b0, k1, b1] = names.map((n) => tensors[n] as Tensor) as [Tensor, Tensor, Tensor, Tensor];
  const inputSize = k0.shape[0] as number;
  const numClasses = k1.shape[1] as number;
  return {
    numClasses,
    inputSize,
    metadata: metadata ?? {},
    logits(images, range = [0, 1]) {
      const n = images.shape[0] as number;
      if (images.size !== n * inputSize)
        throw new ValueError('qualityClassifier images', `[n, ${inputSize}] pixels (any shape with ${inputSize} per image)`, images.shape);
      const [lo, hi] = range;
      return tidy(() => {
        const x = mul(sub(reshape(images, [n, inputSize]), scalar(lo)), scalar(1 / (hi - lo)));
        return add(matMul(relu(add(matMul(x, k0), b0)), k1), b1);
      });
    },
    dispose() {
      for (const t of Object.values(tensors)) t.dispose();
    },
  };
}

/**
 * Options of {@link ganQuality}.
 *
 * @example
 * ```ts
 * ganQuality(clf, generated, realTest, { range: [-1, 1], realRange: [0, 1] });
 * ```
 */
export interface GanQualityOptions {
  /** Pixel range of the generated images (default [-1, 1], a tanh generator). */
  range?: [number, number];
  /** Pixel range of the real images (default [0, 1], as the datasets load them). */
  realRange?: [number, number];
}

/**
 * What {@link ganQuality} measures.
 *
 * @example
 * ```ts
 * const { scoreRatio, frechet, histogram }: GanQuality = ganQuality(clf, generated, realTest);
 * ```
 */
export interface GanQuality {
  /** Classifier score of the generated images. */
  score: number;
  /** Classifier score of the real images. */
  realScore: number;
  /** `score / realScore`. */
  scoreRatio: number;
  /** Fréchet distance between generated and real images in the classifier's logit space. */
  frechet: number;
  /** Fraction of generated images the classifier assigns to each class. */
  histogram: number[];
  /** The smallest entry of `histogram`. */
  minClassFraction: number;
}

/**
 * TF-GAN's `mnist_score` and `mnist_frechet_distance` in one call: the classifier score of
 * generated images relative to real ones, the Fréchet distance between them in the classifier's
 * logit space, and the per-class histogram of generated images.
 *
 * @example
 * ```ts
 * const generated = step.sample(10000, { seed: 123 });
 * const q = ganQuality(await loadQualityClassifier('mnist'), generated, testImages);
 * console.log(q.scoreRatio, q.frechet, q.minClassFraction);
 * ```
 */
export function ganQuality(classifier: QualityClassifier, generated: Tensor, real: Tensor, options: GanQualityOptions = {}): GanQuality {
  const k = classifier.numClasses;
  const gl = classifier.logits(generated, options.range ?? [-1, 1]);
  const rl = classifier.logits(real, options.realRange ?? [0, 1]);
  try {
    const g = gl.dataSync();
    const r = rl.dataSync();
    const score = classifierScore(g, k);
    const realScore = classifierScore(r, k);
    const histogram = classHistogram(g, k);
    return {
      score,
      realScore,
      scoreRatio: score / realScore,
      frechet: frechetDistance(g, r, k),
      histogram,
      minClassFraction: Math.min(...histogram),
    };
  } finally {
    gl.dispose();
    rl.dispose();
  }
}
