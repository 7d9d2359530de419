// electron-vite build for our non-default layout (architecture guide B3): explicit entries, the engine
// worker as a second main-process bundle, a single CommonJS preload (the window is sandboxed), and the
// renderer from src-renderer/ into out/renderer (the same output browser mode serves).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { cspMeta } from './scripts/cspMeta';

const root = fileURLToPath(new URL('.', import.meta.url));
const r = (p: string) => resolve(root, p);
const shared = { '@shared': r('src-shared') };

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      outDir: r('out/main'),
      rollupOptions: {
        input: {
          main: r('src-main/electron/main.ts'),
          engineWorker: r('src-main/node/workers/engineWorker.ts'),
          // HiGHS for exact placement: a worker started by the engine worker (node/solver/highsSolver.ts).
          highsWorker: r('src-main/node/solver/highsWorker.ts'),
          // A lab's hosts on worker threads (`--workers N`): started by the engine (node/workers/hostWorkerPool.ts).
          hostWorker: r('src-main/node/workers/hostWorker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    build: {
      outDir: r('out/preload'),
      rollupOptions: {
        input: { preload: r('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: r('src-renderer'),
    base: './',
    resolve: { alias: { ...shared, '@renderer': r('src-renderer/src') } },
    plugins: [vue(), cspMeta()],
    // Minified (electron-vite leaves renderer builds unminified by default): the first load parses the entry
    // chunk, and browser mode serves this same build; parts not on the first screen are chunks of their own
    // (src-renderer/src/components/lazyParts.ts).
    build: {
      outDir: r('out/renderer'), emptyOutDir: true, minify: true, chunkSizeWarningLimit: 1024,
      rollupOptions: { input: r('src-renderer/index.html') },
    },
  },
});
