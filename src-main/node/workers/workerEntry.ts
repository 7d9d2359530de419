/**
 * workerEntry — where a worker thread's entry file is, for the engine's workers (the engine worker, the
 * host workers): under tsx (development, `npx hvlab`) the TypeScript source started through
 * `tsWorkerBootstrap.mjs` (Node passes no loader hooks to workers), in a build the bundle's `NAME.js` beside
 * this module.
 *
 * Interface: `workerEntryPath(name)` → `{ path, entry? }`: `new Worker(path, { workerData: { ...data, __entry: entry } })`
 * when `entry` is set. Throws when the bundle has no such file.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function workerEntryPath(name: string): { path: string; entry?: string } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    return { path: join(dirname(here), 'tsWorkerBootstrap.mjs'), entry: pathToFileURL(join(dirname(here), `${name}.ts`)).href };
  }
  const bundled = join(dirname(here), `${name}.js`);
  if (existsSync(bundled)) return { path: bundled };
  throw new Error(`${name} worker bundle not found next to ${here}`);
}
