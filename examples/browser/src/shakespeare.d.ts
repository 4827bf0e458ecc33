declare module 'virtual:shakespeare' {
  /** The first characters of Tiny Shakespeare (input.txt), inlined at build time by vite.config.ts. */
  const text: string;
  export default text;
}
