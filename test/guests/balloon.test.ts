/**
 * labos's balloon driver on a real HV32 machine (native and paravirtualized builds): the host's
 * target is met page by page from labos's own allocator, the pages given up are numbered in range
 * and distinct, a program asking for the memory the balloon holds is refused and says so (no crash),
 * and a lower target gives the memory back to it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMachine } from '../../src-main/engine/machine/index';
import { bootGuest } from '../helpers/machineHarness';

const MS = 1e6;

for (const file of ['labos.s', 'labos-pv.s']) {
  const monitor = file === 'labos-pv.s' ? 'pv' : 'interp';
  test(`balloon (${file}): inflates to the target, a growing program is refused and reports it, deflate gives the memory back`, () => {
    const m = bootGuest('memgrow kib=6144 step_kib=256 period_ms=20', { memoryMiB: 16, file, monitor });
    runMachine(m, { untilNs: 2 * MS });
    const b = m.balloon;
    assert.ok(b, 'labos registers its balloon driver at boot');
    assert.equal(b.size, 0);
    // the host asks for 13.7 MiB: as the program grows, labos runs out of free memory
    b.target = 3500;
    runMachine(m, { untilNs: 400 * MS });
    const given = b.takeInflated();
    assert.equal(given.length, b.size, 'every page the driver pinned was handed over');
    assert.ok(b.size > 1500 && b.size <= 3500, `the balloon holds what labos could spare (${b.size} pages)`);
    assert.equal(new Set(given).size, given.length, 'no page given twice');
    assert.ok(given.every((g) => g >= 0 && g < m.pageCount), 'every page number is guest memory');
    for (const g of given) m.discardPage(g); // the host takes the frames
    let out = m.consoleRead(0).text;
    assert.match(out, /memgrow: allocation failed at \d+ KiB/, out);
    assert.equal(m.state === 'crashed', false);
    assert.doesNotMatch(out, /holding/);
    // the host lowers the target: the pages come back and the program gets its memory
    b.target = 0;
    runMachine(m, { untilNs: 1200 * MS });
    assert.equal(b.size, 0, 'the balloon deflated');
    out = m.consoleRead(0).text;
    assert.match(out, /memgrow: memory available again at \d+ KiB/, out);
    assert.match(out, /memgrow: holding 6144 KiB, 0 corrupted/, out);
    assert.equal(m.counters()['balloon.refused'] ?? 0, 0);
  });
}
