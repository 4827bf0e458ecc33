/**
 * Keras' `to_snake_case` of a class name (`MaxPooling2D` → `max_pooling2d`), the stem of a layer's
 * group in `model.weights.h5`.
 *
 * @example
 * ```ts
 * kerasSnakeCase('BatchNormalization'); // 'batch_normalization'
 * ```
 */
export function kerasSnakeCase(name: string): string {
  const s = name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * The weight-file paths Keras gives a list of layers: the snake_case class name, `_1`, `_2`, ...
 * for repeats (`layers/dense`, `layers/dense_1`).
 *
 * @example
 * ```ts
 * kerasLayerPaths(['Dense', 'Dropout', 'Dense']); // ['layers/dense', 'layers/dropout', 'layers/dense_1']
 * ```
 */
export function kerasLayerPaths(classNames: string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((c) => {
    const stem = kerasSnakeCase(c);
    const n = used.get(stem);
    used.set(stem, n === undefined ? 0 : n + 1);
    return `layers/${n === undefined ? stem : `${stem}_${n + 1}`}`;
  });
}
