/**
 * The GuestFactory the lab uses: GuestConfig → Machine (catalogue name or source file, command line
 * from workloadParams, the VM's copy-on-write disk, host clock → virtual time), restore from
 * `save()`, and the catalogue parser.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMachineFactory, GuestCatalogueError, parseGuestCatalogue, commandLine, runMachine, type Machine } from '../../../src-main/engine/machine/index';
import type { GuestConfig } from '../../../src-main/engine/vm/guestFactory';
import { DiskChain } from '../../../src-main/engine/snapshot/index';

const sources = {
  'prog.s': `.include "lib/put.inc"
  .org 0x2000
_start:
  li r1, 0x1020               ; the command line
.l:
  ldb r2, 0(r1)
  cmpi r2, 0
  beq .d
  PUT r2
  addi r1, r1, 1
  j .l
.d:
  li r2, 0x30000              ; one sector from memory to disk sector 1
  li r3, 0x55aa
  stw r3, 0(r2)
  li r3, 1
  out r3, 0x30(r0)
  out r2, 0x31(r0)
  out r3, 0x32(r0)
  li r3, 2
  out r3, 0x33(r0)
.w:
  in r3, 0x34(r0)
  andi r3, r3, 4
  cmpi r3, 0
  beq .w
  out r0, 0xf0(r0)
`,
  'lib/put.inc': `.macro PUT r
  out \\r, 0x20(r0)
.endm
`,
};
const catalogue = parseGuestCatalogue({ guests: [{ name: 'echo', source: 'prog.s', cmdline: 'echo', description: 'prints its command line' }] });

const config = (over: Partial<GuestConfig> = {}): GuestConfig => ({
  vmId: 'vm-1', name: 'VM1', vcpus: 1, memoryBytes: 1 << 20, guestOs: 'labos', monitor: 'interp', paging: 'shadow', pageTableLevels: 2,
  workload: 'echo', workloadParams: { z: 2, a: 1 }, nowNs: 5e9, ...over,
});

test('a catalogue guest boots with its command line + sorted params, on the VM disk, at the host clock', () => {
  const f = createMachineFactory({ sources, catalogue });
  const disk = new DiskChain(1 << 20);
  const g = f(config({ disk }), 100e6, 7) as Machine;
  assert.equal(g.clockHz, 100e6);
  assert.equal(g.vcpuCount, 1);
  const o = runMachine(g, { untilNs: 5e9 + 1e9 });
  assert.equal(o.stoppedBy, 'off');
  assert.equal(g.consoleRead(0).text, 'echo a=1 z=2');
  const out = new Uint8Array(4096);
  disk.read(0, out);
  assert.equal(out[512] | (out[513] << 8), 0x55aa, 'the DMA write landed in the VM\'s DiskChain (sector 1)');
  assert.equal(g.counters()['disk.writes'], 1);
  assert.ok(g.vcpuNowNs(0) > 5e9, 'time starts at the VM\'s nowNs');
  const state = g.save();
  assert.equal(state.devices.disk.contents, null, 'the VM disk is saved by the lab, not in the machine state');
  const r = f(config({ disk, restoreState: state }), 100e6, 7) as Machine;
  assert.equal(r.digest(), g.digest());
  assert.equal(r.state, 'off');
});

test('a source file name works as a workload; unknown guests and bad programs throw for the power-on task', () => {
  const f = createMachineFactory({ sources, catalogue });
  const g = f(config({ workload: 'prog', workloadParams: {} }), 1e9, 1) as Machine;
  runMachine(g);
  assert.equal(g.consoleRead(0).text, 'prog');
  assert.throws(() => f(config({ workload: 'nope' }), 1e9, 1), /unknown guest "nope".*echo/);
  const bad = createMachineFactory({ sources: { 'b.s': ' frob r1\n' }, catalogue: parseGuestCatalogue({ guests: [{ name: 'b', source: 'b.s' }] }) });
  assert.throws(() => bad(config({ workload: 'b' }), 1e9, 1), /b\.s:1:2: error: unknown instruction/);
  assert.throws(() => f(config({ monitor: 'nope' as never }), 1e9, 1), /monitor "nope" is not available/);
});

test('the catalogue parser validates and names the bad field', () => {
  assert.throws(() => parseGuestCatalogue({ guests: [{ name: 'x' }] }, 'g.json'), (e: unknown) => e instanceof GuestCatalogueError && /g\.json: guests\[0\]\.source/.test(e.message));
  assert.throws(() => parseGuestCatalogue({ guests: [{ name: 'x', source: 'a.s' }, { name: 'x', source: 'b.s' }] }), /duplicate guest name "x"/);
  assert.throws(() => parseGuestCatalogue([]), /"guests" array/);
  assert.deepEqual(parseGuestCatalogue({ guests: [{ name: 'x', source: 'a.s' }] }).guests[0], { name: 'x', source: 'a.s', cmdline: 'x', description: '', params: [] });
  assert.equal(commandLine('cpu', { n: 3, iterations: 10 }), 'cpu iterations=10 n=3');
  assert.equal(commandLine('', { a: 1 }), 'a=1');
});
