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

// Resource pools: the root pool's children divide the host by their shares, then a pool's part is
// divided among its VMs. Usage is counted cycles (cpu.usage), never a formula.
const usagePct = (v: VmCpuSample, seconds: number) => (v.cycles / (v.vcpus * MHZ * 1e6 * seconds)) * 100;
const POOL_NORMAL = 4000;
const POOL_HIGH = 8000;
const POOL_LOW = 2000;

test('two pools 4:1 (high vs low) give their busy VMs cpu.usage in the ratio 4:1', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  s.addVm('vm-1', 1, guest(1, 'cpu'), { ...NORMAL, pool: { id: 'resgroup-1', shares: POOL_HIGH } }, 0, 0);
  s.addVm('vm-2', 2, guest(1, 'cpu'), { ...NORMAL, pool: { id: 'resgroup-2', shares: POOL_LOW } }, 0, 0);
  const vms = run(s, 3);
  const ratio = usagePct(vms.get('vm-1')!, 3) / usagePct(vms.get('vm-2')!, 3);
  assert.ok(Math.abs(ratio - 4) < 0.2, `usage ratio ${ratio}`);
});

test('changing a pool\'s shares moves its VM\'s measured cpu.usage toward the new ratio', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  const a = { id: 'resgroup-1', shares: POOL_NORMAL };
  const b = { id: 'resgroup-2', shares: POOL_NORMAL };
  s.addVm('vm-1', 1, guest(1, 'cpu'), { ...NORMAL, pool: a }, 0, 0);
  s.addVm('vm-2', 2, guest(1, 'cpu'), { ...NORMAL, pool: b }, 0, 0);
  const q = 10_000_000;
  const step = (from: number, to: number) => {
    for (let t = from; t < to; t += q) { s.runSegment(t, t + q); s.endGridQuantum(q); }
    return s.sample(to).vms;
  };
  const before = step(0, 2e9);
  const r0 = usagePct(before.get('vm-1')!, 2) / usagePct(before.get('vm-2')!, 2);
  assert.ok(Math.abs(r0 - 1) < 0.1, `equal pools: ratio ${r0}`);
  s.setPolicy('vm-1', { ...NORMAL, pool: { ...a, shares: POOL_HIGH } });
  s.setPolicy('vm-2', { ...NORMAL, pool: { ...b, shares: POOL_LOW } });
  const after = step(2e9, 5e9);
  const r1 = usagePct(after.get('vm-1')!, 3) / usagePct(after.get('vm-2')!, 3);
  assert.ok(Math.abs(r1 - 4) < 0.25, `pool high vs low: ratio ${r1}`);
});

test('a pool\'s part is divided among its own VMs; a VM in the root pool is the pools\' sibling', () => {
  // Root pool: vm-1 (1000 shares) and pool P (4000); P holds vm-2 (1000) and vm-3 (3000).
  // Entitlements on one pCPU: vm-1 1/5, vm-2 4/5 × 1/4 = 1/5, vm-3 4/5 × 3/4 = 3/5.
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  const p = { id: 'resgroup-1', shares: POOL_NORMAL };
  s.addVm('vm-1', 1, guest(1, 'cpu'), NORMAL, 0, 0);
  s.addVm('vm-2', 2, guest(1, 'cpu'), { ...NORMAL, pool: p }, 0, 0);
  s.addVm('vm-3', 3, guest(1, 'cpu'), { ...NORMAL, shares: 3000, pool: p }, 0, 0);
  assert.equal(s.effectiveSharesOf('vm-2'), 1000);
  assert.equal(s.effectiveSharesOf('vm-3'), 3000);
  const vms = run(s, 4);
  const u = (id: VmId) => usagePct(vms.get(id)!, 4);
  assert.ok(Math.abs(u('vm-1') - 20) < 2, `vm-1 ${u('vm-1')} %`);
  assert.ok(Math.abs(u('vm-2') - 20) < 2, `vm-2 ${u('vm-2')} %`);
  assert.ok(Math.abs(u('vm-3') - 60) < 2, `vm-3 ${u('vm-3')} %`);
});

