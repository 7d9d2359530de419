/**
 * Vitest config for the renderer's store and component tests (test/renderer/**), in happy-dom.
 *
 * Rule: component tests stub Chart.js (happy-dom has no canvas); node-side logic is tested with
 * `node --test` elsewhere, so this config only collects renderer tests.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));
const r = (p: string): string => resolve(root, p);

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: {
      '@shared': r('src-shared'),
      '@renderer': r('src-renderer/src'),
    },
  },
  test: {
    include: ['test/renderer/**/*.test.ts'],
    environment: 'happy-dom',
    pool: 'threads',
    maxWorkers: 1,
  },
});
