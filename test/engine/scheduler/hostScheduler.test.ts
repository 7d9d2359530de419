// The per-host CPU scheduler on its own, driven by the fakeGuest test double: ready time under
// overcommit, co-stop for SMP VMs, shares, limits, reservations, halted vCPUs, and 100 % accounting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostScheduler } from '../../../src-main/engine/scheduler/index';
import type { VmCpuPolicy, VmCpuSample } from '../../../src-main/engine/scheduler/index';
import type { VmId } from '../../../src-shared/model/ids';
import { FakeGuest } from '../../helpers/fakeGuest';

const MHZ = 100;
const NORMAL: VmCpuPolicy = { shares: 1000, reservationMhz: 0, limitMhz: -1 };

function guest(vcpus: number, workload: string, params: Record<string, number> = {}): FakeGuest {
  return new FakeGuest({
    vmId: 'vm-x', name: 'x', vcpus, memoryBytes: 64 << 20, guestOs: 'labos', monitor: 'interp', paging: 'shadow',
    pageTableLevels: 2, workload, workloadParams: params, nowNs: 0,
  }, MHZ * 1e6);
}

function run(s: HostScheduler, seconds: number): Map<VmId, VmCpuSample> {
  const q = 10_000_000;
  for (let t = 0; t < seconds * 1e9; t += q) { s.runSegment(t, t + q); s.endGridQuantum(q); }
  return s.sample(seconds * 1e9).vms;
}

const pct = (ns: number, vcpus: number, seconds: number) => (ns / (vcpus * seconds * 1e9)) * 100;

test('overcommitted host: 4 busy 1-vCPU VMs on 2 pCPUs share them and each waits ~50 % ready', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: MHZ });
  for (let i = 1; i <= 4; i++) s.addVm(`vm-${i}`, i, guest(1, 'cpu'), NORMAL, 0, 0);
  const vms = run(s, 2);
  for (const [id, v] of vms) {
    assert.ok(Math.abs(pct(v.runNs, 1, 2) - 50) < 3, `${id} run ${pct(v.runNs, 1, 2)}`);
    assert.ok(Math.abs(pct(v.readyNs, 1, 2) - 50) < 3, `${id} ready ${pct(v.readyNs, 1, 2)}`);
    assert.equal(v.costopNs, 0);
    assert.ok(Math.abs(v.runNs + v.readyNs + v.costopNs + v.waitNs - 2e9) < 1e3, 'states sum to elapsed time');
  }
});

test('host with spare pCPUs: near-zero ready time', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 4, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, guest(2, 'cpu'), { ...NORMAL, shares: 2000 }, 0, 0);
  s.addVm('vm-2', 2, guest(1, 'memwrite'), NORMAL, 0, 0);
  for (const v of run(s, 1).values()) {
    assert.ok(pct(v.readyNs, v.vcpus, 1) < 0.5, `ready ${pct(v.readyNs, v.vcpus, 1)} %`);
    assert.equal(v.costopNs, 0);
  }
});

test('SMP VMs under overcommit accumulate co-stop; states still sum to 100 %', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, guest(2, 'cpu'), { ...NORMAL, shares: 2000 }, 0, 0);
  s.addVm('vm-2', 2, guest(2, 'cpu'), { ...NORMAL, shares: 2000 }, 0, 0);
  s.addVm('vm-3', 3, guest(1, 'cpu'), NORMAL, 0, 0);
  const vms = run(s, 2);
  const smp = vms.get('vm-1')!;
  assert.ok(smp.costopNs > 0.02 * 2 * 2e9, `co-stop ${pct(smp.costopNs, 2, 2)} %`);
  for (const v of vms.values()) assert.ok(Math.abs(v.runNs + v.readyNs + v.costopNs + v.waitNs - v.vcpus * 2e9) < 1e3);
});

test('shares divide a contended pCPU proportionally (2:1)', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, guest(1, 'cpu'), { ...NORMAL, shares: 2000 }, 0, 0);
  s.addVm('vm-2', 2, guest(1, 'cpu'), NORMAL, 0, 0);
  const vms = run(s, 3);
  const ratio = vms.get('vm-1')!.cycles / vms.get('vm-2')!.cycles;
  assert.ok(Math.abs(ratio - 2) < 0.1, `ratio ${ratio}`);
});

