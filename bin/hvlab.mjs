#!/usr/bin/env node
// hvlab launcher: runs the TypeScript CLI through tsx, so `npx hvlab …` works right after `npm install`
// with no build step. The project's tsconfig.json supplies the @shared path alias.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register();
const { main } = await import('../src-main/node/cli.ts');
const code = await main(process.argv.slice(2));
// serve/start keep running (servers hold the event loop); other commands exit with their code.
if (code !== 0) process.exit(code);
