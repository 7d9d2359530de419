// Conformance: every pyvmomi example of the practical (examples/) runs unchanged against the lab and
// against VMware's govmomi simulator (its ESX model), and the shapes of the answers are compared —
// types, property paths, task states, fault types; not the values. Differences that are the
// simulator's errors are asserted as such (docs/vim25.md, "Where the simulator differs").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TaskDto } from '../../src-shared/model/task';
import type { MetricSeriesDto } from '../../src-shared/model/metrics';
import type { InventoryDto } from '../../src-shared/model/inventory';
import type { LabPeer, SimulatorPeer } from './helpers/peers';
import { ROOT, pyvmomiAvailable, runPython, simulatorBinary, startLab, startSimulator } from './helpers/peers';

const HAVE_PYVMOMI = pyvmomiAvailable();
let lab: LabPeer | undefined;
let sim: SimulatorPeer | undefined;
let simSkip: string | undefined;

before(async () => {
  if (!HAVE_PYVMOMI) return;
  lab = await startLab({ speed: 10 });
  const bin = simulatorBinary();
  if (bin.path) sim = await startSimulator(bin.path, ['-model', 'esx']);
  else simSkip = bin.skip;
  // Real-time samples exist once 20 s of lab time have passed.
  for (let i = 0; i < 200; i++) {
    const s = await lab.link.request<MetricSeriesDto>('metrics.query', { entityId: 'host-1', counters: ['cpu.usagemhz.average'], interval: 'realtime' });
    if (s.timestampsMs.length > 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
after(async () => { await lab?.close(); await sim?.close(); });

type Json = Record<string, unknown>;

async function example(name: string, port: number, password: string, extra: string[] = []): Promise<{ code: number; json?: Json; stderr: string }> {
  const r = await runPython(join(ROOT, 'examples', name), ['127.0.0.1', 'root', password, '--port', String(port), '--json', ...extra]);
  let json: Json | undefined;
  try { json = JSON.parse(r.stdout) as Json; } catch { json = undefined; }
  return { code: r.code, json, stderr: r.stderr };
}

const onLab = (name: string, extra?: string[]) => example(name, lab!.endpoint.port, lab!.endpoint.password!, extra);
const onSim = (name: string, extra?: string[]) => example(name, sim!.port, 'any', extra);

/** The shape of a JSON value: keys and primitive types, arrays by their first element. */
function shape(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (typeof v === 'object') return Object.fromEntries(Object.keys(v as Json).sort().map((k) => [k, shape((v as Json)[k])]));
  return typeof v;
}

function withSimulator(t: { skip(m: string): void }): boolean {
  if (sim) return true;
  const why = `govmomi simulator half skipped: ${simSkip ?? 'not started'}`;
  console.log(`# ${why}`);
  t.skip(why);
  return false;
}

test('pyvmomi is here (python3-pyvmomi, run with /usr/bin/python3)', (t) => {
  if (!HAVE_PYVMOMI) { console.log('# pyvmomi missing: apt-get install python3-pyvmomi'); t.skip('pyvmomi is not installed'); return; }
  assert.ok(HAVE_PYVMOMI);
});

test('host_info.py: the same host fields, with the lab\'s hardware', { skip: !HAVE_PYVMOMI }, async (t) => {
  const l = await onLab('host_info.py');
  assert.equal(l.code, 0, l.stderr);
  const hosts = l.json!.hosts as Json[];
  assert.equal(hosts.length, 2);
  assert.deepEqual(hosts.map((h) => [h.numCpuPkgs, h.numCpuCores, h.cpuMhz, h.memorySize]), [[1, 4, 100, 8 * 2 ** 30], [1, 4, 100, 8 * 2 ** 30]]);
  assert.ok((hosts[0].overallCpuUsage as number) > 0, 'quick stats are counted: powered-on VMs use CPU');
  if (!withSimulator(t)) return;
  const s = await onSim('host_info.py');
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(shape((l.json!.hosts as Json[])[0]), shape((s.json!.hosts as Json[])[0]));
  // The lab is a datacenter (several hosts, clusters): VirtualCenter; the simulator's ESX model is a HostAgent.
  assert.equal((l.json!.about as Json).apiType, 'VirtualCenter');
  assert.equal((s.json!.about as Json).apiType, 'HostAgent');
});

test('list_vms.py: the same VM fields and device record shapes', { skip: !HAVE_PYVMOMI }, async (t) => {
  const l = await onLab('list_vms.py');
  assert.equal(l.code, 0, l.stderr);
  const vms = l.json!.vms as Json[];
  assert.equal(vms.length, 6);
  const types = new Set((vms[0].devices as Json[]).map((d) => d.type));
  for (const t2 of ['vim.vm.device.VirtualDisk', 'vim.vm.device.VirtualE1000', 'vim.vm.device.VirtualLsiLogicController', 'vim.vm.device.VirtualSerialPort']) assert.ok(types.has(t2), t2);
  if (!withSimulator(t)) return;
  const s = await onSim('list_vms.py');
  assert.equal(s.code, 0, s.stderr);
  const norm = (v: Json) => ({ ...(shape(v) as Json), ipAddress: 'string|null', uptimeSeconds: 'number|null' });
  assert.deepEqual(norm(vms[0]), norm((s.json!.vms as Json[])[0]));
});

test('list_counters.py: counters shared with vSphere have the same units and stats types', { skip: !HAVE_PYVMOMI }, async (t) => {
  const l = await onLab('list_counters.py');
  assert.equal(l.code, 0, l.stderr);
  const lc = l.json!.counters as Record<string, Json>;
  assert.ok(Object.keys(lc).length >= 40);
  assert.deepEqual((l.json!.intervals as Json[]).map((i) => i.samplingPeriod), [300, 1800, 7200, 86400]);
  assert.equal(l.json!.refreshRate, 20);
  const samples = l.json!.samples as Record<string, number[]>;
  assert.ok(samples['cpu.usagemhz.average'].length >= 1, 'real-time samples counted by the engine');
  if (!withSimulator(t)) return;
  const s = await onSim('list_counters.py');
  assert.equal(s.code, 0, s.stderr);
  const sc = s.json!.counters as Record<string, Json>;
  const shared = Object.keys(lc).filter((n) => sc[n]);
  assert.ok(shared.length >= 25, `${shared.length} counters in common`);
  const differ = shared.filter((n) => lc[n].unit !== sc[n].unit || lc[n].stats !== sc[n].stats);
  assert.deepEqual(differ, [], 'units and stats types agree with the recorded vSphere catalogue');
  assert.deepEqual(Object.keys(samples).sort(), Object.keys(s.json!.samples as Json).sort());
  // Simulator error: an ESXi has one historical interval (300 s, "PastDay"); the simulator lists none.
  assert.deepEqual(s.json!.intervals, []);
});

test('power.py: the same task states and power states; the lab raises InvalidPowerState where ESXi does', { skip: !HAVE_PYVMOMI }, async (t) => {
  const l = await onLab('power.py', ['--vm', 'DC0_C0_H0_VM0']);
  assert.equal(l.code, 0, l.stderr);
  const steps = l.json!.steps as Json[];
  assert.deepEqual(steps.map((x) => x.state ?? x.fault), ['success', 'success', 'success', 'success', 'InvalidPowerState']);
  assert.deepEqual(steps.slice(0, 4).map((x) => x.powerState), ['poweredOn', 'suspended', 'poweredOn', 'poweredOff']);
  // The operations are the lab's own tasks, started by the API user (what Recent Tasks shows).
  const tasks = await lab!.link.request<TaskDto[]>('tasks.list', { entityId: 'vm-1' });
  const mine = tasks.filter((x) => x.initiator === 'root').map((x) => x.operation);
  for (const op of ['vm.powerOn', 'vm.suspend', 'vm.powerOff']) assert.ok(mine.includes(op), op);
  if (!withSimulator(t)) return;
  const s = await onSim('power.py');
  assert.equal(s.code, 0, s.stderr);
  const ss = s.json!.steps as Json[];
  assert.deepEqual(ss.slice(0, 4).map((x) => [x.state, x.powerState]), steps.slice(0, 4).map((x) => [x.state, x.powerState]));
  // Simulator error: suspending a powered-off VM succeeds there; ESXi raises InvalidPowerState.
  assert.equal(ss[4].fault, null);
});

test('snapshots.py: create, revert, remove with WaitForTask; the task entity is the VM', { skip: !HAVE_PYVMOMI }, async (t) => {
  const l = await onLab('snapshots.py', ['--vm', 'DC0_C0_H1_VM0']);
  assert.equal(l.code, 0, l.stderr);
  const steps = l.json!.steps as Json[];
  assert.deepEqual(steps[0], { step: 'create', state: 'success', entity: 'VirtualMachine', result: 'VirtualMachineSnapshot' });
  assert.deepEqual(steps[1], { step: 'tree', tree: [{ name: 'before-lab', depth: 0, state: 'poweredOff' }], current: true });
  assert.deepEqual(steps[2], { step: 'revert', state: 'success', entity: 'VirtualMachine' });
  assert.deepEqual(steps[3], { step: 'remove', state: 'success', snapshotLeft: false });
  if (!withSimulator(t)) return;
  const s = await onSim('snapshots.py');
  // Simulator error: its snapshot task's info.entity is the snapshot, not the VM, and pyvmomi's
  // WaitForTask fails parsing it. Asserted so that a fixed simulator is noticed.
  assert.notEqual(s.code, 0);
  assert.match(s.stderr, /ParserError/);
});

test('migrate.py: the lab migrates the VM live (MigrateVM_Task → vm.migrate); the simulator has no vMotion', { skip: !HAVE_PYVMOMI }, async (t) => {
  // vMotion moves a running VM: pick one that runs (power one on if none does).
  let inv = await lab!.link.request<InventoryDto>('inventory.get', {});
  let vm = inv.vms.find((v) => v.powerState === 'poweredOn' && !v.isTemplate);
  if (!vm) {
    const first = inv.vms.find((v) => !v.isTemplate)!;
    await lab!.link.request('vm.powerOn', { vmId: first.id });
    for (let i = 0; i < 100 && !vm; i++) {
      await new Promise((r) => setTimeout(r, 100));
      inv = await lab!.link.request<InventoryDto>('inventory.get', {});
      vm = inv.vms.find((v) => v.id === first.id && v.powerState === 'poweredOn');
    }
  }
  assert.ok(vm, 'a powered-on VM');
  const l = await onLab('migrate.py', ['--vm', vm.name]);
  assert.equal(l.code, 0, l.stderr);
  assert.equal(l.json!.fault, undefined, String(l.json!.message));
  assert.equal(l.json!.state, 'success');
  assert.notEqual(l.json!.from, l.json!.to);
  assert.equal(l.json!.now, l.json!.to);
  if (!withSimulator(t)) return;
  const s = await onSim('migrate.py');
  assert.equal(s.code, 0, s.stderr);
  // The simulator's ESX model (a standalone host) has no vMotion at all.
  assert.equal(s.json!.fault, 'MethodNotFound');
});
