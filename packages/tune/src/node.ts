export type { TunerDirectoryOptions } from './node/tuner-directory.js';
export { tunerDirectory } from './node/tuner-directory.js';