test('pool membership survives save and restore; a save without it reads as the root pool', () => {
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  const g1 = guest(1, 'cpu');
  const g2 = guest(1, 'cpu');
  s.addVm('vm-1', 1, g1, { ...NORMAL, pool: { id: 'resgroup-1', shares: POOL_HIGH } }, 0, 0);
  s.addVm('vm-2', 2, g2, { ...NORMAL, pool: { id: 'resgroup-2', shares: POOL_LOW } }, 0, 0);
  const state = s.save();
  const guests = new Map<VmId, FakeGuest>([['vm-1', g1], ['vm-2', g2]]);
  const r = HostScheduler.restore(s.shape, state, guests as never);
  assert.deepEqual(r.save(), state);
  // Before pools a save held only the VM's own shares per vCPU.
  const old = { ...state, vms: state.vms.map(({ shares: _s, pool: _p, ...v }) => ({ ...v, sharesPerVcpu: 1000 })) };
  const o = HostScheduler.restore(s.shape, old, guests as never);
  o.setPolicy('vm-1', NORMAL);
  assert.equal(o.effectiveSharesOf('vm-1'), 1000);
  assert.equal(o.effectiveSharesOf('vm-2'), 1000);
});

test('a pool\'s limit caps all its VMs together; its reservation is honoured against a heavier sibling', () => {
  // Limit: two busy VMs in a pool limited to 50 MHz on an idle 2-pCPU host use 50 MHz between them.
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: MHZ });
  const capped = { id: 'resgroup-1', shares: POOL_NORMAL, limitMhz: 50 };
  s.addVm('vm-1', 1, guest(1, 'cpu'), { ...NORMAL, pool: capped }, 0, 0);
  s.addVm('vm-2', 2, guest(1, 'cpu'), { ...NORMAL, pool: capped }, 0, 0);
  const vms = run(s, 2);
  const mhz = (vms.get('vm-1')!.cycles + vms.get('vm-2')!.cycles) / 2 / 1e6;
  assert.ok(Math.abs(mhz - 50) < 2, `pool usage ${mhz} MHz`);
  assert.ok(pct(vms.get('vm-1')!.limitedNs, 1, 2) > 40, 'the pool\'s VMs wait, max-limited');

  // Reservation: a low-share pool reserving 60 MHz gets it on one 100 MHz pCPU against a 8000-share VM.
  const r = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: MHZ });
  r.addVm('vm-1', 1, guest(1, 'cpu'), { ...NORMAL, pool: { id: 'resgroup-2', shares: POOL_LOW, reservationMhz: 60 } }, 0, 0);
  r.addVm('vm-2', 2, guest(1, 'cpu'), { ...NORMAL, shares: 8000 }, 0, 0);
  const got = run(r, 2).get('vm-1')!.cycles / 2 / 1e6;
  assert.ok(got >= 58, `reserved pool got ${got} MHz`);
});

test('a throttle and a pool\'s limit keep capping after a policy change and after save and restore', () => {
  // Every way in keeps the caps: a policy change after a throttle, a save and restore, and lifting both.
  const mhzOver = (s: HostScheduler, from: number, seconds: number): Map<VmId, number> => {
    const q = 10_000_000;
    for (let t = from * 1e9; t < (from + seconds) * 1e9; t += q) { s.runSegment(t, t + q); s.endGridQuantum(q); }
    return new Map([...s.sample((from + seconds) * 1e9).vms].map(([id, v]) => [id, v.cycles / seconds / 1e6]));
  };
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: MHZ });
  const g1 = guest(1, 'cpu');
  const g2 = guest(1, 'cpu');
  s.addVm('vm-1', 1, g1, NORMAL, 0, 0);
  s.addVm('vm-2', 2, g2, { ...NORMAL, pool: { id: 'resgroup-1', shares: POOL_NORMAL, limitMhz: 30 } }, 0, 0);
  s.setThrottle('vm-1', 60);
  s.setPolicy('vm-1', { ...NORMAL, shares: 2000 }); // a policy change keeps the throttle
  let mhz = mhzOver(s, 0, 1);
  assert.ok(Math.abs(mhz.get('vm-1')! - 40) < 2, `throttled vm-1 ${mhz.get('vm-1')} MHz`);
  assert.ok(Math.abs(mhz.get('vm-2')! - 30) < 2, `pool-limited vm-2 ${mhz.get('vm-2')} MHz`);
  const r = HostScheduler.restore(s.shape, s.save(), new Map<VmId, FakeGuest>([['vm-1', g1], ['vm-2', g2]]) as never);
  mhz = mhzOver(r, 1, 1);
  assert.ok(Math.abs(mhz.get('vm-1')! - 40) < 2, `restored throttled vm-1 ${mhz.get('vm-1')} MHz`);
  assert.ok(Math.abs(mhz.get('vm-2')! - 30) < 2, `restored pool-limited vm-2 ${mhz.get('vm-2')} MHz`);
  r.setThrottle('vm-1', 0);
  r.setPolicy('vm-2', NORMAL); // out of the pool: no cap left
  mhz = mhzOver(r, 2, 1);
  assert.ok(mhz.get('vm-1')! > 98 && mhz.get('vm-2')! > 98, `uncapped ${[...mhz.values()]} MHz`);
});
