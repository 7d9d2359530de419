/**
 * Worker-barrier benchmark: what one lockstep barrier costs when hosts run on worker threads — the
 * figure that decides the protocol of "Spreading hosts over worker threads" (docs/ARCHITECTURE.md).
 *
 * Run: `node --import tsx bench/worker-barrier.ts [--rounds 2000] [--repeats 5] [--work-us 0,1000]`. Prints one JSON object.
 * A coordinator drives K worker threads (K = 1, 2, 4) through `rounds` segments; in each segment every
 * worker does `work` (a fixed loop of integer arithmetic, calibrated once to about `--work-us` µs of CPU on
 * this thread, so it is the same instructions in every variant) and then the coordinator learns that
 * all are done. Three ways to hold the barrier:
 *  - `postMessage`: the coordinator posts `{t0, t1}` to each worker and awaits K replies (the engine
 *    loop would have to become asynchronous to use it);
 *  - `atomicsPort`: the same messages, but each side blocks in `Atomics.wait` on a shared counter and
 *    reads the message with `receiveMessageOnPort` — synchronous, as the HiGHS solver port already is;
 *  - `sharedMemory`: no message at all — `{t0, t1}` written into a SharedArrayBuffer, a generation
 *    counter notified, a done counter waited on (reports would travel in the same buffer).
 * `inThread` runs the same work K times in the coordinator's own thread (the one-thread baseline).
 * Per variant: wall µs per round (median of `repeats`) and process CPU µs per round (all threads,
 * `process.cpuUsage`), plus the load average at the start; on a shared machine compare variants by
 * ratios within one run. With `work` 0 the figure is the barrier's own cost.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { loadavg } from 'node:os';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const ROUNDS = Number(arg('rounds', '2000'));
const REPEATS = Number(arg('repeats', '5'));
const WORK_US = arg('work-us', '0,1000').split(',').map(Number);
const KS = arg('workers', '1,2,4').split(',').map(Number);

/** The segment's work: integer arithmetic the JIT cannot drop (its result is returned). */
const WORK_SOURCE = 'function work(n) { let x = 1; for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0; return x; }';
// The same source the workers evaluate, so both sides run identical code.
const work = new Function(`${WORK_SOURCE}; return work;`)() as (n: number) => number;

/** Loop iterations that take about `us` µs of this thread's CPU (median of a few tries; CPU time, so
 *  other processes' load does not shrink the work). */
function calibrate(us: number): number {
  if (us <= 0) return 0;
  const n = 5_000_000;
  work(n); // warm
  const per: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = process.cpuUsage();
    work(n);
    const d = process.cpuUsage(c);
    per.push((d.user + d.system) / n);
  }
  per.sort((a, b) => a - b);
  return Math.max(1, Math.round(us / per[2]));
}

