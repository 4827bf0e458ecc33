import type { Loss } from '@tessera/core';
import { hasKernel, ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import {
  abs,
  add,
  cast,
  clipByValue,
  div,
  engine,
  exp,
  log,
  log1p,
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  relu,
  reshape,
  sub,
  sum,
} from '@tessera/tensor';
import { alignTargets, type LossOptions, makeLoss } from './make-loss.js';

/**
 * Clipping epsilon for probabilities (Keras' default epsilon).
 *
 * @example
 * ```ts
 * clipByValue(probabilities, EPSILON, 1 - EPSILON);
 * ```
 */
export const EPSILON = 1e-7;

/**
 * Options of the cross-entropy losses.
 *
 * @example
 * ```ts
 * const options: CrossentropyOptions = { fromLogits: true, labelSmoothing: 0.1, reduction: 'sum' };
 * ```
 */
export interface CrossentropyOptions extends LossOptions {
  /** Predictions are logits (unnormalized), not probabilities (default false). */
  fromLogits?: boolean;
  /** Smooths one-hot targets toward uniform: y * (1 - s) + s / classes (default 0). */
  labelSmoothing?: number;
}

/** log(p) of probabilities, clipped away from 0 and 1. */
function safeLog(p: Tensor): Tensor {
  return log(clipByValue(p, EPSILON, 1 - EPSILON));
}

/** Log-probabilities over the last axis from logits or probabilities. */
export function logProbabilities(yPred: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return logSoftmax(yPred);
  return safeLog(div(yPred, sum(yPred, -1, true)));
}

/** Validates `labelSmoothing` (a number in [0, 1]) for the loss `name`. */
export function checkSmoothing(options: CrossentropyOptions, name: string): void {
  const s = options.labelSmoothing;
  if (s !== undefined && !(typeof s === 'number' && s >= 0 && s <= 1)) {
    throw new ValueError(`${name} labelSmoothing`, 'a number in [0, 1]', s);
  }
}

export function smooth(y: Tensor, s: number, classes: number): Tensor {
  return s > 0 ? add(mul(y, 1 - s), s / classes) : y;
}

/**
 * Cross-entropy of one-hot (or probability) targets against class scores over the last axis.
 *
 * @example
 * ```ts
 * const loss = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
 * loss(oneHotLabels, logits);
 * ```
 */
export function categoricalCrossentropy(options: CrossentropyOptions = {}): Loss {
  const name = 'categorical_crossentropy';
  checkSmoothing(options, name);
  return makeLoss(
    name,
    (yTrue, yPred) => {
      const y = alignTargets(cast(yTrue, 'float32'), yPred, name);
      const classes = yPred.shape[yPred.rank - 1] as number;
      return neg(sum(mul(smooth(y, options.labelSmoothing ?? 0, classes), logProbabilities(yPred, options.fromLogits ?? false)), -1));
    },
    options,
  );
}

/**
 * Cross-entropy of integer class labels (shape `[N]` or `[N, 1]`) against class scores `[N, C]`.
 *
 * @example
 * ```ts
 * const loss = sparseCategoricalCrossentropy({ fromLogits: true });
 * loss(tensor1d([3, 1], 'int32'), logits);
 * ```
 */
export function sparseCategoricalCrossentropy(options: CrossentropyOptions = {}): Loss {
  const name = 'sparse_categorical_crossentropy';
  checkSmoothing(options, name);
  return makeLoss(
    name,
    (yTrue, yPred) => {
      if (options.fromLogits && !options.labelSmoothing && yPred.dtype === 'float32' && hasKernel(SPARSE_XENT))
        return sparseXentKernel(yTrue, yPred, name);
      const classes = yPred.shape[yPred.rank - 1] as number;
      const y = smooth(sparseToOneHot(yTrue, yPred, name), options.labelSmoothing ?? 0, classes);
      return neg(sum(mul(y, logProbabilities(yPred, options.fromLogits ?? false)), -1));
    },
    options,
  );
}

/**
 * The softmax cross-entropy kernel of `@tessera/kernels` (one pass, and one for its gradient),
 * registered on cpu, wasm and native TensorFlow; other backends take the ops.
 */
const SPARSE_XENT = 'TesseraSparseSoftmaxCrossEntropy';

/** Integer labels `[...batch]` or `[...batch, 1]`, checked against `yPred`, as one int32 row of labels. */
function flatLabels(yTrue: Tensor, yPred: Tensor, name: string): Tensor {
  const batchShape = yPred.shape.slice(0, -1);
  let labels = yTrue;
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) labels = reshape(labels, batchShape);
  if (labels.rank !== batchShape.length || labels.shape.some((d, i) => d !== batchShape[i])) {
    throw new ShapeError(
      `${name} targets`,
      batchShape,
      labels.shape,
      `integer labels for predictions of shape [${yPred.shape.join(', ')}]`,
    );
  }
  if (labels.rank !== 1) labels = reshape(labels, [-1]);
  return labels.dtype === 'int32' ? labels : cast(labels, 'int32');
}

/** Integer labels `[...batch]` or `[...batch, 1]` as float one-hot targets shaped like `yPred`. */
export function sparseToOneHot(yTrue: Tensor, yPred: Tensor, name: string): Tensor {
  const classes = yPred.shape[yPred.rank - 1] as number;
  return reshape(cast(oneHot(flatLabels(yTrue, yPred, name), classes), 'float32'), yPred.shape);
}

/** Per-sample sparse cross-entropy from logits as one kernel (its gradient one more). */
function sparseXentKernel(yTrue: Tensor, logits: Tensor, name: string): Tensor {
  const labels = flatLabels(yTrue, logits, name);
  const classes = logits.shape[logits.rank - 1] as number;
  const rows = logits.rank === 2 ? logits : reshape(logits, [-1, classes]);
  const loss = engine().runKernel(SPARSE_XENT, { logits: rows, labels } as never) as Tensor;
  return logits.rank === 2 ? loss : reshape(loss, logits.shape.slice(0, -1));
}

/**
 * Binary cross-entropy of 0/1 targets against one probability (or logit) per output, averaged over the last axis.
 *
 * @example
 * ```ts
 * const loss = binaryCrossentropy({ fromLogits: true });
 * loss(tensor2d([[1], [0]]), tensor2d([[2.3], [-1.2]]));
 * ```
 */
export function binaryCrossentropy(options: CrossentropyOptions = {}): Loss {
  const name = 'binary_crossentropy';
  checkSmoothing(options, name);
  return makeLoss(name, (yTrue, yPred) => mean(binaryCrossentropyElements(yTrue, yPred, name, options), -1), options);
}

/** Element-wise binary cross-entropy (shared with the focal loss). */
export function binaryCrossentropyElements(yTrue: Tensor, yPred: Tensor, name: string, options: CrossentropyOptions): Tensor {
  let y = alignTargets(cast(yTrue, 'float32'), yPred, name);
  const s = options.labelSmoothing ?? 0;
  if (s > 0) y = add(mul(y, 1 - s), 0.5 * s);
  if (options.fromLogits) {
    // max(x, 0) - x * z + log(1 + exp(-|x|)): stable for any logit
    return add(sub(relu(yPred), mul(yPred, y)), log1p(exp(neg(abs(yPred)))));
  }
  return neg(add(mul(y, safeLog(yPred)), mul(sub(1, y), safeLog(sub(1, yPred)))));
}
