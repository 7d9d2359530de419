/**
 * Renderer-only Vite config: builds (or serves) the Vue UI from src-renderer into out/renderer.
 *
 * - Used by `npm run build:renderer`, by `hvlab serve` when out/renderer is missing or stale, and by
 *   `vite` / `vite preview` for UI work without Electron.
 * - Aliases: `@shared` → src-shared (the contract), `@renderer` → src-renderer/src. No `@engine`: the
 *   renderer must never see the engine.
 *
 * Rule: the built index.html keeps its strict CSP; only the dev server relaxes style-src, because Vite's
 * dev server injects <style> tags for hot reload (the production build extracts CSS to files).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));
const r = (p: string): string => resolve(root, p);

/** Dev server only: allow the inline <style> tags Vite injects for HMR. */
function devCspRelax(): Plugin {
  return {
    name: 'hvlab-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  root: r('src-renderer'),
  base: './',
  plugins: [vue(), devCspRelax()],
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
