// The fuzz harness: runs a target's cases in a worker thread, watched from here, so a case that never
// finishes is a HANG (the worker is replaced and the run goes on) instead of a stuck test, and a thrown
// exception is a CRASH; each case says whether the input was accepted or refused, and the target's
// oracle flags WRONG ACCEPTS. The report prints cases, accepted, refused, crashes, hangs, wrong accepts
// and the first failures with (seed, index), enough to replay one case alone.
//
// - A target is a module exporting `target: FuzzTarget` (targets/*.ts); `runFuzz(path, opts)` → report.
// - Sizes and seeds (test/README.md): HVLAB_FUZZ_CASES=N cases per suite (default: the suite's),
//   HVLAB_FUZZ_SEED=S (default 1), HVLAB_FUZZ_HANG_MS=T per case (default: the suite's).
// - Adding a fuzzer: write targets/NAME.ts and a NAME.fuzz.test.ts calling runFuzz.
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';

export type Outcome =
  | { kind: 'accepted' }
  | { kind: 'refused'; detail?: string }
  | { kind: 'crash'; detail: string }
  | { kind: 'wrongAccept'; detail: string };

export interface FuzzTarget<C = unknown> {
  name: string;
  /** Once per worker (load sources, build an engine…). */
  setup?(): void | Promise<void>;
  /** Case `index` of the run seeded `seed`: deterministic in (seed, index). */
  run(seed: number, index: number): Outcome | Promise<Outcome>;
  /** For reports: what case (seed, index) was (e.g. its text), shortened. */
  describe?(seed: number, index: number): string;
  readonly _case?: C;
}

export interface FuzzReport {
  suite: string;
  seed: number;
  cases: number;
  accepted: number;
  refused: number;
  crashes: number;
  hangs: number;
  wrongAccepts: number;
  wallMs: number;
  failures: { index: number; kind: string; detail: string }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const BOOTSTRAP = join(here, '../../src-main/node/workers/tsWorkerBootstrap.mjs');

export function fuzzSize(defaultCases: number, defaultHangMs: number): { seed: number; cases: number; hangMs: number } {
  const num = (v: string | undefined, d: number) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : d);
  return { seed: num(process.env.HVLAB_FUZZ_SEED, 1), cases: num(process.env.HVLAB_FUZZ_CASES, defaultCases), hangMs: num(process.env.HVLAB_FUZZ_HANG_MS, defaultHangMs) };
}

/** Runs cases [0, cases) of the target in `targetPath` (relative to test/fuzz) in worker threads. */
export async function runFuzz(targetPath: string, opts: { seed: number; cases: number; hangMs: number }): Promise<FuzzReport> {
  const report: FuzzReport = { suite: targetPath, seed: opts.seed, cases: 0, accepted: 0, refused: 0, crashes: 0, hangs: 0, wrongAccepts: 0, wallMs: 0, failures: [] };
  const t0 = performance.now();
  let next = 0;
  const fail = (index: number, kind: string, detail: string) => { if (report.failures.length < 20) report.failures.push({ index, kind, detail: detail.slice(0, 2000) }); };
  while (next < opts.cases) {
    const start = next;
    await new Promise<void>((resolve) => {
      const worker = new Worker(BOOTSTRAP, {
        workerData: { __entry: pathToFileURL(join(here, 'fuzzWorker.ts')).href, target: pathToFileURL(join(here, targetPath)).href, seed: opts.seed, from: start, to: opts.cases },
        resourceLimits: { maxOldGenerationSizeMb: 1024 },
      });
      let current = start;
      let started = performance.now();
      let setupDone = false;
      const watchdog = setInterval(() => {
        // Setup (loading sources, first compile) gets a generous budget; each case gets hangMs.
        if (performance.now() - started > (setupDone ? opts.hangMs : Math.max(60_000, opts.hangMs))) {
          clearInterval(watchdog);
          report.cases++;
          report.hangs++;
          fail(current, 'hang', `no answer within ${opts.hangMs} ms`);
          next = current + 1;
          void worker.terminate().then(() => resolve());
        }
      }, Math.min(250, opts.hangMs / 4));
      worker.on('message', (m: { type: 'setup' } | { type: 'case'; index: number; outcome: Outcome } | { type: 'done' }) => {
        if (m.type === 'setup') { setupDone = true; started = performance.now(); return; }
        if (m.type === 'done') { clearInterval(watchdog); next = opts.cases; void worker.terminate().then(() => resolve()); return; }
        report.cases++;
        const o = m.outcome;
        if (o.kind === 'accepted') report.accepted++;
        else if (o.kind === 'refused') report.refused++;
        else if (o.kind === 'crash') { report.crashes++; fail(m.index, 'crash', o.detail); }
        else { report.wrongAccepts++; fail(m.index, 'wrong accept', o.detail); }
        current = m.index + 1;
        next = current;
        started = performance.now();
      });
      worker.on('error', (e) => {
        // The worker itself died (out of memory, an uncaught error outside a case): a crash of `current`.
        // Dying in the target's setup would repeat for every case, so it ends the run at once.
        clearInterval(watchdog);
        report.cases++;
        report.crashes++;
        const why = e instanceof Error ? e.message : String(e);
        fail(current, 'crash', setupDone ? `worker died: ${why}` : `the target's setup failed: ${why}`);
        next = setupDone ? current + 1 : opts.cases;
        resolve();
      });
      worker.on('exit', () => { clearInterval(watchdog); resolve(); });
    });
  }
  report.wallMs = Math.round(performance.now() - t0);
  return report;
}

/** Prints the report (one JSON line, for logs and for longer runs) and fails on any crash, hang or wrong accept. */
export function assertClean(report: FuzzReport): void {
  const { failures, ...summary } = report;
  console.log(`fuzz ${JSON.stringify(summary)}`);
  for (const f of failures) console.log(`  seed ${report.seed} case ${f.index}: ${f.kind}: ${f.detail}`);
  assert.equal(report.crashes + report.hangs + report.wrongAccepts, 0, `${report.suite}: ${report.crashes} crashes, ${report.hangs} hangs, ${report.wrongAccepts} wrong accepts (see the cases above)`);
  assert.ok(report.accepted > 0 && report.refused > 0, `${report.suite}: a fuzzer that only accepts or only refuses tests nothing (accepted ${report.accepted}, refused ${report.refused})`);
}
