/**
 * Makes sure the built renderer exists and is current before browser mode serves it, so that
 * `npx hvlab serve` works right after `npm install` with no separate build step.
 *
 * - `ensureRendererBuilt(projectRoot)` → the out/renderer path; rebuilds with Vite when index.html is
 *   missing or older than any source under src-renderer/ or src-shared/, the Vite config or the CSP.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtimeMs(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export async function ensureRendererBuilt(projectRoot: string, log: (line: string) => void): Promise<string> {
  const outDir = join(projectRoot, 'out', 'renderer');
  const index = join(outDir, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  // The config, and what puts the Content-Security-Policy into index.html, count as sources too.
  const files = ['vite.renderer.config.ts', 'scripts/cspMeta.ts', 'src-main/node/server/staticFiles.ts'].map((f) => join(projectRoot, f));
  const sources = Math.max(
    newestMtimeMs(join(projectRoot, 'src-renderer')), newestMtimeMs(join(projectRoot, 'src-shared')),
    ...files.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)),
  );
  if (built >= sources && built > 0) return outDir;
  const configFile = join(projectRoot, 'vite.renderer.config.ts');
  if (!existsSync(configFile)) throw new Error(`cannot build the renderer: ${configFile} is missing`);
  log('hvlab: building the renderer (first run or sources changed)…');
  const { build } = await import('vite');
  await build({ configFile, root: join(projectRoot, 'src-renderer'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}
