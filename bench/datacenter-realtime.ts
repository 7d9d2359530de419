/**
 * Datacenter benchmark: how many VMs running mixed workloads the engine sustains at 1× real time, and
 * the aggregate guest instructions per second at that size.
 *
 * Run: `npx tsx bench/datacenter-realtime.ts [--seconds 20] [--max 4096]`. Prints one JSON object.
 * Lab: hosts of 8 cores at 100 MHz (the built-in labs' teaching clock), 8 one-vCPU VMs per host, mixed
 * per host: 1 × cpu, 1 × memwrite, 1 × io, 5 × idle. For N = 8, 16, 32, … VMs it runs `--seconds` of
 * virtual time as fast as possible and records wall time; "sustained" is the largest N whose run took no
 * more wall time than virtual time.
 *
 * Guest: the real guest machine when `node/guestFactories.ts` provides one; otherwise the fakeGuest test
 * double, which measures only the datacenter layer (scheduler, counters, snapshots-ready state) — the
 * JSON says which in `guest`, and the figure is then an upper bound that real guest execution lowers
 * (and `guestInstructionsPerSecond` is null: the double counts cycles, it executes no instructions).
 * Runs start at virtual time 0 so that the 20 s sample covers the run (its engine.mips gives the
 * instruction rate).
 */
import { createEngine } from '../src-main/engine/index';
import type { GuestFactory } from '../src-main/engine/index';
import { defaultGuestFactory } from '../src-main/node/guestFactories';
import { fakeGuestFactory } from '../test/helpers/fakeGuest';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 20);
const MAX = arg('max', 4096);

const real = defaultGuestFactory();
const factory: GuestFactory = real.factory ?? fakeGuestFactory;
const guest = real.factory ? `real guest machine (${real.name})` : 'fakeGuest test double (no real guest machine in this build): datacenter-layer overhead only';

function scenario(vms: number): unknown {
  const hosts = Math.ceil(vms / 8);
  return {
    version: 1, name: `bench-${vms}`, title: `bench ${vms}`,
    datacenters: [{ clusters: [{ hosts: { count: hosts, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 }, vmsPerHost: [
      // Parameters keep every workload running for the whole measurement (their defaults are finite).
      { count: 1, workload: 'cpu', powerOn: true },
      { count: 1, workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 }, powerOn: true },
      { count: 1, workload: 'io', workloadParams: { rounds: 1000000 }, powerOn: true }, { count: 5, workload: 'idle', powerOn: true },
    ] }] }],
  };
}

function measure(vms: number): { vms: number; wallMs: number; realtimeFactor: number; guestInstructionsPerSecond: number | null } {
  const name = `bench-${vms}`;
  const engine = createEngine({ scenarios: { [name]: { file: name, content: scenario(vms) } }, guestFactory: factory }, { scenario: name, seed: 1 });
  const t0 = performance.now();
  engine.advance(SECONDS * 1000);
  const wallMs = performance.now() - t0;
  const inv = engine.handle({ v: 1, id: 1, kind: 'query', name: 'inventory.get', params: {} });
  let instructions = 0;
  if (inv.ok) {
    for (const h of (inv.result as { hosts: { id: string }[] }).hosts) {
      const r = engine.handle({ v: 1, id: 2, kind: 'query', name: 'metrics.query', params: { entityId: h.id, counters: ['engine.mips.average'], interval: 'realtime', maxSamples: 1 } });
      if (r.ok) instructions += ((r.result as { values: Record<string, (number | null)[]> }).values['engine.mips.average'][0] ?? 0) * 1e6;
    }
  }
  const factor = (SECONDS * 1000) / wallMs;
  // Instructions per wall-clock second; only meaningful when a real guest executes them.
  return {
    vms, wallMs: Math.round(wallMs), realtimeFactor: Math.round(factor * 100) / 100,
    guestInstructionsPerSecond: real.factory ? Math.round(instructions * factor) : null,
  };
}

const runs = [];
let sustained = 0;
for (let n = 8; n <= MAX; n *= 2) {
  const r = measure(n);
  runs.push(r);
  if (r.realtimeFactor >= 1) sustained = n; else break;
}
console.log(JSON.stringify({
  benchmark: 'datacenter-realtime', guest, hostClockMhz: 100, mix: '1 cpu, 1 memwrite, 1 io, 5 idle per 8-core host',
  virtualSecondsPerRun: SECONDS, sustainedVmsAt1x: sustained, runs,
}, null, 2));
