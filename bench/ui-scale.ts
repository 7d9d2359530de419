/**
 * UI scale benchmark: a 2,000-VM lab in Chromium — load time, select-object and switch-tab latencies.
 *
 * Run: `npx tsx bench/ui-scale.ts [--vms 2000] [--hosts 20] [--samples 25] [--scenario NAME] [--profile DIR] [--screenshot FILE] [--port N] [--cpu]`
 * (`--profile DIR`: Chromium CPU profiles of the load, the selections and the tab switches, as
 * DIR/{load,select,tabs}.cpuprofile, for Chromium's DevTools or `node bench/profile-summary.mjs FILE`;
 * `--screenshot FILE`: a PNG of the Monitor tab at the end, once its charts are drawn; `--cpu`: also the
 * page's main-thread CPU time from navigation to the load — the thread time of its tasks in a Chromium
 * trace of the load, a figure the machine's load does not stretch as it does wall time; the trace's own
 * overhead is in it)
 * Prints one JSON object. `loadMs` is what a user waits for when the page opens: navigation → the
 * inventory tree and the first selected object's tab (its Summary) showing their content; `loadParts`
 * splits it: the tree shown, the app's first request (script fetched, parsed, run), the outline's and the
 * whole inventory's asked/answered times and sizes as the page's WebSocket saw them, the whole inventory
 * in (`inventoryInMs`: what the other tabs wait for), and the script and style bytes fetched by then. All
 * load times are taken inside the page (clock: navigation start) by a script the benchmark adds before
 * the page's own (it watches the DOM each frame and the page's WebSocket), so the benchmark runs nothing
 * in the page while it loads (Playwright's own page script, compiled on its first wait, costs hundreds
 * of ms of main thread). Selection and tab latencies are measured inside the page with performance marks:
 * from just before the click to the first animation frame after the new object / tab is in the DOM (a
 * tab: its content, so a tab whose code loads on first use counts until that code has rendered).
 *
 * Without --scenario it writes an inventory-only scenario (hosts × VMs, all powered off, paused
 * clock) into a temporary resources folder and points the server at it with HVLAB_RESOURCES, so the
 * benchmark does not depend on scenario files in resources/. Requires the built renderer (the server
 * builds it when missing) and Chromium (CHROMIUM_PATH or /usr/bin/chromium).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
};
const VMS = Number(arg('vms', '2000'));
const HOSTS = Number(arg('hosts', '20'));
const SAMPLES = Number(arg('samples', '25'));
let scenario = arg('scenario', '');
const PROFILE_DIR = arg('profile', '');
const SCREENSHOT = arg('screenshot', '');
const CPU = process.argv.includes('--cpu');
/** The server's port (0: any free one). */
const PORT = arg('port', '0');

function writeScenario(): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-bench-'));
  mkdirSync(join(dir, 'scenarios'));
  const guests = join(ROOT, 'resources', 'guests');
  if (existsSync(guests)) symlinkSync(guests, join(dir, 'guests'));
  const name = `ui-scale-${VMS}`;
  const perHost = Math.ceil(VMS / HOSTS);
  writeFileSync(join(dir, 'scenarios', `${name}.yaml`), [
    'version: 1', `name: ${name}`, `title: UI scale (${VMS} VMs)`, 'description: Inventory-only lab for the UI benchmark.',
    'datacenters:', '  - name: DC0', '    clusters:', '      - name: DC0_C0', '        hosts:', `          count: ${HOSTS}`,
    '          sockets: 2', '          coresPerSocket: 16', '          cpuMhz: 2400', '          memoryGiB: 512',
    '        vmsPerHost:', `          count: ${perHost}`, '          vcpus: 1', '          memoryMiB: 64', '',
  ].join('\n'));
  return { dir, name };
}

const round = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x));

/** One answer as the page's WebSocket saw it (ms from navigation start; bytes of the frame). */
interface Answer { id?: number; askedAt?: number; answeredAt?: number; bytes?: number }
/** What the page saw while loading (ms from navigation start). */
interface LoadSeen {
  firstRequestAt?: number; treeAt: number; shownAt: number; inventoryInAt: number;
  outline: Answer; get: Answer;
}

