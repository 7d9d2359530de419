/**
 * libvirtCounters — libvirt's statistics (`virsh domstats`, `nodecpustats`, `nodememstats`) mapped to
 * vSphere counter names, in vSphere's units, from two raw samples 20 s apart.
 *
 * - `LIBVIRT_COUNTER_MAP`: every mapping — counter, entity, libvirt source, formula — the one table
 *   docs/real-hosts.md reproduces.
 * - `domainCounters(prev, cur, hostMhz)` / `hostCounters(prev, cur, node)` → counter → value.
 *
 * Rules: a counter is produced only from what libvirt reported for that sample pair: no previous sample
 * (the first one, or the domain just started) gives no rate; a key libvirt did not send (no guest
 * balloon driver, no NIC) gives no counter; a counter a libvirt host cannot give at all (active memory,
 * co-stop, power, …) is never produced. Values are counted, not modelled: rates are deltas over the
 * measured wall-clock time between the two samples.
 */

export interface CounterMapping {
  counter: string;
  entity: 'vm' | 'host';
  source: string;
  formula: string;
}

export const LIBVIRT_COUNTER_MAP: CounterMapping[] = [
  { counter: 'cpu.usage.average', entity: 'vm', source: 'domstats cpu.time (ns, all QEMU threads)', formula: 'Δcpu.time ÷ (Δt × vCPUs) × 100 (%)' },
  { counter: 'cpu.usagemhz.average', entity: 'vm', source: 'domstats cpu.time; nodeinfo CPU frequency', formula: 'Δcpu.time ÷ Δt × host MHz (MHz)' },
  { counter: 'cpu.run.summation', entity: 'vm', source: 'domstats vcpu.N.time (ns)', formula: 'Σ Δvcpu.N.time ÷ 10⁶ (ms in the interval)' },
  { counter: 'cpu.ready.summation', entity: 'vm', source: 'domstats vcpu.N.delay (ns runnable but waiting for a host CPU, from the kernel schedstat, where libvirt reports it)', formula: 'Σ Δvcpu.N.delay ÷ 10⁶ (ms in the interval)' },
  { counter: 'mem.consumed.average', entity: 'vm', source: 'domstats balloon.rss (KiB resident in the QEMU process)', formula: 'balloon.rss (KB)' },
  { counter: 'mem.granted.average', entity: 'vm', source: 'domstats balloon.current (KiB the guest may use)', formula: 'balloon.current (KB)' },
  { counter: 'mem.vmmemctl.average', entity: 'vm', source: 'domstats balloon.maximum, balloon.current (only when the guest\'s balloon driver reports)', formula: 'balloon.maximum − balloon.current (KB)' },
  { counter: 'mem.usage.average', entity: 'vm', source: 'domstats balloon.available, balloon.unused (reported by the guest\'s balloon driver)', formula: '(available − unused) ÷ available × 100 (%)' },
  { counter: 'disk.read.average', entity: 'vm', source: 'domstats block.N.rd.bytes', formula: 'Σ Δrd.bytes ÷ Δt ÷ 1024 (KBps)' },
  { counter: 'disk.write.average', entity: 'vm', source: 'domstats block.N.wr.bytes', formula: 'Σ Δwr.bytes ÷ Δt ÷ 1024 (KBps)' },
  { counter: 'disk.usage.average', entity: 'vm', source: 'domstats block.N.rd.bytes, block.N.wr.bytes', formula: 'read + write (KBps)' },
  { counter: 'disk.numberReadAveraged.average', entity: 'vm', source: 'domstats block.N.rd.reqs', formula: 'Σ Δrd.reqs ÷ Δt (requests/s)' },
  { counter: 'disk.numberWriteAveraged.average', entity: 'vm', source: 'domstats block.N.wr.reqs', formula: 'Σ Δwr.reqs ÷ Δt (requests/s)' },
  { counter: 'disk.totalReadLatency.average', entity: 'vm', source: 'domstats block.N.rd.times (ns), rd.reqs', formula: 'Σ Δrd.times ÷ Σ Δrd.reqs ÷ 10⁶ (ms; only when there were reads)' },
  { counter: 'disk.totalWriteLatency.average', entity: 'vm', source: 'domstats block.N.wr.times (ns), wr.reqs', formula: 'Σ Δwr.times ÷ Σ Δwr.reqs ÷ 10⁶ (ms; only when there were writes)' },
  { counter: 'net.received.average', entity: 'vm', source: 'domstats net.N.rx.bytes', formula: 'Σ Δrx.bytes ÷ Δt ÷ 1024 (KBps)' },
  { counter: 'net.transmitted.average', entity: 'vm', source: 'domstats net.N.tx.bytes', formula: 'Σ Δtx.bytes ÷ Δt ÷ 1024 (KBps)' },
  { counter: 'net.usage.average', entity: 'vm', source: 'domstats net.N.rx.bytes, net.N.tx.bytes', formula: 'received + transmitted (KBps)' },
  { counter: 'net.packetsRx.summation', entity: 'vm', source: 'domstats net.N.rx.pkts', formula: 'Σ Δrx.pkts (packets in the interval)' },
  { counter: 'net.packetsTx.summation', entity: 'vm', source: 'domstats net.N.tx.pkts', formula: 'Σ Δtx.pkts (packets in the interval)' },
  { counter: 'net.droppedRx.summation', entity: 'vm', source: 'domstats net.N.rx.drop', formula: 'Σ Δrx.drop (packets in the interval)' },
  { counter: 'net.droppedTx.summation', entity: 'vm', source: 'domstats net.N.tx.drop', formula: 'Σ Δtx.drop (packets in the interval)' },
  { counter: 'cpu.usage.average', entity: 'host', source: 'nodecpustats user, system, idle, iowait (ns, all CPUs)', formula: '(Δuser + Δsystem) ÷ (Δuser + Δsystem + Δidle + Δiowait) × 100 (%)' },
  { counter: 'cpu.usagemhz.average', entity: 'host', source: 'nodecpustats; nodeinfo CPU(s), CPU frequency', formula: 'usage ÷ 100 × CPUs × MHz (MHz)' },
  { counter: 'cpu.totalCapacity.average', entity: 'host', source: 'nodeinfo CPU(s), CPU frequency', formula: 'CPUs × MHz (MHz)' },
  { counter: 'mem.consumed.average', entity: 'host', source: 'nodememstats total, free, buffers, cached (KiB)', formula: 'total − free − buffers − cached (KB)' },
  { counter: 'mem.usage.average', entity: 'host', source: 'nodememstats', formula: 'consumed ÷ total × 100 (%)' },
  { counter: 'mem.totalCapacity.average', entity: 'host', source: 'nodememstats total', formula: 'total ÷ 1024 (MB)' },
];

