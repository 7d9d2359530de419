// Lint: the import-boundary table (scripts/eslint/importBoundaries.js) on every layer, plus a few
// correctness rules. TypeScript's own checks run in `npm run typecheck`.
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';
import { importBoundaries } from './scripts/eslint/importBoundaries.js';

const hvlab = { rules: { 'import-boundaries': importBoundaries } };

export default [
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'artifacts/**'] },
  {
    files: ['src-main/**/*.ts', 'src-shared/**/*.ts', 'src-renderer/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { hvlab },
    rules: { 'hvlab/import-boundaries': 'error', 'no-debugger': 'error' },
  },
  {
    files: ['src-renderer/**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } },
    plugins: { hvlab },
    rules: { 'hvlab/import-boundaries': 'error', 'no-debugger': 'error' },
  },
  {
    // The engine is deterministic — scenario + seed reproduce a run — so it reads no wall clock, no Math.random and no timers.
    files: ['src-main/engine/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'use the seeded sim/rng' },
        { object: 'Date', property: 'now', message: 'use the virtual clock' },
        { object: 'performance', property: 'now', message: 'use the virtual clock' }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'no timers in the engine' }, { name: 'setInterval', message: 'no timers in the engine' },
        { name: 'Date', message: 'use the virtual clock' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date']", message: 'use the virtual clock' }],
    },
  },
];
