import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const datasets = process.env.TESSERA_DATASETS ?? fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
/** Characters of Tiny Shakespeare the text tab trains on (the first ones of input.txt). */
const TEXT_CHARS = Number(process.env.TEXT_CHARS ?? 65_536);

// `virtual:shakespeare` is the start of Tiny Shakespeare, read at build time from the datasets
// directory (TESSERA_DATASETS, default ../shared/datasets next to the repository); nothing is
// committed and the page fetches nothing.
function shakespeare(): Plugin {
  const id = 'virtual:shakespeare';
  return {
    name: 'tessera-shakespeare',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const file = `${datasets}/shakespeare/input.txt`;
      const text = readFileSync(file, 'utf8').slice(0, TEXT_CHARS);
      return `export default ${JSON.stringify(text)};`;
    },
  };
}

// Workspace packages resolve to their sources: the page runs without building the packages.
export default defineConfig({
  plugins: [shakespeare()],
  resolve: {
    alias: [{ find: /^@tessera\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/index.ts` }],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // Three pages (tabs): MNIST training, the RL view (PPO on CartPole) and the char-level text model.
    rollupOptions: { input: { main: page('index.html'), rl: page('rl.html'), text: page('text.html') } },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
