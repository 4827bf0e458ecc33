import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

// Workspace packages resolve to their sources: the page runs without building the packages.
export default defineConfig({
  resolve: {
    alias: [{ find: /^@tessera\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/index.ts` }],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // Two pages (tabs): MNIST training and the RL view (PPO on CartPole).
    rollupOptions: { input: { main: page('index.html'), rl: page('rl.html') } },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