// Worker side of all three variants, one source: the mode arrives in workerData.
const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
${WORK_SOURCE}
const { mode, port, ctl, index } = workerData;
let sink = 0;
if (mode === 'postMessage') {
  port.on('message', (m) => {
    if (m.stop) { port.close(); return; }
    sink ^= work(m.n);
    port.postMessage({ index, t1: m.t1, sink });
  });
} else if (mode === 'atomicsPort') {
  // ctl[0]: generation from the coordinator; ctl[1]: replies counter the coordinator waits on.
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    const m = receiveMessageOnPort(port).message;
    if (m.stop) break;
    sink ^= work(m.n);
    port.postMessage({ index, t1: m.t1, sink });
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
  port.close();
} else {
  // sharedMemory: i32[0] generation, i32[1] done count, i32[2] stop, f64[2..3] t0/t1 (bytes 16–31), i32[8] work n.
  const { i32, f64 } = { i32: ctl, f64: new Float64Array(ctl.buffer) };
  let seen = 0;
  for (;;) {
    Atomics.wait(i32, 0, seen);
    seen = Atomics.load(i32, 0);
    if (Atomics.load(i32, 2) === 1) break;
    const t1 = f64[3];
    sink ^= work(i32[8]) ^ (t1 | 0);
    Atomics.add(i32, 1, 1);
    Atomics.notify(i32, 1);
  }
}
`;

interface Pool { workers: Worker[]; ports: MessagePort[]; ctl: Int32Array }

function startPool(mode: string, k: number): Pool {
  const ctl = new Int32Array(new SharedArrayBuffer(64));
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  for (let i = 0; i < k; i++) {
    const ch = new MessageChannel();
    workers.push(new Worker(WORKER_SOURCE, { eval: true, workerData: { mode, port: ch.port2, ctl, index: i }, transferList: [ch.port2] }));
    ports.push(ch.port1);
  }
  return { workers, ports, ctl };
}

async function stopPool(mode: string, p: Pool): Promise<void> {
  if (mode === 'postMessage') for (const port of p.ports) port.postMessage({ stop: true });
  else if (mode === 'atomicsPort') {
    for (const port of p.ports) port.postMessage({ stop: true });
    Atomics.add(p.ctl, 0, 1);
    Atomics.notify(p.ctl, 0);
  } else {
    Atomics.store(p.ctl, 2, 1);
    Atomics.add(p.ctl, 0, 1);
    Atomics.notify(p.ctl, 0);
  }
  await Promise.all(p.workers.map((w) => new Promise((r) => w.once('exit', r))));
  for (const port of p.ports) port.close();
}

/** Blocks until `k` workers counted themselves done in `ctl[1]`; a worker silent for 30 s fails the run. */
function awaitDone(ctl: Int32Array, k: number, mode: string): void {
  for (let done = 0; (done = Atomics.load(ctl, 1)) < k;) {
    if (Atomics.wait(ctl, 1, done, 30_000) === 'timed-out') throw new Error(`${mode}: ${k - done} of ${k} workers did not finish a round within 30 s`);
  }
}

/** Runs `rounds` barriers; resolves when the last is complete. */
async function runRounds(mode: string, p: Pool, rounds: number, n: number): Promise<void> {
  const k = p.workers.length;
  if (mode === 'postMessage') {
    for (let r = 0; r < rounds; r++) {
      await new Promise<void>((resolve) => {
        let left = k;
        const onReply = (): void => { if (--left === 0) { for (const port of p.ports) port.off('message', onReply); resolve(); } };
        for (const port of p.ports) port.on('message', onReply);
        for (const port of p.ports) port.postMessage({ t0: r * 10, t1: (r + 1) * 10, n });
      });
    }
  } else if (mode === 'atomicsPort') {
    for (let r = 0; r < rounds; r++) {
      Atomics.store(p.ctl, 1, 0);
      for (const port of p.ports) port.postMessage({ t0: r * 10, t1: (r + 1) * 10, n });
      Atomics.add(p.ctl, 0, 1);
      Atomics.notify(p.ctl, 0);
      awaitDone(p.ctl, k, mode);
      for (const port of p.ports) receiveMessageOnPort(port);
    }
  } else {
    const f64 = new Float64Array(p.ctl.buffer);
    p.ctl[8] = n;
    for (let r = 0; r < rounds; r++) {
      Atomics.store(p.ctl, 1, 0);
      f64[2] = r * 10;
      f64[3] = (r + 1) * 10;
      Atomics.add(p.ctl, 0, 1);
      Atomics.notify(p.ctl, 0);
      awaitDone(p.ctl, k, mode);
    }
  }
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const round1 = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  const results: Record<string, unknown>[] = [];
  for (const us of WORK_US) {
    const n = calibrate(us);
    const rounds = us > 0 ? Math.max(50, Math.round(ROUNDS / Math.max(1, us / 50))) : ROUNDS;
    for (const k of KS) {
      const row: Record<string, unknown> = { workUs: us, workers: k, rounds };
      // The one-thread baseline: the same work for K hosts, one after the other, no barrier.
      const inWall: number[] = [];
      const inCpu: number[] = [];
      let sink = 0;
      for (let rep = 0; rep < REPEATS; rep++) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        for (let r = 0; r < rounds; r++) for (let h = 0; h < k; h++) sink ^= work(n);
        inWall.push(Number(process.hrtime.bigint() - t0) / 1000 / rounds);
        const c = process.cpuUsage(c0);
        inCpu.push((c.user + c.system) / rounds);
      }
      row.inThread = { wallUsPerRound: round1(median(inWall)), cpuUsPerRound: round1(median(inCpu)), sink: sink & 1 };
      for (const mode of ['postMessage', 'atomicsPort', 'sharedMemory']) {
        process.stderr.write(`${mode} × ${k}, work ${us} µs…\n`);
        const pool = startPool(mode, k);
        await runRounds(mode, pool, Math.min(rounds, 50), n); // workers started and warm
        const wall: number[] = [];
        const cpu: number[] = [];
        for (let rep = 0; rep < REPEATS; rep++) {
          const c0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          await runRounds(mode, pool, rounds, n);
          wall.push(Number(process.hrtime.bigint() - t0) / 1000 / rounds);
          const c = process.cpuUsage(c0);
          cpu.push((c.user + c.system) / rounds);
        }
        await stopPool(mode, pool);
        row[mode] = { wallUsPerRound: round1(median(wall)), cpuUsPerRound: round1(median(cpu)) };
      }
      results.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
  console.log(JSON.stringify({ benchmark: 'worker-barrier', loadAverageAtStart: load, repeats: REPEATS, results }, null, 2));
}

await main();