test('a limit caps a VM even on an idle host (non-work-conserving); the rest is ready / max-limited', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, guest(1, 'cpu'), { ...NORMAL, limitMhz: 25 }, 0, 0);
  const v = run(s, 2).get('vm-1')!;
  const mhz = v.cycles / 2 / 1e6;
  assert.ok(Math.abs(mhz - 25) < 1, `usage ${mhz} MHz`);
  assert.ok(pct(v.limitedNs, 1, 2) > 70, `max-limited ${pct(v.limitedNs, 1, 2)} %`);
});

test('a reservation is honoured under contention', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, guest(1, 'cpu'), { ...NORMAL, shares: 100, reservationMhz: 60 }, 0, 0);
  s.addVm('vm-2', 2, guest(1, 'cpu'), { ...NORMAL, shares: 4000 }, 0, 0);
  const mhz = run(s, 2).get('vm-1')!.cycles / 2 / 1e6;
  assert.ok(mhz >= 58, `reserved VM got ${mhz} MHz`);
});

test('halted vCPUs consume nothing: an idle VM mostly waits', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, guest(1, 'idle'), NORMAL, 0, 0);
  const v = run(s, 1).get('vm-1')!;
  assert.ok(pct(v.waitNs, 1, 1) > 95, `wait ${pct(v.waitNs, 1, 1)} %`);
  assert.ok(v.cycles > 0 && v.cycles < 0.05 * MHZ * 1e6);
});

test('deterministic: the same setup gives identical accounting', () => {
  const once = () => {
    const s = new HostScheduler({ sockets: 1, coresPerSocket: 2, threadsPerCore: 2, cpuMhz: MHZ });
    s.addVm('vm-1', 1, guest(2, 'cpu'), NORMAL, 0, 0);
    s.addVm('vm-2', 2, guest(2, 'memwrite'), NORMAL, 0, 0);
    s.addVm('vm-3', 3, guest(1, 'cpu'), NORMAL, 0, 0);
    return JSON.stringify([...run(s, 1)]);
  };
  assert.equal(once(), once());
});

/** Like a real guest machine, finishes its current block past the budget it was given (by up to 40 cycles). */
class OvershootingGuest extends FakeGuest {
  private n = 0;
  override runVcpu(index: number, budget: number, nowNs: number): ReturnType<FakeGuest['runVcpu']> {
    const r = super.runVcpu(index, budget, nowNs);
    return r.halted ? r : { ...r, cyclesUsed: r.cyclesUsed + ((this.n++ * 7) % 41) };
  }
}

test('per-quantum usage min/max stay within 0–100 %: a run crossing a quantum end counts in the next one', () => {
  // Busy VMs with a pCPU each (usage near 100 %) whose runs overshoot their budget, crossing the quantum's
  // end by varying amounts, as real guests' runs do.
  const over = (vcpus: number) => new OvershootingGuest({
    vmId: 'vm-x', name: 'x', vcpus, memoryBytes: 64 << 20, guestOs: 'labos', monitor: 'interp', paging: 'shadow',
    pageTableLevels: 2, workload: 'cpu', workloadParams: {}, nowNs: 0,
  }, MHZ * 1e6);
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 6, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, over(1), NORMAL, 0, 0);
  s.addVm('vm-2', 2, over(1), NORMAL, 0, 333_333);
  s.addVm('vm-3', 3, over(2), NORMAL, 0, 777_777);
  s.addVm('vm-4', 4, guest(1, 'io'), NORMAL, 0, 123_457);
  const q = 10_000_000;
  const host = { min: Infinity, max: -Infinity };
  for (let t = 0; t < 3e9; t += q) {
    s.runSegment(t, t + q);
    s.endGridQuantum(q);
    if ((t + q) % 1e9 === 0) {
      const smp = s.sample(t + q);
      for (const [id, v] of smp.vms) {
        assert.ok(v.usageMax <= 100 + 1e-9, `${id}: max ${v.usageMax} %`);
        assert.ok(v.usageMin >= 0 && v.usageMin <= v.usageMax, `${id}: min ${v.usageMin} %`);
      }
      host.min = Math.min(host.min, smp.host.usageMin);
      host.max = Math.max(host.max, smp.host.usageMax);
    }
  }
  assert.ok(host.max <= 100 + 1e-9 && host.min >= 0, `host ${host.min}–${host.max} %`);
});
