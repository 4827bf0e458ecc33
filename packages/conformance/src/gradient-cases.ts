import type { Tensor } from '@tessera/tensor';
import * as tf from '@tessera/tensor';
import type { ConformanceCase } from './case.js';
import { input } from './op-cases.js';

const grad = (name: string, kernels: string[], run: () => Tensor | Tensor[], tolerance?: number): ConformanceCase => ({
  name: `gradient/${name}`,
  kind: 'gradient',
  kernels,
  run,
  tolerance,
});

/** Gradients of a scalar function with respect to each of its inputs. */
function gradsOf(f: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]): Tensor[] {
  return tf.grads((...args: Tensor[]) => f(...args))(xs);
}

/** Gradient cases: the backward kernels training needs. */
export const gradientCases: ConformanceCase[] = [
  grad('dense: matMul + bias + relu', ['BatchMatMul', 'Relu', 'Step'], () =>
    gradsOf((x, w, b) => tf.sum(tf.relu(tf.add(tf.matMul(x, w), b as Tensor))), input([4, 6], 101), input([6, 3], 102), input([3], 103)),
  ),
  grad('softmax cross-entropy', ['Softmax', 'Log', 'Sum'], () =>
    gradsOf((z) => tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d([1, 0, 2], 'int32'), 3), tf.logSoftmax(z)))), input([3, 3], 104, 3)),
  ),
  grad('sigmoid tanh', ['Sigmoid', 'Tanh'], () => gradsOf((x) => tf.sum(tf.mul(tf.sigmoid(x), tf.tanh(x))), input([8], 105, 2))),
  grad('conv2d', ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], () =>
    gradsOf(
      (x, w) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))),
      input([1, 5, 5, 2], 106),
      input([3, 3, 2, 3], 107),
    ),
  ),
  grad(
    'depthwiseConv2d, stride 2, channel multiplier 2',
    ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'],
    () =>
      gradsOf(
        (x, w) => tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))),
        input([2, 6, 6, 3], 118),
        input([3, 3, 3, 2], 119),
      ),
  ),
  grad('maxPool', ['MaxPool', 'MaxPoolGrad'], () =>
    gradsOf((x) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')), input([1, 4, 4, 2], 108)),
  ),
  grad('maxPool, windows without a positive value', ['MaxPool', 'MaxPoolGrad'], () =>
    gradsOf(
      (x) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), input([1, 2, 2, 2], 116))),
      tf.sub(input([1, 4, 4, 2], 117), 2),
    ),
  ),
  grad('avgPool', ['AvgPool', 'AvgPoolGrad'], () =>
    gradsOf((x) => tf.sum(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid')), input([1, 4, 4, 2], 109)),
  ),
  grad('batched matMul', ['BatchMatMul'], () => gradsOf((a, b) => tf.sum(tf.matMul(a, b)), input([2, 3, 4], 110), input([2, 4, 5], 111))),
  grad('gather (embedding)', ['GatherV2', 'UnsortedSegmentSum'], () =>
    gradsOf((w) => tf.sum(tf.square(tf.gather(w, tf.tensor1d([0, 2, 2, 3], 'int32')))), input([5, 3], 112)),
  ),
  grad('mean variance (normalization)', ['Mean', 'Sub', 'Square', 'Rsqrt'], () =>
    gradsOf(
      (x) => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.sum(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), input([3, 4], 113)));
      },
      input([3, 4], 114),
    ),
  ),
  grad('leakyRelu elu', ['LeakyRelu', 'Elu', 'EluGrad'], () =>
    gradsOf((x) => tf.sum(tf.add(tf.leakyRelu(x, 0.2), tf.elu(x))), input([10], 115)),
  ),
  // Tessera's gradients, registered by every useBackend (tfjs-core has none for Einsum and
  // StridedSlice; its LeakyRelu, Elu and Maximum gradients cannot be differentiated again).
  grad('einsum bqd,bkd->bqk (attention scores)', ['Einsum'], () =>
    gradsOf((q, k) => tf.sum(tf.mul(tf.einsum('bqd,bkd->bqk', q, k), input([2, 3, 4], 116))), input([2, 3, 5], 117), input([2, 4, 5], 118)),
  ),
  grad('stridedSlice with strides', ['StridedSlice', 'ScatterNd'], () =>
    gradsOf((x) => tf.sum(tf.mul(tf.stridedSlice(x, [0, 1], [4, 6], [2, 2]), input([2, 3], 119))), input([4, 6], 120)),
  ),
  grad('grad of grad: leakyRelu, elu, maximum (gradient penalty)', ['LeakyRelu', 'Elu', 'Maximum', 'Step'], () =>
    gradsOf(
      (x) =>
        tf.sum(
          tf.square(tf.grad((y: Tensor) => tf.sum(tf.add(tf.add(tf.leakyRelu(y, 0.2), tf.elu(y)), tf.mul(tf.maximum(y, 0.1), y))))(x)),
        ),
      input([10], 121),
    ),
  ),
];
