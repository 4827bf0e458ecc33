import type { Tensor } from '@tessera/tensor';
import * as tf from '@tessera/tensor';
import { type ConformanceCase, values } from './case.js';

/** A deterministic float32 tensor of the given shape. */
export function input<T extends Tensor = Tensor>(shape: number[], seed: number, scale = 1): T {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = values(n, seed);
  if (scale !== 1) for (let i = 0; i < n; i++) v[i] = (v[i] as number) * scale;
  return tf.tensor(v, shape, 'float32') as T;
}

const op = (name: string, kernels: string[], run: () => Tensor | Tensor[], tolerance?: number): ConformanceCase => ({
  name: `op/${name}`,
  kind: 'op',
  kernels,
  run,
  tolerance,
});

/** Forward-op cases covering the kernels models use. */
export const opCases: ConformanceCase[] = [
  op('add broadcast', ['Add'], () => tf.add(input([4, 3], 1), input([3], 2))),
  op('sub', ['Sub'], () => tf.sub(input([5], 3), input([5], 4))),
  op('mul broadcast', ['Multiply'], () => tf.mul(input([2, 3, 4], 5), input([4], 6))),
  op('div', ['RealDiv'], () => tf.div(input([6], 7), tf.add(tf.abs(input([6], 8)), 0.5))),
  op('matMul', ['BatchMatMul'], () => tf.matMul(input([8, 16], 9), input([16, 5], 10))),
  op('matMul transposeA', ['BatchMatMul'], () => tf.matMul(input([16, 8], 11), input([16, 5], 12), true, false)),
  op('matMul transposeB', ['BatchMatMul'], () => tf.matMul(input([8, 16], 13), input([5, 16], 14), false, true)),
  op('batched matMul', ['BatchMatMul'], () => tf.matMul(input([3, 4, 6], 15), input([3, 6, 2], 16))),
  op(
    'conv2d same',
    ['Conv2D'],
    () => tf.conv2d(input<tf.Tensor4D>([2, 6, 6, 3], 17), input<tf.Tensor4D>([3, 3, 3, 4], 18), 1, 'same') as Tensor,
  ),
  op(
    'conv2d valid stride 2',
    ['Conv2D'],
    () => tf.conv2d(input<tf.Tensor4D>([1, 7, 7, 2], 19), input<tf.Tensor4D>([3, 3, 2, 3], 20), 2, 'valid') as Tensor,
  ),
  op(
    'depthwiseConv2d',
    ['DepthwiseConv2dNative'],
    () => tf.depthwiseConv2d(input<tf.Tensor4D>([1, 5, 5, 2], 21), input<tf.Tensor4D>([3, 3, 2, 1], 22), 1, 'same') as Tensor,
  ),
  op(
    'conv2dTranspose',
    ['Conv2DBackpropInput'],
    () => tf.conv2dTranspose(input<tf.Tensor4D>([1, 3, 3, 4], 23), input<tf.Tensor4D>([3, 3, 2, 4], 24), [1, 6, 6, 2], 2, 'same') as Tensor,
  ),
  op('maxPool', ['MaxPool'], () => tf.maxPool(input<tf.Tensor4D>([1, 4, 4, 2], 25), 2, 2, 'valid') as Tensor),
  op('avgPool', ['AvgPool'], () => tf.avgPool(input<tf.Tensor4D>([1, 4, 4, 2], 26), 2, 2, 'valid') as Tensor),
  op('relu', ['Relu'], () => tf.relu(input([10], 27))),
  op('leakyRelu', ['LeakyRelu'], () => tf.leakyRelu(input([10], 28), 0.1)),
  op('elu', ['Elu'], () => tf.elu(input([10], 29))),
  op('sigmoid', ['Sigmoid'], () => tf.sigmoid(input([10], 30, 3))),
  op('tanh', ['Tanh'], () => tf.tanh(input([10], 31, 3))),
  op('exp log', ['Exp', 'Log'], () => tf.log(tf.exp(input([10], 32)))),
  op('sqrt square', ['Sqrt', 'Square'], () => tf.sqrt(tf.add(tf.square(input([10], 33)), 1))),
  op('softmax', ['Softmax'], () => tf.softmax(input([3, 7], 34, 4))),
  op('logSoftmax', ['Max', 'Exp', 'Sum', 'Log'], () => tf.logSoftmax(input([3, 7], 35, 4))),
  op('sum mean max', ['Sum', 'Mean', 'Max'], () => [
    tf.sum(input([4, 5], 36), 1),
    tf.mean(input([4, 5], 37), 0),
    tf.max(input([4, 5], 38), 1),
  ]),
  op('transpose', ['Transpose'], () => tf.transpose(input([2, 3, 4], 39), [2, 0, 1])),
  op('concat slice', ['Concat', 'Slice'], () => tf.slice(tf.concat([input([2, 3], 40), input([2, 2], 41)], 1), [0, 1], [2, 3])),
  op('gather', ['GatherV2'], () => tf.gather(input([6, 3], 42), tf.tensor1d([5, 0, 2, 2], 'int32'))),
  op('oneHot', ['OneHot'], () => tf.oneHot(tf.tensor1d([0, 3, 1], 'int32'), 4)),
  op('argMax', ['ArgMax'], () => tf.cast(tf.argMax(input([4, 6], 43), 1), 'float32')),
  op('where greater', ['Greater', 'Select'], () => {
    const a = input([8], 44);
    return tf.where(tf.greater(a, 0), a, tf.mul(a, -2));
  }),
  op('pad', ['PadV2'], () =>
    tf.pad(input([2, 2], 45), [
      [1, 0],
      [0, 2],
    ]),
  ),
  op('clipByValue', ['ClipByValue'], () => tf.clipByValue(input([10], 46, 2), -0.5, 0.5)),
  op('batchNorm', ['FusedBatchNorm'], () =>
    tf.batchNorm(input([4, 3], 47), input([3], 48), tf.add(tf.abs(input([3], 49)), 0.5), input([3], 50), input([3], 51), 1e-3),
  ),
  op('cumsum', ['Cumsum'], () => tf.cumsum(input([6], 52))),
  op('round', ['Round'], () => [
    tf.round(tf.mul(input([8], 53), 4)),
    tf.cast(tf.round(tf.tensor1d([-3, -1, 0, 2, 7], 'int32')), 'float32'),
  ]),
  op('isNaN isFinite isInf int32', ['IsNan', 'IsFinite', 'IsInf'], () => {
    const x = tf.tensor1d([-3, 0, 7], 'int32');
    return [tf.isNaN(x), tf.isFinite(x), tf.isInf(x)].map((b) => tf.cast(b, 'float32'));
  }),
];
