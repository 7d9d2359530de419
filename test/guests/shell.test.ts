/**
 * labos's console shell (labos/shell.s) on a real HV32 machine: bytes queued on the console device
 * (what `vm.console.send` does) are echoed and edited, and the commands answer — help, ps, free,
 * uptime, run, kill, an unknown command — under the interpreter and under every monitor (bt and hw
 * run the same labos image; pv the paravirtualized build), top included — and top refreshing once a
 * second until a key is pressed or for -n N snapshots, also on a tickless idle labos. Without `shell=1` a guest nobody types to
 * prints exactly what it printed before the shell existed (no prompt), and still answers when typed to.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMachine, type Machine } from '../../src-main/engine/machine/index';
import { bootGuest } from '../helpers/machineHarness';
import { API_VERSION } from '../../src-shared/api/channels';
import { createEngine } from '../../src-main/engine/index';
import { loadScenarioSources } from '../../src-main/node/resources';
import { defaultGuestFactory } from '../../src-main/node/guestFactories';

const MS = 1e6;

/** Boots `cmdline`, then types each line and runs 200 virtual ms after it; returns what each line printed. */
function session(cmdline: string, lines: string[], o: { monitor?: string; file?: string } = {}): { m: Machine; boot: string; answers: string[] } {
  const m = bootGuest(cmdline, o);
  let t = 20;
  runMachine(m, { untilNs: t * MS });
  const boot = m.consoleRead(0).text;
  let offset = m.consoleRead(0).nextOffset;
  const answers: string[] = [];
  for (const line of lines) {
    assert.equal(m.consoleInput(line), true, 'the console takes the input');
    t += 200;
    runMachine(m, { untilNs: t * MS });
    const r = m.consoleRead(offset);
    answers.push(r.text);
    offset = r.nextOffset;
  }
  return { m, boot, answers };
}

const PS_ROW = (pid: number, state: string, name: string): RegExp =>
  new RegExp(`^ +${pid} ${state} +0 +(\\d+) +(\\d+\\.\\d{3}) +(\\d+)  ${name}$`, 'm');

