// Which paging a lab VM runs (@shared/model/mmuVirtualization): the monitor × paging table, the nested ⇒ hw
// rule, and lab VMs booted through the real machine factory (resources/guests), whose machine counters show
// the paging that ran: shadow-paging events under bt, 2-D walk references under hw + nested, none under interp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePaging, pagingProblem, validPaging } from '../../../src-shared/model/mmuVirtualization';
import { MONITOR_KINDS, PAGING_MODES, type MonitorKind, type PagingMode } from '../../../src-shared/model/inventory';
import type { GuestFactory } from '../../../src-main/engine/index';
import type { Machine } from '../../../src-main/engine/machine/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { harness, vmByName, type Harness } from '../../helpers/labHarness';

test('effectivePaging: interp and pv native, te and bt shadow, hw the VM setting', () => {
  const expected: Record<MonitorKind, Record<PagingMode, string>> = {
    interp: { shadow: 'native', nested: 'native' },
    pv: { shadow: 'native', nested: 'native' },
    te: { shadow: 'shadow', nested: 'shadow' },
    bt: { shadow: 'shadow', nested: 'shadow' },
    hw: { shadow: 'shadow', nested: 'nested' },
  };
  for (const m of MONITOR_KINDS) for (const p of PAGING_MODES) assert.equal(effectivePaging(m, p), expected[m][p], `${m} + ${p}`);
});

test('pagingProblem: nested paging needs the hw monitor; shadow is accepted everywhere', () => {
  for (const m of MONITOR_KINDS) {
    assert.equal(pagingProblem(m, 'shadow'), undefined, `${m} + shadow`);
    if (m === 'hw') assert.equal(pagingProblem(m, 'nested'), undefined);
    else assert.match(pagingProblem(m, 'nested') ?? '', /nested paging is hardware two-dimensional paging: it needs the hw monitor/, m);
    assert.equal(validPaging(m, 'nested'), m === 'hw' ? 'nested' : 'shadow', `${m}: what a form falls back to`);
  }
});

// ----------------------------------------------------------------------------------------- lab VMs
const realFactory = defaultGuestFactory().factory!;

/** A one-host lab whose VM `vm` boots the real labos `pagetable` guest; `machines` records what the factory built. */
function labWith(monitor: MonitorKind, paging: PagingMode, workload = 'pagetable'): { h: Harness; machines: Machine[] } {
  const machines: Machine[] = [];
  const factory: GuestFactory = (config, hz, seed) => {
    const g = realFactory(config, hz, seed) as Machine;
    machines.push(g);
    return g;
  };
  const h = harness({
    version: 1, name: 'mmu', title: 'mmu',
    datacenters: [{
      name: 'DC', clusters: [{ name: 'C', hosts: [{ name: 'esx-1' }] }],
      vms: [{ name: 'vm', host: 'esx-1', monitor, paging, workload, workloadParams: workload === 'pagetable' ? { pages: 16, rounds: 5 } : {}, powerOn: true }],
    }],
  }, 1, factory);
  return { h, machines };
}

function pagingCounters(m: Machine): Record<string, number> {
  return Object.fromEntries(Object.entries(m.counters()).filter(([k, v]) => k.startsWith('paging.') && v !== 0));
}

test('a bt + shadow lab VM runs shadow paging: hidden faults, shadow fills, traced page-table writes', () => {
  const { h, machines } = labWith('bt', 'shadow');
  h.advance(1500);
  assert.equal(machines.length, 1);
  const m = machines[0];
  assert.deepEqual(m.config.paging, { mode: 'shadow' }, 'only the mode is set');
  assert.equal(m.state, 'off', 'the guest ran to completion');
  const p = pagingCounters(m);
  assert.ok(p['paging.shadowHiddenFaults'] > 0, JSON.stringify(p));
  assert.ok(p['paging.shadowEntriesFilled'] > 0, JSON.stringify(p));
  assert.ok(p['paging.ptWriteTraps'] > 0, JSON.stringify(p));
  assert.equal(p['paging.nestedWalkRefs'], undefined, 'no 2-D walks');
});

test('an hw + nested lab VM runs 2-D walks; hw + shadow runs shadow paging', () => {
  const nested = labWith('hw', 'nested');
  nested.h.advance(1500);
  const n = nested.machines[0];
  assert.deepEqual(n.config.paging, { mode: 'nested' });
  assert.equal(n.state, 'off');
  const pn = pagingCounters(n);
  assert.ok(pn['paging.nestedWalkRefs'] > 0 && pn['paging.guestWalkRefs'] > 0, JSON.stringify(pn));
  assert.equal(pn['paging.shadowHiddenFaults'], undefined, 'no shadow tables');

  const shadow = labWith('hw', 'shadow');
  shadow.h.advance(1500);
  const ps = pagingCounters(shadow.machines[0]);
  assert.ok(ps['paging.shadowHiddenFaults'] > 0, JSON.stringify(ps));
  assert.equal(ps['paging.nestedWalkRefs'], undefined);
  assert.equal(shadow.machines[0].consoleRead(0).text, n.consoleRead(0).text, 'the guest sees the same machine either way');
});

test('interp and pv lab VMs run native paging whatever the setting (bare hardware; direct paging)', () => {
  for (const monitor of ['interp', 'pv'] as const) {
    const { h, machines } = labWith(monitor, 'shadow');
    h.advance(1500);
    const m = machines[0];
    assert.equal(m.config.paging, undefined, `${monitor}: no paging options, i.e. native`);
    assert.equal(m.state, 'off', monitor);
    assert.deepEqual(pagingCounters(m), {}, `${monitor}: no memory-virtualization events`);
  }
});

test('a suspended shadow-paging VM resumes with shadow paging (the saved machine carries its config)', () => {
  const { h, machines } = labWith('bt', 'shadow', 'idle');
  h.advance(500);
  const vm = vmByName(h, 'vm');
  h.run('vm.suspend', { vmId: vm.id });
  h.run('vm.powerOn', { vmId: vm.id });
  assert.equal(machines.length, 2, 'booted, then rebuilt from the saved state');
  assert.deepEqual(machines[1].config.paging, { mode: 'shadow' });
  const before = pagingCounters(machines[0])['paging.shadowHiddenFaults'];
  assert.ok(before > 0, 'labos booted under shadow paging');
  assert.ok(pagingCounters(machines[1])['paging.shadowHiddenFaults'] >= before, 'the restored CPUs carry on with their shadow counters');
});
