// VirtualMachine.layoutEx through pyvmomi: the VM's files (vmx, vmsd, nvram, each disk's descriptor and
// flat extent at its capacity), and with a snapshot its .vmsn and delta files, the disk chains through
// them and the snapshot's layout — sizes adding up to what the Storage view counts as provisioned;
// the same fields, with the same types, as VMware's govmomi simulator gives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { InventoryDto, SnapshotTreeDto } from '../../src-shared/model/inventory';
import type { TaskDto } from '../../src-shared/model/task';
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
});
after(async () => { await lab?.close(); await sim?.close(); });

interface FileInfo { key: number; name: string; type: string; size: number; uniqueSize: number; accessible: boolean }
interface DiskLayout { key: number; chain: number[][] }
interface Layout { file: FileInfo[]; disk: DiskLayout[]; snapshot: { key: string; keyType: string; dataKey: number; memoryKey: number; disk: DiskLayout[] }[]; timestamp: string }
interface Read { vm: string; name: string; disks: { key: number; fileName: string; capacityInBytes: number }[]; before: Layout; snapshot?: string; with?: Layout; after?: Layout }

async function read(port: number, password: string, extra: string[]): Promise<Read> {
  const r = await runPython(join(ROOT, 'test', 'vim25', 'scripts', 'layout_ex.py'), ['127.0.0.1', 'root', password, '--port', String(port), '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Read;
}

/** The shape of a JSON value: keys and primitive types, arrays by their first element. */
function shape(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  return typeof v;
}

const total = (l: Layout) => l.file.reduce((a, f) => a + f.size, 0);

test('layoutEx: the VM\'s files and disk chains, a snapshot\'s files with the sizes the Storage view counts; the simulator\'s fields and types', { skip: !HAVE_PYVMOMI && 'pyvmomi (python3-pyvmomi) is not installed' }, async (t) => {
  const link = lab!.link;
  const inv = await link.request<InventoryDto>('inventory.get', {});
  // A running VM: its disk has writes, so the snapshot's delta is not empty.
  const vm = inv.vms.find((v) => v.powerState === 'poweredOn' && v.disks.length > 0 && !v.isTemplate)!;
  assert.ok(vm, 'a running VM with a disk');
  const dsId = vm.disks[0].datastoreId;
  const provisioned = async () => (await link.request<InventoryDto>('inventory.get', {})).datastores.find((d) => d.id === dsId)!.provisionedBytes;

  const plain = await read(lab!.endpoint.port, lab!.endpoint.password!, ['--vm', vm.name]);
  const files = plain.before.file;
  assert.deepEqual(files.map((f) => f.type), ['config', 'snapshotList', 'nvram', ...vm.disks.flatMap(() => ['diskDescriptor', 'diskExtent'])]);
  assert.deepEqual(files.map((f) => f.key), files.map((_, i) => i));
  assert.equal(files[0].name, `[${inv.datastores.find((d) => d.id === dsId)!.name}] ${vm.name}/${vm.name}.vmx`);
  plain.disks.forEach((d, i) => {
    const [desc, extent] = [files[3 + 2 * i], files[4 + 2 * i]];
    assert.equal(desc.name, d.fileName, 'the descriptor is the disk\'s backing file');
    assert.equal(extent.name, d.fileName.replace(/\.vmdk$/, '-flat.vmdk'));
    assert.equal(extent.size, d.capacityInBytes, 'thick: the extent is the capacity');
    assert.deepEqual(plain.before.disk[i], { key: d.key, chain: [[desc.key, extent.key]] }, 'the disk layout is keyed by the device key');
  });
  assert.deepEqual(plain.before.snapshot, []);

  // A snapshot taken in the lab: its files, the chains through its deltas, and the sizes the Storage view counts.
  const provisionedBefore = await provisioned();
  const { taskId } = await link.request<{ taskId: string }>('vm.snapshot.create', { vmId: vm.id, name: 'layout', memory: false });
  for (let i = 0; i < 600; i++) {
    const task = await link.request<TaskDto>('task.get', { taskId });
    if (task.state === 'success') break;
    assert.notEqual(task.state, 'error', JSON.stringify(task.error));
    await new Promise((r) => setTimeout(r, 100));
  }
  const tree = await link.request<SnapshotTreeDto>('vm.snapshot.tree', { vmId: vm.id });
  const snap = tree.snapshots.find((s) => s.name === 'layout')!;
  const withSnap = (await read(lab!.endpoint.port, lab!.endpoint.password!, ['--vm', vm.name])).before;
  const added = withSnap.file.slice(files.length);
  assert.deepEqual(added.map((f) => f.type), ['snapshotData', ...vm.disks.flatMap(() => ['diskDescriptor', 'diskExtent'])]);
  assert.match(added[0].name, new RegExp(`/${vm.name}-Snapshot1\\.vmsn$`));
  assert.match(added[2].name, new RegExp(`/${vm.name}-000001-delta\\.vmdk$`));
  assert.deepEqual(added.filter((f) => f.type === 'diskExtent').map((f) => f.size), snap.diskDeltaBytes, 'each delta is the snapshot\'s own delta on that disk');
  assert.equal(total(withSnap) - total(plain.before), snap.sizeBytes);
  assert.equal(await provisioned() - provisionedBefore, snap.sizeBytes, 'the Storage view counts the same bytes');
  const chain = vm.disks.map((_, i) => [[3 + 2 * i, 4 + 2 * i], [added[1 + 2 * i].key, added[2 + 2 * i].key]]);
  assert.deepEqual(withSnap.disk.map((d) => d.chain), chain, 'the disk\'s chain: base, then the current snapshot\'s delta');
  assert.deepEqual(withSnap.snapshot, [{ key: snap.id, keyType: 'VirtualMachineSnapshot', dataKey: added[0].key, memoryKey: -1, disk: withSnap.disk }]);
  assert.equal(Date.parse(withSnap.timestamp) > Date.parse(plain.before.timestamp), true, 'the layout\'s time moved with the snapshot');
  await link.request('vm.snapshot.removeAll', { vmId: vm.id });

  if (!sim) { const why = `govmomi simulator half skipped: ${simSkip ?? 'not started'}`; console.log(`# ${why}`); t.skip(why); return; }
  const s = await read(sim.port, 'any', ['--snapshot']);
  assert.ok(s.with, 'the simulator took the snapshot');
  // The same fields with the same types (values differ: the simulator's files are its own).
  // uniqueSize is optional: the simulator omits it for its empty files; the lab gives it always (= size).
  const core = (f: FileInfo) => ({ ...f, uniqueSize: undefined });
  assert.deepEqual(shape(core(plain.before.file[0])), shape(core(s.before.file[0])));
  assert.ok(withSnap.file.every((f) => f.uniqueSize === f.size));
  assert.deepEqual(shape(withSnap.disk), shape(s.with.disk));
  assert.deepEqual(shape(withSnap.snapshot), shape(s.with.snapshot));
  assert.equal(s.with.snapshot[0].memoryKey, -1, 'no memory file: -1, as the lab reports it');
  const simTypes = new Set(s.with.file.map((f) => f.type));
  for (const type of ['config', 'nvram', 'diskDescriptor', 'diskExtent', 'snapshotData']) assert.ok(simTypes.has(type), `the simulator lists a ${type} file too`);
  assert.deepEqual(s.with.disk.map((d) => d.key), s.disks.map((d) => d.key), 'the simulator keys disk layouts by device key too');
});
