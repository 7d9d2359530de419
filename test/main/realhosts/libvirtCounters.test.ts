// libvirt statistics → vSphere counters: the formulas of LIBVIRT_COUNTER_MAP on a recorded domstats
// block and a second one 20 s later; nothing produced that libvirt did not report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { domainCounters, hostCounters, parseDomstats, LIBVIRT_COUNTER_MAP } from '../../../src-main/node/backends/libvirt/index';

const fx = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/virsh/${name}`, import.meta.url)), 'utf8');

test('rates from two samples 20 s apart; absolute values from the latest; nothing invented', () => {
  const a = parseDomstats(fx('domstats-running.txt'));
  const b: Record<string, string> = { ...a };
  const add = (k: string, d: number) => { b[k] = String(Number(a[k]) + d); };
  add('cpu.time', 2e9);            // 2 s of CPU in 20 s on 1 vCPU → 10 %
  add('vcpu.0.time', 1.5e9);       // 1,500 ms run
  add('vcpu.0.delay', 30e6);       // 30 ms ready
  add('block.0.rd.bytes', 20 * 1024 * 1024); // 1 MiB/s → 1024 KBps
  add('block.0.rd.reqs', 400);
  add('block.0.rd.times', 400 * 2e6);        // 2 ms per read
  const prev = { timeMs: 1_000_000, stats: a };
  const cur = { timeMs: 1_020_000, stats: b };
  const v = domainCounters(prev, cur, 2000);
  assert.equal(v['cpu.usage.average'], 10);
  assert.equal(v['cpu.usagemhz.average'], 200);
  assert.equal(v['cpu.run.summation'], 1500);
  assert.equal(v['cpu.ready.summation'], 30);
  assert.equal(v['disk.read.average'], 1024);
  assert.equal(v['disk.write.average'], 0);
  assert.equal(v['disk.usage.average'], 1024);
  assert.equal(v['disk.numberReadAveraged.average'], 20);
  assert.equal(v['disk.totalReadLatency.average'], 2);
  assert.equal(v['disk.totalWriteLatency.average'], undefined, 'no writes: no write latency');
  assert.equal(v['mem.consumed.average'], Number(b['balloon.rss']));
  assert.equal(v['mem.usage.average'], undefined, 'no guest balloon driver');
  assert.equal(v['net.usage.average'], undefined, 'no NIC');
  for (const name of Object.keys(v)) assert.ok(LIBVIRT_COUNTER_MAP.some((m) => m.counter === name && m.entity === 'vm'), `${name} is documented`);
});

test('the first sample has no rates; a counter that went backwards (a restart) gives none', () => {
  const a = parseDomstats(fx('domstats-running.txt'));
  assert.deepEqual(Object.keys(domainCounters(undefined, { timeMs: 0, stats: a }, 2000)).sort(), ['mem.consumed.average', 'mem.granted.average']);
  const back = { ...a, 'cpu.time': '1' };
  assert.equal(domainCounters({ timeMs: 0, stats: a }, { timeMs: 20_000, stats: back }, 2000)['cpu.usage.average'], undefined);
});

test('host: usage from nodecpustats deltas, memory from nodememstats', () => {
  const mem = { total: 1000, free: 300, buffers: 100, cached: 100 };
  const prev = { timeMs: 0, cpu: { user: 0, system: 0, idle: 0, iowait: 0 }, mem };
  const cur = { timeMs: 20_000, cpu: { user: 30e9, system: 10e9, idle: 60e9, iowait: 0 }, mem };
  const v = hostCounters(prev, cur, { cpus: 2, mhz: 2000 });
  assert.deepEqual(v, {
    'mem.consumed.average': 500, 'mem.usage.average': 50, 'mem.totalCapacity.average': 1, 'cpu.totalCapacity.average': 4000,
    'cpu.usage.average': 40, 'cpu.usagemhz.average': 1600,
  });
  for (const name of Object.keys(v)) assert.ok(LIBVIRT_COUNTER_MAP.some((m) => m.counter === name && m.entity === 'host'), `${name} is documented`);
});
