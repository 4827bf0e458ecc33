export type { KerasArray } from './keras/h5-weights.js';
export { KerasWeights } from './keras/h5-weights.js';
export type { ConvertedLayer } from './keras/layer-converters.js';
export { kerasLayerConverters } from './keras/layer-converters.js';
export { loadKerasModel } from './keras/load-keras.js';
export { kerasLayerPaths, kerasSnakeCase } from './keras/snake-case.js';
