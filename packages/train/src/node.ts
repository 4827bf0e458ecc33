export type { CheckpointOptions } from './node/checkpoint.js';
export { checkpoint, latestCheckpoint, loadCheckpoint, saveCheckpoint } from './node/checkpoint.js';
export type { CheckpointIO } from './node/io.js';
export { nodeIO, writeAtomic } from './node/io.js';
export { csvLogger, jsonlLogger } from './node/loggers.js';
export { eventFileWriter, hparams, tensorBoard } from './node/tensorboard.js';
