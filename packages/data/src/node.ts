// Node-only entry: file-backed loaders. Import from '@tessera/data/node'.
export type { ImageFolderOptions } from './node/files.js';
export { csvFile, imageFolder, jsonlFile, readBytes } from './node/files.js';
export { fileStore } from './registry/store.js';