for (const [monitor, file] of [['interp', 'labos.s'], ['bt', 'labos.s'], ['hw', 'labos.s'], ['pv', 'labos-pv.s']] as const) {
  test(`shell under ${monitor}: ps, top, run, kill, free, uptime, help, editing and an unknown command`, () => {
    const { m, boot, answers } = session('idle shell=1', [
      'pz\bs\r\n', // Enter as \r\n is one Enter; backspace erases
      'run cpu iterations=0 report=100000000\n',
      'ps\n',
      'top -n 1\n',
      'kill 2\n',
      'ps\n',
      'free\n',
      'uptime\n',
      'help\n',
      'frobnicate now\n',
      'kill 77\n',
      'run sensitive\n',
      'run cpu a=1 b=2 c=3 d=4 e=5 f=6 g=7\n',
      '\n',
    ], { monitor, file });
    assert.match(boot, /running idle\nlabos\$ $/, 'shell=1: the prompt follows the banner');
    const [ps1, run, ps2, top, kill, ps3, free, uptime, help, unknown, kill77, runKernel, tooMany, empty] = answers;

    assert.equal(ps1.split('\n')[0], 'pz\b \bs', 'the typed line is echoed, the erased character taken back');
    assert.match(ps1, /^ {2}PID STATE {4}CPU {5}TICKS {3}TIME\(s\) %CPU {2}NAME$/m);
    assert.match(ps1, PS_ROW(1, 'sleeping', 'idle'));
    assert.ok(ps1.endsWith('labos$ '), 'a prompt after the answer');
    assert.equal(ps1.match(/labos\$ /g)?.length, 1, '\\r\\n is one Enter');

    assert.match(run, /^run: started pid 2 \(cpu\)$/m);
    const row = PS_ROW(2, '(running|ready   )', 'cpu').exec(ps2);
    assert.ok(row, ps2);
    const ticks = Number(row[2]);
    assert.ok(ticks > 100, `the cpu process was charged ticks (${ticks}) in its 200 ms`);
    assert.equal(row[3], (ticks / 1000).toFixed(3), 'CPU time = ticks × 1 ms');
    assert.ok(Number(row[4]) >= 50 && Number(row[4]) <= 100, `%CPU of its lifetime: ${row[4]}`);

    // top: the share of the 200 ms since the ps above (top never ran: since each process started)
    assert.match(top, /^top: CPU over the last \d+\.\d{3} s\n {2}PID %CPU {3}TICKS {2}NAME$/m);
    const cpuTop = /^ +2 +(\d+) +(\d+)  cpu$/m.exec(top);
    assert.ok(cpuTop, top);
    assert.ok(Number(cpuTop[1]) >= 50 && Number(cpuTop[2]) >= ticks, `cpu's share: ${cpuTop[1]} %`);
    assert.match(top, /^ +1 +0 +0  idle$/m, 'the sleeping idle process used none');
    assert.ok(top.endsWith('  cpu\nlabos$ '), `top -n 1: one snapshot, then the prompt at once:\n${top}`);
    assert.match(kill, /^kill: pid 2 \(cpu\) killed$/m);
    assert.doesNotMatch(ps3, /cpu/, 'the killed process is gone');
    assert.match(ps3, PS_ROW(1, 'sleeping', 'idle'));

    const f = /^memory \(4 KiB pages\): RAM 4096, kernel pool (\d+), free (\d+), used (\d+), balloon 0$/m.exec(free);
    assert.ok(f, free);
    assert.equal(Number(f[1]), Number(f[2]) + Number(f[3]), 'pool = free + used + balloon');
    assert.ok(Number(f[3]) > 0 && Number(f[2]) > 3000);

    const u = /^uptime: guest clock (\d+\.\d{3}) s \((\d+) ticks of 1000 us\), host (\d+\.\d{3}) s since power-on; guest (behind|ahead) by (\d+) ms; host time \d\d:\d\d:\d\d UTC$/m.exec(uptime);
    assert.ok(u, uptime);
    assert.equal(Number(u[1]), Number(u[2]) / 1000);
    assert.ok(Number(u[1]) > 1, 'the guest clock counted the ticks');
    assert.ok(Math.abs(Number(u[3]) - Number(u[1])) * 1000 === Number(u[5]), 'the drift is host minus guest');
    assert.ok(Number(u[5]) < 50, `an undisturbed guest keeps time (${u[5]} ms)`);

    assert.match(help, /^ {2}ps +processes/m);
    assert.match(help, /programs: hello cpu memwrite .* selftest$/m);
    assert.doesNotMatch(help, / sensitive/, 'kernel programs are not offered to run');
    assert.match(unknown, /^labos: unknown command 'frobnicate' \(type help for the list\)$/m);
    assert.match(kill77, /^kill: no running process 77$/m);
    assert.match(runKernel, /^run: no program 'sensitive'/m);
    assert.match(tooMany, /^labos: too many words \(at most 8 a line\); nothing was run$/m);
    assert.doesNotMatch(tooMany, /started/);
    assert.equal(empty, '\nlabos$ ', 'an empty line: a new prompt');
    assert.notEqual(m.state, 'off');
  });
}

/** Boots `cmdline` for 20 ms; `type(text, ms)` queues the text, runs `ms` virtual ms more and returns what was printed meanwhile. */
function typist(cmdline: string, o: { monitor?: string; file?: string } = {}): { m: Machine; type: (text: string, ms: number) => string } {
  const m = bootGuest(cmdline, o);
  let t = 20;
  runMachine(m, { untilNs: t * MS });
  let offset = m.consoleRead(0).nextOffset;
  return {
    m,
    type: (text, ms) => {
      if (text) assert.equal(m.consoleInput(text), true, 'the console takes the input');
      t += ms;
      runMachine(m, { untilNs: t * MS });
      const r = m.consoleRead(offset);
      offset = r.nextOffset;
      return r.text;
    },
  };
}

const SNAPSHOT = /^top: CPU over the last (\d+\.\d{3}) s$/gm;

