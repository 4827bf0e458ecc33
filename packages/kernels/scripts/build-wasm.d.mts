/** The TypeScript module holding one WebAssembly text source's compiled bytes (base64), plain and shared-memory variants. */
export declare function compiled(source: { wat: string; name: string }): Promise<string>;
/** The sources, each with the module it becomes and the name of its export. */
export declare const sources: { wat: string; out: string; name: string }[];
