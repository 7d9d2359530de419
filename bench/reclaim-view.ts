/**
 * reclaim-view — what the reclaimer's copy of host and VM fields costs the barrier: CPU per host per
 * barrier of `ReclaimViewSender.changed` when nothing changed (the check every `memory.reclaim` barrier
 * makes), and of a change (a new view built and copied with `clonePlain`, as the lab's transport does).
 *
 * Run: `node --import tsx bench/reclaim-view.ts [--vms 8] [--rounds 2000000]`. Prints one JSON object
 * (ns per call, medians of 5 timed batches after one warm-up batch; process CPU time).
 */
import { ReclaimViewSender } from '../src-main/engine/overcommit/index';
import { clonePlain } from '../src-main/engine/sim/index';

const opt = (name: string, def: number): number => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const VMS = opt('vms', 8);
const ROUNDS = opt('rounds', 2_000_000);

const host = { memoryBytes: 64 * 2 ** 30, memoryReclamation: { idleTaxPercent: 50 } };
const ids = Array.from({ length: VMS }, (_, i) => `vm-${i + 1}` as never);
const vms = new Map<string, { memoryBytes: number }>(ids.map((id) => [id, { memoryBytes: 64 << 20 }]));
const vmOf = (id: string): { memoryBytes: number } | undefined => vms.get(id);

const cpuNs = (): number => { const c = process.cpuUsage(); return (c.user + c.system) * 1000; };
const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; };

function batch(rounds: number, change: boolean): number {
  const sender = new ReclaimViewSender();
  let sink = 0;
  const t0 = cpuNs();
  for (let i = 0; i < rounds; i++) {
    if (change) host.memoryBytes ^= 4096; // every call sees a change: a new view, copied
    const v = sender.changed('host-1' as never, host, ids, vmOf);
    if (v) sink += clonePlain(v).generation;
  }
  const ns = (cpuNs() - t0) / rounds;
  if (sink < 0) console.log(sink);
  return ns;
}

const result: Record<string, unknown> = { benchmark: 'reclaim-view', vms: VMS, rounds: ROUNDS };
for (const [name, change, rounds] of [['unchangedNsPerCall', false, ROUNDS], ['changedNsPerCall', true, Math.ceil(ROUNDS / 10)]] as const) {
  batch(rounds, change);
  const runs = Array.from({ length: 5 }, () => batch(rounds, change));
  result[name] = Math.round(median(runs) * 10) / 10;
  result[`${name}Runs`] = runs.map((r) => Math.round(r * 10) / 10);
}
console.log(JSON.stringify(result, null, 2));