for (const [monitor, file] of [['interp', 'labos.s'], ['pv', 'labos-pv.s']] as const) {
  test(`top under ${monitor} refreshes every second of guest clock until a key is pressed; top -n N prints N, then the prompt`, () => {
    const { m, type } = typist('idle shell=1', { monitor, file });
    type('run cpu iterations=0 report=1000000000\n', 200); // no progress line within the test
    const live = type('top\n', 2500);
    const windows = [...live.matchAll(SNAPSHOT)].map((x) => x[1]);
    assert.equal(windows.length, 3, `a snapshot at once and one a second after it:\n${live}`);
    assert.deepEqual(windows.slice(1), ['1.000', '1.000'], 'each refresh covers the second since the previous one');
    const shares = [...live.matchAll(/^ +2 +(\d+) +(\d+)  cpu$/gm)].slice(1).map((x) => [Number(x[1]), Number(x[2])]);
    for (const [pct, ticks] of shares) assert.ok(pct >= 90 && ticks >= 900 && ticks <= 1000, `the busy process's second: ${pct} %, ${ticks} ticks`);
    assert.doesNotMatch(live, /labos\$/, 'no prompt while top refreshes');

    assert.equal(type('q', 1500), 'labos$ ', 'a key stops top (not echoed, not a command): the prompt, and no more snapshots');
    assert.match(type('ps\n', 200), PS_ROW(2, '(running|ready   )', 'cpu'), 'the shell takes commands again');

    const counted = type('top -n 2\n', 1500);
    assert.equal([...counted.matchAll(SNAPSHOT)].length, 2, counted);
    assert.ok(counted.endsWith('  cpu\nlabos$ '), 'after the second snapshot, the prompt');
    assert.equal(counted.match(/labos\$ /g)?.length, 1);
    assert.equal(type('', 1200), '', 'and nothing more');

    type('top\n', 300);
    assert.equal(type('\r\n', 200), 'labos$ ', 'Enter as \\r\\n stops it once: one prompt, no empty command');
    for (const bad of ['top -n 0', 'top -n', 'top -x 3', 'top -n 2x']) {
      assert.match(type(`${bad}\n`, 200), /^top: usage: top \[-n N\]/m, bad);
    }
    assert.notEqual(m.state, 'off');
  });
}

test('top on an idle tickless labos still refreshes on the second: its next snapshot is a tickless deadline', () => {
  const { type } = typist('idle shell=1');
  const out = type('top -n 3\n', 2500);
  assert.deepEqual([...out.matchAll(SNAPSHOT)].map((x) => x[1]).slice(1), ['1.000', '1.000'], out);
  assert.ok(out.endsWith('labos$ '), out);
});

test('shell=1 keeps labos up when its last process ends; without it labos powers off as before', () => {
  const kept = session('idle shell=1', ['kill 1\n', 'run hello\n']);
  assert.match(kept.answers[0], /kill: pid 1 \(idle\) killed/);
  assert.match(kept.answers[1], /^run: started pid 2 \(hello\)$/m);
  assert.match(kept.answers[1], /hello from labos$/m);
  assert.notEqual(kept.m.state, 'off');

  const plain = session('idle', ['ps\n', 'kill 1\n']);
  assert.doesNotMatch(plain.boot, /labos\$/, 'no prompt unless shell=1');
  assert.match(plain.answers[0], PS_ROW(1, 'sleeping', 'idle'), 'the shell answers without shell=1');
  assert.match(plain.answers[1], /labos: power off, status 247$/m);
  assert.equal(plain.m.state, 'off');
  assert.equal(plain.m.exitCode, 0xf7, 'the first process was killed: status -9');
});

test('a guest nobody types to prints what it printed before the shell (no prompt, same lines)', () => {
  const m = bootGuest('hello');
  runMachine(m, { untilNs: 2000 * MS });
  assert.equal(m.state, 'off');
  assert.deepEqual(m.consoleRead(0).text.split('\n'), [
    'labos: 16384 KiB RAM, 2-level page tables, 1 CPU(s), tick 1000 us, running hello',
    'hello from labos',
    'labos: power off, status 0',
    '',
  ]);
});

test('through the lab: vm.console.send "ps" to a running VM, vm.console.read shows the process list', () => {
  const choice = defaultGuestFactory();
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: 'lab-small', seed: 1 });
  let id = 0;
  const call = (kind: 'command' | 'query', name: string, params: unknown) => engine.handle({ v: API_VERSION, id: ++id, kind, name, params } as never);
  engine.advance(2000);
  const vm = call('query', 'vm.get', { vmId: 'vm-2' });
  assert.ok(vm.ok && (vm.result as { powerState: string }).powerState === 'poweredOn', 'vm-2 runs');
  const before = call('query', 'vm.console.read', { vmId: 'vm-2', fromOffset: 0 });
  assert.ok(before.ok);
  const from = (before.result as { nextOffset: number }).nextOffset;
  const sent = call('command', 'vm.console.send', { vmId: 'vm-2', text: 'ps\n' });
  assert.ok(sent.ok, JSON.stringify(sent));
  engine.advance(2000);
  const after = call('query', 'vm.console.read', { vmId: 'vm-2', fromOffset: from });
  assert.ok(after.ok);
  const text = (after.result as { text: string }).text;
  assert.match(text, /^ {2}PID STATE {4}CPU {5}TICKS/m, text);
  assert.match(text, /^ +1 (running|ready   |sleeping|waiting ) +\d+ +\d+ +\d+\.\d{3} +\d+ {2}\w+$/m, text);
  assert.match(text, /labos\$ /);
});
