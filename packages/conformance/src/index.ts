export type { ConformanceCase } from './case.js';
export { values } from './case.js';
export { gradientCases } from './gradient-cases.js';
export { memoryCases } from './memory-cases.js';
export { input, opCases } from './op-cases.js';
export type { CaseOutput } from './runner.js';
export { compareOutputs, missingKernels, runCase } from './runner.js';

import type { ConformanceCase } from './case.js';
import { gradientCases } from './gradient-cases.js';
import { memoryCases } from './memory-cases.js';
import { opCases } from './op-cases.js';

/** Every conformance case, ops first. */
export const allCases: ConformanceCase[] = [...opCases, ...gradientCases, ...memoryCases];
