// Types of the part of jsfive (a pure-JS HDF5 reader without type declarations) the Keras reader uses.
declare module 'jsfive' {
  export class Dataset {
    readonly shape: number[];
    readonly dtype: string | unknown;
    readonly value: ArrayLike<number>;
  }
  export class Group {
    readonly keys: string[];
    get(path: string): Group | Dataset;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
