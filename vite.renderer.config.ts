/**
 * Renderer-only Vite config: builds (or serves) the Vue UI from src-renderer into out/renderer.
 *
 * - Used by `npm run build:renderer`, by `hvlab serve` when out/renderer is missing or stale, and by
 *   `vite` / `vite preview` for UI work without Electron.
 * - Aliases: `@shared` → src-shared (the contract), `@renderer` → src-renderer/src. No `@engine`: the
 *   renderer must never see the engine.
 *
 * Rule: the Content-Security-Policy comes from one definition (scripts/cspMeta.ts): the built
 * index.html carries the Electron policy; browser mode replaces it with its header; the dev server
 * allows inline <style> tags, because Vite injects them for hot reload (builds extract CSS to files).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { cspMeta } from './scripts/cspMeta';

const root = fileURLToPath(new URL('.', import.meta.url));
const r = (p: string): string => resolve(root, p);

export default defineConfig({
  root: r('src-renderer'),
  base: './',
  plugins: [vue(), cspMeta()],
  resolve: {
    alias: {
      '@shared': r('src-shared'),
      '@renderer': r('src-renderer/src'),
    },
  },
  build: {
    outDir: r('out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: r('src-renderer/index.html') },
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
