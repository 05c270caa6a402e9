import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `npm run dev` proxies the command API to a running clientbase-devserver (DEV/TEST ONLY).
// Start it with: cargo run -p clientbase-devserver -- --port 5174 --db /tmp/dev.db
const devApi = process.env.CLIENTBASE_DEV_API ?? 'http://127.0.0.1:5174';

export default defineConfig({
  plugins: [svelte()],
  // Relative asset paths: the same dist works under Tauri's custom protocol and the devserver.
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true, proxy: { '/api': devApi } },
  build: { outDir: 'dist', target: 'es2021', sourcemap: false, chunkSizeWarningLimit: 600 },
});
