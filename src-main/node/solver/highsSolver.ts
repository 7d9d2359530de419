/**
 * The engine's `MilpSolverPort`, implemented with HiGHS in a worker thread (`highsWorker.ts`).
 *
 * - `createHighsSolver()` → `HighsSolver` (a `MilpSolverPort` plus `close()`); the worker starts at once
 *   and loads HiGHS in the background.
 * - `solver.solve(model, options)` is synchronous, as the engine's ports are: it posts the model to the
 *   worker and blocks on `Atomics.wait` until the worker announces its reply (then reads it with
 *   `receiveMessageOnPort`). The time limit counts from the call: loading HiGHS in a new worker takes
 *   part of it, HiGHS gets the rest as its `time_limit` and stops itself; should it overrun by more than
 *   OVERRUN_GRACE_MS the worker is terminated, the result is `timeLimit` without a solution, and the
 *   next solve starts a fresh worker — so a time limit is always honoured.
 * - `solver.warmUp()` starts the worker (and its HiGHS load) without waiting, so a caller that knows a
 *   solve is coming (the CLI) does not pay the load inside its time limit.
 *
 * Why a worker rather than HiGHS on the calling thread: the hard time limit above (a thread can be
 * terminated, a running WebAssembly call cannot), and isolation — a HiGHS abort leaves the WebAssembly
 * module unusable; here it costs one worker, never the engine.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MilpSolverPort } from '../../engine/index';
import type { MilpModel, MilpResult, MilpSolveOptions } from '../../engine/index';

/** Time HiGHS gets past its own time limit before the worker is stopped. */
const OVERRUN_GRACE_MS = 1_500;
/** Longest wait for HiGHS to load (compile the WebAssembly module) in a new worker. */
const LOAD_TIMEOUT_MS = 20_000;

export interface HighsSolver extends MilpSolverPort {
  close(): void;
  warmUp(): void;
  /** Solver name once loaded (e.g. "HiGHS 1.15.3 (WebAssembly)"). */
  name(): string | undefined;
}

function workerLocation(): { path: string; entry?: string } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    return { path: join(dirname(here), '..', 'workers', 'tsWorkerBootstrap.mjs'), entry: pathToFileURL(join(dirname(here), 'highsWorker.ts')).href };
  }
  const bundled = join(dirname(here), 'highsWorker.js');
  if (existsSync(bundled)) return { path: bundled };
  throw new Error(`HiGHS worker bundle not found next to ${here}`);
}

interface Live { worker: Worker; port: MessagePort; signal: Int32Array; seen: number; ready: boolean; startedAt: number; solver?: string }

export function createHighsSolver(): HighsSolver {
  let live: Live | undefined;
  let nextId = 1;

  const start = (): Live => {
    const where = workerLocation();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(where.path, {
      workerData: { port: port2, signal, ...(where.entry ? { __entry: where.entry } : {}) },
      transferList: [port2],
      stdout: true,
      stderr: true,
    });
    worker.unref();
    port1.unref();
    worker.on('error', () => { /* reported through the signal protocol or the deadline */ });
    return { worker, port: port1, signal, seen: 0, ready: false, startedAt: performance.now() };
  };

  const stop = (w: Live) => {
    void w.worker.terminate();
    w.port.close();
    if (live === w) live = undefined;
  };

  /** Waits for the worker's next reply until `deadline` (performance.now() ms); undefined on timeout. */
  const nextReply = (w: Live, deadline: number): { type: string; [k: string]: unknown } | undefined => {
    for (;;) {
      const queued = receiveMessageOnPort(w.port);
      if (queued) { w.seen++; return queued.message as { type: string }; }
      const remaining = deadline - performance.now();
      if (remaining <= 0) return undefined;
      Atomics.wait(w.signal, 0, w.seen, Math.min(remaining, 250));
    }
  };

  const failure = (message: string, status: MilpResult['status'], wallMs: number, solver = live?.solver ?? 'HiGHS'): MilpResult =>
    ({ status, iterations: 0, nodes: 0, wallMs, solver, message });

  return {
    solve(model: MilpModel, options: MilpSolveOptions): MilpResult {
      const t0 = performance.now();
      const limitMs = options.timeLimitS * 1000;
      if (!live) live = start();
      const w = live;
      while (!w.ready) {
        // Loading counts against the time limit; a load still going on past it is left to finish for the next solve.
        const m = nextReply(w, Math.min(w.startedAt + LOAD_TIMEOUT_MS, t0 + limitMs));
        if (!m) {
          if (performance.now() >= w.startedAt + LOAD_TIMEOUT_MS) { stop(w); return failure('HiGHS did not load in time', 'error', performance.now() - t0); }
          return failure(`HiGHS was still loading when the ${options.timeLimitS} s time limit passed`, 'timeLimit', performance.now() - t0);
        }
        if (m.type === 'ready') { w.ready = true; w.solver = String(m.solver); }
        if (m.type === 'fatal') { stop(w); return failure(String(m.message), 'error', performance.now() - t0); }
      }
      const id = nextId++;
      const remainingS = Math.max(0.05, (t0 + limitMs - performance.now()) / 1000);
      w.port.postMessage({ type: 'solve', id, model, options: { ...options, timeLimitS: remainingS } });
      const deadline = t0 + limitMs + OVERRUN_GRACE_MS;
      for (;;) {
        const m = nextReply(w, deadline);
        if (!m) {
          stop(w);
          return failure(`HiGHS overran its ${options.timeLimitS} s time limit: stopped`, 'timeLimit', performance.now() - t0, w.solver);
        }
        if (m.type === 'result' && m.id === id) return m.result as MilpResult;
        if (m.type === 'fatal') { stop(w); return failure(String(m.message), 'error', performance.now() - t0, w.solver); }
      }
    },
    close() {
      if (live) stop(live);
    },
    warmUp() {
      if (!live) live = start();
    },
    name: () => live?.solver,
  };
}
