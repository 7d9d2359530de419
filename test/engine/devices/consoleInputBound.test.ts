// The console input queue is bounded: a client typing into a guest that does not read cannot grow the
// engine without limit. The device refuses input past CONSOLE_INPUT_MAX_BYTES (queuing none of it), and
// `vm.console.send` answers E_BUSY naming params.text; once the guest reads, input is accepted again.
import { API_VERSION } from '../../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CON_DATA, ConsoleDevice } from '../../../src-main/engine/devices/index';
import { CONSOLE_INPUT_MAX_BYTES } from '../../../src-main/engine/params';
import { createEngine } from '../../../src-main/engine/index';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { at, FakeLine } from './fakes';

test('the device refuses input that would pass the bound, whole, and accepts again after reads', () => {
  const c = new ConsoleDevice(new FakeLine());
  const chunk = 'x'.repeat(4096);
  let accepted = 0;
  for (let i = 0; i < 100; i++) if (c.input(chunk)) accepted++;
  assert.equal(accepted, CONSOLE_INPUT_MAX_BYTES / chunk.length);
  assert.equal(c.inQueue.length, CONSOLE_INPUT_MAX_BYTES);
  assert.equal(c.input('y'), false, 'not even one byte more');
  assert.equal(c.metrics.bytesIn, CONSOLE_INPUT_MAX_BYTES, 'refused input is not counted');
  for (let i = 0; i < 10; i++) c.read(CON_DATA, at(0));
  assert.equal(c.input('0123456789'), true);
  assert.equal(c.input('z'), false);
});

test('20,000 vm.console.send of 4 KiB to a real guest: refused with E_BUSY once full, memory bounded', () => {
  const choice = defaultGuestFactory();
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: 'lab-small', seed: 1 });
  engine.handle({ v: API_VERSION, id: 0, kind: 'command', name: 'sim.pause', params: {} });
  const text = 'a'.repeat(4096);
  let ok = 0;
  let busy = 0;
  for (let i = 0; i < 20_000; i++) {
    const r = engine.handle({ v: API_VERSION, id: i + 1, kind: 'command', name: 'vm.console.send', params: { vmId: 'vm-2', text } });
    if (r.ok) ok++;
    else {
      assert.equal(r.error.code, 'E_BUSY');
      assert.equal(r.error.field, 'params.text');
      busy++;
    }
  }
  assert.equal(ok, CONSOLE_INPUT_MAX_BYTES / 4096);
  assert.equal(busy, 20_000 - ok);
  // The lab still runs and the VM is still answering.
  engine.advance(100);
  const vm = engine.handle({ v: API_VERSION, id: 99_999, kind: 'query', name: 'vm.get', params: { vmId: 'vm-2' } });
  assert.ok(vm.ok);
});
