// Node-only entry: file helpers. Import from '@tessera/text/node'.
export { loadTokenizer, loadWordPieceVocab, readTextFile, saveTokenizer } from './node/files.js';
