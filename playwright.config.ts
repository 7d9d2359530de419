/**
 * Playwright: browser-mode end-to-end tests against the real server + engine (`test/e2e`), and the
 * Electron tests (`test/e2e-electron`), which skip with a reason where no Electron binary exists.
 *
 * - Global setup starts `node bin/hvlab.mjs serve --port 0 --seed 1` once and passes the printed URL to
 *   the tests in HVLAB_E2E_URL; it stops the server at the end.
 * - Chromium: CHROMIUM_PATH or Debian's /usr/bin/chromium. One worker (the tests share one lab).
 * - Reporter 'list': CI reads its summary line.
 */
import { defineConfig } from '@playwright/test';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  globalSetup: './test/e2e/globalSetup.ts',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  outputDir: 'test-results',
  retries: 0,
  use: {
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    actionTimeout: 15_000,
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'browser', testDir: 'test/e2e', testMatch: /.*\.spec\.ts/ },
    { name: 'electron', testDir: 'test/e2e-electron', testMatch: /.*\.spec\.ts/ },
  ],
});