export interface DomainRaw {
  /** Wall-clock ms when the sample was taken. */
  timeMs: number;
  stats: Record<string, string>;
}

export interface HostRaw {
  timeMs: number;
  cpu: { user: number; system: number; idle: number; iowait: number };
  mem: { total: number; free: number; buffers: number; cached: number };
}

const num = (stats: Record<string, string>, key: string): number | undefined => {
  const v = stats[key];
  if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  return Number(v);
};

/** Σ over indexed devices (`block.N.<field>`, `vcpu.N.<field>`) of cur − prev; undefined when no device has both. */
function deltaSum(prev: Record<string, string>, cur: Record<string, string>, group: string, field: string): number | undefined {
  const count = num(cur, `${group}.count`) ?? num(cur, `${group}.current`);
  if (count === undefined) return undefined;
  let sum = 0;
  let any = false;
  for (let i = 0; i < count; i++) {
    const a = num(prev, `${group}.${i}.${field}`);
    const b = num(cur, `${group}.${i}.${field}`);
    // Same device in both samples (names must match: a hot-plug renumbers them), counter not reset.
    if (a === undefined || b === undefined || b < a) continue;
    if (prev[`${group}.${i}.name`] !== cur[`${group}.${i}.name`]) continue;
    sum += b - a;
    any = true;
  }
  return any ? sum : undefined;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function domainCounters(prev: DomainRaw | undefined, cur: DomainRaw, hostMhz: number): Record<string, number> {
  const out: Record<string, number> = {};
  const s = cur.stats;
  const rss = num(s, 'balloon.rss');
  const current = num(s, 'balloon.current');
  const maximum = num(s, 'balloon.maximum');
  if (rss !== undefined) out['mem.consumed.average'] = rss;
  if (current !== undefined) out['mem.granted.average'] = current;
  const available = num(s, 'balloon.available');
  const unused = num(s, 'balloon.unused');
  if (available !== undefined && unused !== undefined && available > 0) out['mem.usage.average'] = round(((available - unused) / available) * 100);
  // Only a balloon device can hold memory back; without one, balloon.current is just the configured size.
  if (maximum !== undefined && current !== undefined && available !== undefined) out['mem.vmmemctl.average'] = maximum - current;
  if (!prev) return out;
  const dtS = (cur.timeMs - prev.timeMs) / 1000;
  if (!(dtS > 0)) return out;
  const p = prev.stats;
  const cpuA = num(p, 'cpu.time');
  const cpuB = num(s, 'cpu.time');
  const vcpus = num(s, 'vcpu.current');
  if (cpuA !== undefined && cpuB !== undefined && cpuB >= cpuA) {
    const cpuS = (cpuB - cpuA) / 1e9;
    if (vcpus && vcpus > 0) out['cpu.usage.average'] = round(Math.min(100, (cpuS / (dtS * vcpus)) * 100));
    if (hostMhz > 0) out['cpu.usagemhz.average'] = round((cpuS / dtS) * hostMhz, 0);
  }
  const run = deltaSumVcpu(p, s, 'time');
  if (run !== undefined) out['cpu.run.summation'] = round(run / 1e6, 0);
  const ready = deltaSumVcpu(p, s, 'delay');
  if (ready !== undefined) out['cpu.ready.summation'] = round(ready / 1e6, 0);
  const rdB = deltaSum(p, s, 'block', 'rd.bytes');
  const wrB = deltaSum(p, s, 'block', 'wr.bytes');
  if (rdB !== undefined) out['disk.read.average'] = round(rdB / dtS / 1024);
  if (wrB !== undefined) out['disk.write.average'] = round(wrB / dtS / 1024);
  if (rdB !== undefined && wrB !== undefined) out['disk.usage.average'] = round((rdB + wrB) / dtS / 1024);
  const rdR = deltaSum(p, s, 'block', 'rd.reqs');
  const wrR = deltaSum(p, s, 'block', 'wr.reqs');
  if (rdR !== undefined) out['disk.numberReadAveraged.average'] = round(rdR / dtS);
  if (wrR !== undefined) out['disk.numberWriteAveraged.average'] = round(wrR / dtS);
  const rdT = deltaSum(p, s, 'block', 'rd.times');
  const wrT = deltaSum(p, s, 'block', 'wr.times');
  if (rdT !== undefined && rdR) out['disk.totalReadLatency.average'] = round(rdT / rdR / 1e6);
  if (wrT !== undefined && wrR) out['disk.totalWriteLatency.average'] = round(wrT / wrR / 1e6);
  const rx = deltaSum(p, s, 'net', 'rx.bytes');
  const tx = deltaSum(p, s, 'net', 'tx.bytes');
  if (rx !== undefined) out['net.received.average'] = round(rx / dtS / 1024);
  if (tx !== undefined) out['net.transmitted.average'] = round(tx / dtS / 1024);
  if (rx !== undefined && tx !== undefined) out['net.usage.average'] = round((rx + tx) / dtS / 1024);
  const pairs: [string, string][] = [['rx.pkts', 'net.packetsRx.summation'], ['tx.pkts', 'net.packetsTx.summation'], ['rx.drop', 'net.droppedRx.summation'], ['tx.drop', 'net.droppedTx.summation']];
  for (const [field, counter] of pairs) {
    const d = deltaSum(p, s, 'net', field);
    if (d !== undefined) out[counter] = d;
  }
  return out;
}

/** vCPU entries carry no `name`: match by index over `vcpu.current`. */
function deltaSumVcpu(prev: Record<string, string>, cur: Record<string, string>, field: string): number | undefined {
  const count = num(cur, 'vcpu.current');
  if (count === undefined) return undefined;
  let sum = 0;
  let any = false;
  for (let i = 0; i < count; i++) {
    const a = num(prev, `vcpu.${i}.${field}`);
    const b = num(cur, `vcpu.${i}.${field}`);
    if (a === undefined || b === undefined || b < a) continue;
    sum += b - a;
    any = true;
  }
  return any ? sum : undefined;
}

export function hostCounters(prev: HostRaw | undefined, cur: HostRaw, node: { cpus: number; mhz: number }): Record<string, number> {
  const out: Record<string, number> = {};
  const m = cur.mem;
  const consumed = m.total - m.free - m.buffers - m.cached;
  out['mem.consumed.average'] = consumed;
  if (m.total > 0) out['mem.usage.average'] = round((consumed / m.total) * 100);
  out['mem.totalCapacity.average'] = Math.round(m.total / 1024);
  out['cpu.totalCapacity.average'] = node.cpus * node.mhz;
  if (!prev || !(cur.timeMs > prev.timeMs)) return out;
  const d = (k: keyof HostRaw['cpu']) => cur.cpu[k] - prev.cpu[k];
  const busy = d('user') + d('system');
  const total = busy + d('idle') + d('iowait');
  if (total > 0 && busy >= 0) {
    const usage = (busy / total) * 100;
    out['cpu.usage.average'] = round(usage);
    out['cpu.usagemhz.average'] = Math.round((usage / 100) * node.cpus * node.mhz);
  }
  return out;
}
