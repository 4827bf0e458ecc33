import type { Dataset } from '../pipeline/dataset.js';
import { type DatasetSpec, type FetchOptions, fetchDatasetFiles } from '../registry/fetch-files.js';
import { type ImageDatasetOptions, type ImageExample, idxImageDataset } from './idx-images.js';

/**
 * What {@link mnist} / {@link fashionMnist} return.
 *
 * @example
 * ```ts
 * const { train, test, classNames }: ImageClassification = await fashionMnist({ cacheDir: './data' });
 * console.log(train.size, test.size, classNames[9]); // 60000 10000 'Ankle boot'
 * ```
 */
export interface ImageClassification {
  /** The training split. */
  train: Dataset<ImageExample>;
  /** The test split. */
  test: Dataset<ImageExample>;
  /** Class names by label index. */
  classNames: string[];
}

const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
] as const;

function build(files: Record<string, Uint8Array>, options: ImageDatasetOptions, classNames: string[]): ImageClassification {
  return {
    train: idxImageDataset(files[FILES[0]]!, files[FILES[1]]!, [FILES[0], FILES[1]], options),
    test: idxImageDataset(files[FILES[2]]!, files[FILES[3]]!, [FILES[2], FILES[3]], options),
    classNames,
  };
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/**
 * Registry entry of MNIST (LeCun, Cortes, Burges; CC BY-SA 3.0). URLs, sizes and SHA-256 per file.
 *
 * @example
 * ```ts
 * mnistSpec.files.map((f) => [f.name, f.url, f.sha256]);
 * ```
 */
export const mnistSpec: DatasetSpec<ImageClassification, ImageDatasetOptions> = {
  name: 'mnist',
  description: 'MNIST handwritten digits: 60,000 train + 10,000 test, 28x28 grayscale, labels 0-9',
  license: 'CC BY-SA 3.0 (per Keras/TensorFlow docs); credit LeCun, Cortes, Burges',
  files: [
    { name: FILES[0], size: 9912422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
    { name: FILES[1], size: 28881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
    { name: FILES[2], size: 1648877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
    { name: FILES[3], size: 4542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
  ].map((f) => ({
    ...f,
    url: `https://yann.lecun.com/exdb/mnist/${f.name}`,
    mirrors: [`https://storage.googleapis.com/cvdf-datasets/mnist/${f.name}`],
  })),
  build: (files, options) => build(files, options, DIGITS),
};

/**
 * Registry entry of Fashion-MNIST (Zalando; MIT). URLs, sizes and SHA-256 per file.
 *
 * @example
 * ```ts
 * fashionMnistSpec.files.map((f) => [f.name, f.url, f.sha256]);
 * ```
 */
export const fashionMnistSpec: DatasetSpec<ImageClassification, ImageDatasetOptions> = {
  name: 'fashion-mnist',
  description: 'Fashion-MNIST: 60,000 train + 10,000 test Zalando article images, 28x28 grayscale, 10 classes',
  license: 'MIT, Copyright (c) 2017 Zalando SE',
  files: [
    { name: FILES[0], size: 26421880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
    { name: FILES[1], size: 29515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
    { name: FILES[2], size: 4422102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
    { name: FILES[3], size: 5148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
  ].map((f) => ({
    ...f,
    url: `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${f.name}`,
    mirrors: [
      `https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/b2617bb6d3ffa2e429640350f613e3291e10b141/data/fashion/${f.name}`,
    ],
  })),
  build: (files, options) => build(files, options, FASHION),
};

/**
 * MNIST as `{ train, test }` datasets of `{ x: float32 [28, 28] (or [784]) in [0, 1], y: label }`.
 * Files are downloaded, verified (SHA-256) and cached, or read from a local directory with `from`.
 *
 * @example
 * ```ts
 * const { train, test } = await mnist({ from: '../shared/datasets/mnist', flatten: true });
 * const batches = train.shuffle({ seed: 1 }).batch(128);
 * ```
 */
export async function mnist(options: FetchOptions & ImageDatasetOptions = {}): Promise<ImageClassification> {
  return mnistSpec.build(await fetchDatasetFiles(mnistSpec, options), options);
}

/**
 * Fashion-MNIST, same layout and options as {@link mnist}.
 *
 * @example
 * ```ts
 * const { train, test, classNames } = await fashionMnist({ cacheDir: './data' });
 * ```
 */
export async function fashionMnist(options: FetchOptions & ImageDatasetOptions = {}): Promise<ImageClassification> {
  return fashionMnistSpec.build(await fetchDatasetFiles(fashionMnistSpec, options), options);
}
