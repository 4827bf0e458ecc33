/** The TypeScript module holding one WebAssembly text source's compiled bytes (base64). */
export declare function compiled(source: { wat: string; name: string }): Promise<string>;
