import { FormatError } from '@tessera/core';
import { type CsvValue, csv } from '../loaders/csv.js';
import type { Dataset } from '../pipeline/dataset.js';
import { fromArray } from '../pipeline/sources.js';
import type { ElementSpec } from '../pipeline/spec.js';
import { type DatasetSpec, type FetchOptions, fetchDatasetFiles } from '../registry/fetch-files.js';

/**
 * A tabular example: a float32 feature vector and an integer class.
 *
 * @example
 * ```ts
 * const { data } = await iris({ from: '../shared/datasets/iris' });
 * const batches = data.shuffle({ seed: 0 }).batch(16); // x: float32 [16, 4], y: int32 [16]
 * const first: TabularExample = (await data.take(1).toArray())[0]!;
 * ```
 */
export interface TabularExample {
  /** The features. */
  x: Float32Array;
  /** The class index (an integer, batched as int32). */
  y: number;
}

function tabularSpec(features: number): ElementSpec {
  return { x: { dtype: 'float32', shape: [features] }, y: { dtype: 'int32', shape: [] } };
}

/**
 * What {@link iris} returns.
 *
 * @example
 * ```ts
 * const { data, classNames, featureNames }: IrisData = await iris({ from: '../shared/datasets/iris' });
 * console.log(featureNames[0], classNames[2]); // 'sepal_length' 'virginica'
 * ```
 */
export interface IrisData {
  /** All 150 rows, grouped by species. */
  data: Dataset<TabularExample>;
  /** Species by label index. */
  classNames: string[];
  /** Names of the 4 features, in `x` order. */
  featureNames: string[];
}

const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'];

/**
 * Registry entry of Iris (Fisher 1936, seaborn-data copy, identical to scikit-learn's). URLs, sizes and SHA-256 per file.
 *
 * @example
 * ```ts
 * irisSpec.files.map((f) => [f.name, f.url, f.sha256]);
 * ```
 */
export const irisSpec: DatasetSpec<IrisData, Record<string, never>> = {
  name: 'iris',
  description: 'Iris: 150 flowers, 4 measurements (cm), 3 species (50 each), rows grouped by species',
  license: 'CC BY 4.0 (UCI)',
  files: [
    {
      name: 'iris.csv',
      url: 'https://raw.githubusercontent.com/mwaskom/seaborn-data/71e2436a092d714350de0fc409ca8a8714e7e78f/iris.csv',
      size: 3858,
      sha256: '9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355',
    },
  ],
  async build(files) {
    const rows: TabularExample[] = [];
    for await (const r of csv(files['iris.csv']!, { name: 'iris.csv', columns: { species: 'string' } })) {
      const y = IRIS_CLASSES.indexOf(r.species as string);
      if (y < 0) throw new FormatError('iris', `unknown species ${JSON.stringify(r.species)}`);
      rows.push({ x: Float32Array.from(IRIS_FEATURES, (f) => r[f] as number), y });
    }
    const data = fromArray(rows).withSpec(tabularSpec(IRIS_FEATURES.length));
    return { data, classNames: [...IRIS_CLASSES], featureNames: [...IRIS_FEATURES] };
  },
};

/**
 * Iris as one dataset of `{ x: Float32Array(4), y: 0 | 1 | 2 }` (150 rows, grouped by species:
 * shuffle or `split` before training); batches are `{ x: float32 [n, 4], y: int32 [n] }`.
 *
 * @example
 * ```ts
 * const { data } = await iris({ from: '../shared/datasets/iris' });
 * const { train, test } = split(data, { train: 0.8, test: 0.2 }, { seed: 0 });
 * ```
 */
export async function iris(options: FetchOptions = {}): Promise<IrisData> {
  return irisSpec.build(await fetchDatasetFiles(irisSpec, options), {});
}

/**
 * What {@link digits} returns.
 *
 * @example
 * ```ts
 * const { train, test }: DigitsData = await digits({ from: '../shared/datasets/digits', normalize: false });
 * console.log(train.size, test.size); // 3823 1797
 * ```
 */
export interface DigitsData {
  /** The training split (3,823 rows). */
  train: Dataset<TabularExample>;
  /** The test split (1,797 rows, other writers). */
  test: Dataset<TabularExample>;
}

async function parseDigits(bytes: Uint8Array, name: string, normalize: boolean): Promise<TabularExample[]> {
  const rows: TabularExample[] = [];
  for await (const r of csv(bytes, {
    name,
    header: false,
    columns: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [String(i), 'int' as const])),
  })) {
    const v = Array.from({ length: 65 }, (_, i) => r[String(i)] as CsvValue as number);
    rows.push({ x: Float32Array.from(v.slice(0, 64), (p) => (normalize ? p / 16 : p)), y: v[64]! });
  }
  return rows;
}

/**
 * Registry entry of UCI optdigits (8x8 digit counts 0-16; writers of train and test differ). URLs, sizes and SHA-256 per file.
 *
 * @example
 * ```ts
 * digitsSpec.files.map((f) => [f.name, f.url, f.sha256]);
 * ```
 */
export const digitsSpec: DatasetSpec<DigitsData, { normalize?: boolean }> = {
  name: 'digits',
  description: 'UCI optdigits: 3,823 train + 1,797 test 8x8 images (pixel counts 0-16), labels 0-9',
  license: 'CC BY 4.0 (UCI)',
  files: [
    { name: 'optdigits.tra', size: 563639, sha256: 'e1b683cc211604fe8fd8c4417e6a69f31380e0c61d4af22e93cc21e9257ffedd' },
    { name: 'optdigits.tes', size: 264712, sha256: '6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8' },
  ].map((f) => ({ ...f, url: `https://archive.ics.uci.edu/ml/machine-learning-databases/optdigits/${f.name}` })),
  async build(files, options) {
    const normalize = options.normalize ?? true;
    return {
      train: fromArray(await parseDigits(files['optdigits.tra']!, 'optdigits.tra', normalize)).withSpec(tabularSpec(64)),
      test: fromArray(await parseDigits(files['optdigits.tes']!, 'optdigits.tes', normalize)).withSpec(tabularSpec(64)),
    };
  },
};

/**
 * UCI optdigits as `{ train, test }` of `{ x: Float32Array(64) (÷16 unless normalize: false), y }`.
 *
 * @example
 * ```ts
 * const { train, test } = await digits({ from: '../shared/datasets/digits' });
 * ```
 */
export async function digits(options: FetchOptions & { normalize?: boolean } = {}): Promise<DigitsData> {
  return digitsSpec.build(await fetchDatasetFiles(digitsSpec, options), options);
}
