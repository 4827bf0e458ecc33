export * from './kernel-names.js';
export * from './ops.js';
export { normal, truncNormal, uniform } from './random.js';
export type { SafetensorsContent } from './safetensors.js';
export { decodeSafetensors, encodeSafetensors } from './safetensors.js';
export { asyncScope, expectNoLeak, isTensor, scope, tensorCount } from './scope.js';
export type { ShapePattern } from './shape.js';
export { assertPositiveInt, assertRank, assertSameShape, assertShape, shapeMatches } from './shape.js';
export type * from './types.js';
