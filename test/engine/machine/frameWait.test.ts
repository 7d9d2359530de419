/**
 * A host pool with no free frame left: a guest writing a page for the first time waits for a frame
 * (its vCPU blocks at the faulting instruction, ESX's "low" state) instead of crashing; once frames are
 * free again it goes on and its memory is intact. The wait is counted (notPresent.frameWaits,
 * frameWaitedNs; frameStats().frameWaitNs feeds mem.latency.average) and survives save/restore.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine, runMachine, type Machine } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { labosImage } from '../../helpers/machineHarness';

const MS = 1e6;
const CMD = 'memgrow kib=4096 step_kib=256 period_ms=1 hold=0';

const boot = (pool: HostMemory, monitor = 'interp'): Machine =>
  buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels: 2, monitor, cmdline: CMD, bootNs: 0 }, image: labosImage() }, { hostMemory: pool });

for (const monitor of ['interp', 'bt']) {
  test(`no free frame: the vCPU waits, then goes on when frames are free (${monitor})`, () => {
    const pool = new HostMemory({ capacityBytes: 8 << 20 });
    assert.ok(pool.setHeldFrames('test', 1536), 'hold 6 MiB: the 2 MiB left do not fit the program');
    const m = boot(pool, monitor);
    runMachine(m, { untilNs: 200 * MS });
    assert.equal(pool.freeFrames, 0, 'the pool ran dry');
    assert.notEqual(m.state, 'crashed', m.crash?.reason);
    assert.equal(m.isHalted(0), true, 'the vCPU is blocked');
    assert.equal(m.waitingForPage(0), -1, 'it waits for a frame, not for a page held elsewhere');
    const c = m.counters();
    assert.ok(c['notPresent.frameWaits'] >= 1, JSON.stringify(c['notPresent.frameWaits']));
    // a saved machine keeps the wait
    const restored = buildMachine({ kind: 'restore', state: structuredClone(m.save()) }, { hostMemory: new HostMemory({ capacityBytes: 64 << 20 }) });
    pool.setHeldFrames('test', 0);
    runMachine(m, { untilNs: 1000 * MS });
    assert.equal(m.state, 'off', m.consoleRead(0).text);
    assert.match(m.consoleRead(0).text, /memgrow: holding 4096 KiB, 0 corrupted/);
    assert.equal(m.exitCode, 0);
    assert.ok((m.frameStats().frameWaitNs ?? 0) > 0, 'the time waiting is counted');
    assert.ok(m.counters()['notPresent.frameWaitedNs'] > 0);
    runMachine(restored, { untilNs: 1000 * MS });
    assert.match(restored.consoleRead(0).text, /memgrow: holding 4096 KiB, 0 corrupted/, 'the restored machine, on a roomy host, resumes');
  });
}
