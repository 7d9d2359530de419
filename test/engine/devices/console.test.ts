/** Console: output readable from any offset (absolute, survives trimming), input queue, IRQ1 while input waits. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CON_CTRL, CON_DATA, CON_STATUS, CONSOLE_KEEP_BYTES, ConsoleDevice, restoreConsole, saveConsole } from '../../../src-main/engine/devices/index';
import { at, FakeLine } from './fakes';

test('output bytes are readable from an offset', () => {
  const c = new ConsoleDevice(new FakeLine());
  for (const ch of 'hello\n') c.write(CON_DATA, ch.charCodeAt(0), at(0));
  assert.deepEqual(c.readOutput(0), { text: 'hello\n', nextOffset: 6 });
  assert.deepEqual(c.readOutput(3), { text: 'lo\n', nextOffset: 6 });
  assert.deepEqual(c.readOutput(6), { text: '', nextOffset: 6 });
  c.write(CON_DATA, 0x141, at(0));
  assert.equal(c.readOutput(6).text, 'A', 'only the low byte is output');
  assert.equal(c.metrics.bytesOut, 7);
});

test('old output is trimmed but offsets stay absolute', () => {
  const c = new ConsoleDevice(new FakeLine());
  const n = CONSOLE_KEEP_BYTES * 2 + 10;
  for (let i = 0; i < n; i++) c.write(CON_DATA, 0x61 + (i % 26), at(0));
  assert.equal(c.outputBytes, n);
  const r = c.readOutput(0);
  assert.equal(r.nextOffset, n);
  assert.ok(r.text.length <= CONSOLE_KEEP_BYTES * 2 && r.text.length > 0);
  assert.equal(c.readOutput(n - 3).text.length, 3);
});

test('input queue: DATA pops bytes (−1 when empty), STATUS bit 0, IRQ1 only while enabled and waiting', () => {
  const irq = new FakeLine();
  const c = new ConsoleDevice(irq);
  assert.equal(c.read(CON_DATA, at(0)), -1);
  assert.equal(c.read(CON_STATUS, at(0)), 2);
  c.input('ab');
  assert.equal(irq.level, false, 'input interrupts are off by default');
  assert.equal(c.read(CON_STATUS, at(0)), 3);
  c.write(CON_CTRL, 1, at(0));
  assert.equal(irq.level, true);
  assert.equal(c.read(CON_DATA, at(0)), 0x61);
  assert.equal(irq.level, true, 'still one byte waiting');
  const saved = structuredClone(saveConsole(c));
  assert.equal(c.read(CON_DATA, at(0)), 0x62);
  assert.equal(irq.level, false);
  assert.equal(c.metrics.emptyReads, 1);
  const r = restoreConsole(new FakeLine(), saved);
  assert.equal(r.read(CON_DATA, at(0)), 0x62, 'the input queue survives save/restore');
  c.input('\u20ac');
  assert.equal(c.read(CON_DATA, at(0)), 0x3f, 'characters above U+00FF become ?');
});