/**
 * Runs in the page before its own scripts: records the first request and the inventory queries' answers
 * on the page's WebSocket, and each frame checks for the tree (a host row and the object header) and the
 * selected object's tab content (not a placeholder); once both show and the whole inventory has arrived,
 * it hands what it saw to the benchmark (`hvlabLoadSeen`). Page code: no imports, no closures over Node.
 */
function watchLoad(): void {
  const w = window as unknown as { hvlabLoadSeen?: (r: unknown) => void; WebSocket: typeof WebSocket };
  const r: { firstRequestAt?: number; treeAt?: number; shownAt?: number; inventoryInAt?: number; outline: Answer; get: Answer } = { outline: {}, get: {} };
  const byName: Record<string, Answer> = { 'inventory.outline': r.outline, 'inventory.get': r.get };
  const Base = w.WebSocket;
  w.WebSocket = class extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        for (const a of [r.outline, r.get]) {
          if (a.id === undefined || a.answeredAt !== undefined || !e.data.startsWith(`{"id":${a.id},`)) continue;
          a.answeredAt = performance.now();
          a.bytes = e.data.length;
        }
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string') {
        r.firstRequestAt ??= performance.now();
        const m = JSON.parse(data) as { id?: number; name?: string };
        const a = m.name ? byName[m.name] : undefined;
        if (a && a.id === undefined) { a.id = m.id; a.askedAt = performance.now(); }
      }
      super.send(data);
    }
  };
  const tick = (): void => {
    const now = performance.now();
    const tree = document.querySelectorAll('[data-kind=host]').length > 0 && !!document.querySelector('[data-testid=object-name]');
    if (tree) r.treeAt ??= now;
    const panel = document.querySelector('[role=tabpanel]');
    const content = !!panel && panel.childElementCount > 0 && !panel.querySelector('[data-testid=inventory-arriving], [data-testid=inventory-failed], [data-testid=lazy-loading]');
    if (tree && content) r.shownAt ??= now;
    if (r.get.answeredAt !== undefined) r.inventoryInAt ??= now;
    if (r.shownAt !== undefined && r.inventoryInAt !== undefined) w.hvlabLoadSeen?.(r);
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * The page's main-thread CPU from navigation to `untilMs` in a Chromium trace (JSON): the thread time
 * (`tdur`) of the top-level tasks of the renderer thread that navigated to `url`, with the count of tasks.
 */
function mainThreadCpu(trace: Buffer, url: string, untilMs: number): { cpuMs: number; wallBusyMs: number; tasks: number } {
  type Ev = { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; cat?: string; args?: { data?: { documentLoaderURL?: string; url?: string } } };
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: Ev[] } | Ev[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const origin = new URL(url).origin;
  const nav = events.filter((e) => e.name === 'navigationStart' && (e.args?.data?.documentLoaderURL ?? '').startsWith(origin)).sort((a, b) => b.ts - a.ts)[0];
  if (!nav) return { cpuMs: NaN, wallBusyMs: NaN, tasks: 0 };
  const end = nav.ts + untilMs * 1000;
  let cpu = 0;
  let wall = 0;
  let tasks = 0;
  for (const e of events) {
    if (e.pid !== nav.pid || e.tid !== nav.tid || e.ph !== 'X' || e.name !== 'RunTask') continue;
    if (e.ts < nav.ts || e.ts > end) continue;
    cpu += (e.tdur ?? 0) / 1000;
    wall += (e.dur ?? 0) / 1000;
    tasks++;
  }
  return { cpuMs: Math.round(cpu), wallBusyMs: Math.round(wall), tasks };
}

function stats(xs: number[]): { median: number; p95: number; max: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const r = (n: number) => Math.round(n * 10) / 10;
  return { median: r(at(0.5)), p95: r(at(0.95)), max: r(s[s.length - 1]), n: s.length };
}

async function main(): Promise<void> {
  let tmp: string | undefined;
  const env = { ...process.env };
  if (!scenario) {
    const w = writeScenario();
    tmp = w.dir;
    scenario = w.name;
    env.HVLAB_RESOURCES = w.dir;
  }
  const server = spawn(process.execPath, ['bin/hvlab.mjs', 'serve', '--port', PORT, '--seed', '1', '--scenario', scenario, '--paused', '--no-autosave'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL from hvlab serve:\n${out}`)), 180_000);
    const on = (c: Buffer) => {
      out += c.toString();
      const m = /hvlab: serving the lab at (\S+)/.exec(out);
      if (m) { clearTimeout(t); resolve(m[1]); }
    };
    server.stdout.on('data', on);
    server.stderr.on('data', on);
    server.on('exit', (code) => { clearTimeout(t); reject(new Error(`hvlab serve exited (${code}):\n${out}`)); });
  });
  server.removeAllListeners('exit');
  server.stdout.resume();
  server.stderr.resume();

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx (esbuild keepNames) wraps named closures in __name(); give the page a no-op for them.
    await page.addInitScript('window.__name = (f) => f;');
    const cdp: CDPSession | null = PROFILE_DIR ? await page.context().newCDPSession(page) : null;
    const profile = async (name: string | null): Promise<void> => {
      if (!cdp) return;
      if (name) {
        const { profile: p } = await cdp.send('Profiler.stop');
        mkdirSync(PROFILE_DIR, { recursive: true });
        writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(p));
      }
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    };
    // The load, watched from inside the page (see the header); the page reports it through a binding.
    let loaded!: (r: LoadSeen) => void;
    const seen = new Promise<LoadSeen>((resolve) => { loaded = resolve; });
    await page.exposeFunction('hvlabLoadSeen', (r: LoadSeen) => loaded(r));
    await page.addInitScript(watchLoad);
    await profile(null);
    if (CPU) await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'blink.user_timing', 'loading'] });
    await page.goto(url);
    const load = await Promise.race([seen, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page did not load in 120 s')), 120_000).unref())]);
    const loadMs = load.shownAt;
    const loadCpu = CPU ? mainThreadCpu(await browser.stopTracing(), url, loadMs) : null;
    // Script and style the page had fetched by then (decoded bytes): what the first paint had to parse.
    const fetchedAtLoad = await page.evaluate((until) => {
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const sum = (re: RegExp) => entries.filter((e) => re.test(e.name) && e.startTime <= until).reduce((n, e) => n + e.decodedBodySize, 0);
      return { scriptBytes: sum(/\.js(\?|$)/), styleBytes: sum(/\.css(\?|$)/) };
    }, loadMs);
    await profile('load');

    // Selections and tab switches are measured on a settled page: the object tabs' code the client fetches
    // in idle time after the load has arrived (no new script or style for 1 s, at most 20 s), so a round
    // whose whole inventory came later does not measure its prefetch instead of its clicks.
    const settleMs = await page.evaluate(async () => {
      const t0 = performance.now();
      const fetched = () => performance.getEntriesByType('resource').filter((e) => /\.(js|css)(\?|$)/.test(e.name)).length;
      let n = fetched();
      let quietSince = performance.now();
      while (performance.now() - quietSince < 1000 && performance.now() - t0 < 20_000) {
        await new Promise((r) => setTimeout(r, 100));
        const m = fetched();
        if (m !== n) { n = m; quietSince = performance.now(); }
      }
      return performance.now() - t0;
    });

    // Expand every host so that the tree holds all VMs (virtualized: only visible rows are in the DOM).
    const expandMs = await page.evaluate(async () => {
      const t0 = performance.now();
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-kind=host][aria-expanded=false] [data-testid^=tree-toggle-]'))) el.click();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    });
    const rowsInDom = await page.evaluate(() => document.querySelectorAll('[role=treeitem]').length);

    // Select-object latency: click a VM row, wait for its name in the object header.
    const select = await page.evaluate(async (n) => {
      const out: number[] = [];
      const tree = document.querySelector<HTMLElement>('[role=tree]')!;
      for (let i = 0; i < n; i++) {
        tree.scrollTop = Math.floor(((i * 7919) % 997) / 997 * (tree.scrollHeight - tree.clientHeight));
        tree.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const rows = Array.from(document.querySelectorAll<HTMLElement>('[data-kind=vm]')).filter((r) => !r.classList.contains('selected'));
        const row = rows[Math.floor(rows.length / 2)];
        if (!row) continue;
        const name = row.dataset.name!;
        performance.mark(`sel-start-${i}`);
        row.click();
        await new Promise<void>((resolve) => {
          const check = () => (document.querySelector('[data-testid=object-name]')?.textContent === name ? resolve() : requestAnimationFrame(check));
          requestAnimationFrame(check);
        });
        performance.mark(`sel-end-${i}`);
        out.push(performance.measure(`select-${i}`, `sel-start-${i}`, `sel-end-${i}`).duration);
      }
      return out;
    }, SAMPLES);

    await profile('select');
    // Switch-tab latency on a VM: Summary ⇄ Monitor ⇄ Configure ⇄ Snapshots.
    const tabs = await page.evaluate(async (n) => {
      const keys = ['monitor', 'configure', 'snapshots', 'summary'];
      const out: number[] = [];
      const perTab: Record<string, number[]> = {};
      for (let i = 0; i < n; i++) {
        const key = keys[i % keys.length];
        const btn = document.querySelector<HTMLElement>(`[data-testid=tab-${key}]`);
        if (!btn) continue;
        performance.mark(`tab-start-${i}`);
        btn.click();
        await new Promise<void>((resolve) => {
          // The tab's own content, not only its frame: a tab whose code is fetched on first use counts
          // until that code has arrived and rendered (the loading placeholder does not count).
          const shown = () => {
            const panel = document.querySelector(`[data-testid=tab-content-${key}]`);
            return !!panel && panel.childElementCount > 0 && !panel.querySelector('[data-testid=lazy-loading]');
          };
          const check = () => (shown() ? resolve() : requestAnimationFrame(check));
          requestAnimationFrame(check);
        });
        performance.mark(`tab-end-${i}`);
        const d = performance.measure(`tab-${i}`, `tab-start-${i}`, `tab-end-${i}`).duration;
        out.push(d);
        (perTab[key] ??= []).push(d);
      }
      return { out, perTab };
    }, SAMPLES);
    if (cdp) {
      const { profile: p } = await cdp.send('Profiler.stop');
      writeFileSync(join(PROFILE_DIR, 'tabs.cpuprofile'), JSON.stringify(p));
    }
    // The Monitor tab as it looks once its chunk (Chart.js) is in and the charts have drawn.
    if (SCREENSHOT) {
      await page.getByTestId('tab-monitor').click();
      // No chart after a minute: the picture shows what there is instead (the figures above stand).
      await page.locator('[data-testid=tab-content-monitor] canvas, [data-testid=lazy-failed]').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
      await page.waitForTimeout(500);
      await page.screenshot({ path: SCREENSHOT });
    }

    console.log(JSON.stringify({
      benchmark: 'ui-scale', scenario, vms: VMS, hosts: HOSTS, chromium: browser.version(),
      loadMs: Math.round(loadMs),
      // The load's parts (ms from navigation start, the page's clock; null when not seen).
      loadParts: {
        treeShownMs: round(load.treeAt), firstRequestMs: round(load.firstRequestAt),
        outlineAskedMs: round(load.outline.askedAt), outlineAnsweredMs: round(load.outline.answeredAt), outlineBytes: load.outline.bytes ?? null,
        inventoryAskedMs: round(load.get.askedAt), inventoryAnsweredMs: round(load.get.answeredAt), inventoryBytes: load.get.bytes ?? null,
        inventoryInMs: round(load.inventoryInAt), ...fetchedAtLoad,
      },
      ...(loadCpu ? { loadMainThreadCpuMs: loadCpu.cpuMs, loadMainThreadBusyMs: loadCpu.wallBusyMs, loadMainThreadTasks: loadCpu.tasks } : {}),
      settleMs: Math.round(settleMs), expandAllHostsMs: Math.round(expandMs), treeRowsInDom: rowsInDom,
      selectObjectMs: stats(select), switchTabMs: stats(tabs.out),
      switchTabMsByTab: Object.fromEntries(Object.entries(tabs.perTab).map(([k, v]) => [k, stats(v)])),
    }, null, 2));
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
