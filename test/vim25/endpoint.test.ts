// The vim25 endpoint over HTTPS with raw SOAP: the version handshake, sessions (login, cookie, expiry,
// failed logins slowed down), faults with their detail, the PropertyCollector (paths, traversal, paging,
// container views, InvalidProperty), WaitForUpdatesEx versions, and operations reaching the lab with
// the API user as initiator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskDto } from '../../src-shared/model/task';
import type { InventoryDto } from '../../src-shared/model/inventory';
import type { LabPeer } from './helpers/peers';
import { envelope, faultType, https, login, startLab } from './helpers/peers';

let lab: LabPeer;
let port: number;
before(async () => {
  lab = await startLab({ paused: true, sessionIdleMs: 1500, failedLoginDelayMs: 80 });
  port = lab.endpoint.port;
});
after(async () => { await lab.close(); });

const call = (method: string, type: string, id: string, inner = '', cookie?: string) => https(port, { body: envelope(method, type, id, inner), cookie });

test('the version handshake and WSDL probe answer without a session', async () => {
  const v = await https(port, { method: 'GET', path: '/sdk/vimServiceVersions.xml' });
  assert.equal(v.status, 200);
  assert.match(v.body, /<namespaces version="1.0">/);
  assert.match(v.body, /<name>urn:vim25<\/name>\s*<version>6\.7<\/version>/);
  const w = await https(port, { method: 'GET', path: '/sdk/vimService.wsdl' });
  assert.match(w.body, /<import location="vim.wsdl" namespace="urn:vim25"\/>/);
  assert.equal((await https(port, { method: 'GET', path: '/sdk' })).status, 405);
  assert.equal((await https(port, { method: 'GET', path: '/elsewhere' })).status, 404);
});

test('RetrieveServiceContent needs no session and says it is Hypervisor Lab', async () => {
  const r = await call('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance');
  assert.equal(r.status, 200);
  assert.match(r.body, /<rootFolder type="Folder">group-d1<\/rootFolder>/);
  assert.match(r.body, /<name>Hypervisor Lab<\/name>/);
  assert.match(r.body, /<apiType>VirtualCenter<\/apiType>/);
});

test('every other method needs a session: NotAuthenticated with its detail', async () => {
  const r = await call('RetrieveProperties', 'PropertyCollector', 'propertyCollector', '<specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet><objectSet><obj type="Folder">group-d1</obj></objectSet></specSet>');
  assert.equal(r.status, 500);
  assert.equal(faultType(r.body), 'NotAuthenticated');
  assert.match(r.body, /<faultcode>ServerFaultCode<\/faultcode>/);
  assert.match(r.body, /<object type="PropertyCollector">propertyCollector<\/object><privilegeId>System.View<\/privilegeId>/);
});

test('a wrong password is InvalidLogin, slowed down more with each failure; the right one sets the cookie', async () => {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const r = await call('Login', 'SessionManager', 'SessionManager', '<userName>root</userName><password>wrong</password>');
    times.push(Date.now() - t0);
    assert.equal(faultType(r.body), 'InvalidLogin');
    assert.ok(!r.body.includes('wrong'), 'the password is not echoed');
  }
  assert.ok(times[0] >= 75 && times[1] >= 155 && times[2] >= 315, `delays double: ${times.join(', ')} ms`);
  const cookie = await login(port);
  assert.match(cookie, /^vmware_soap_session="[0-9a-f-]{36}"$/);
  const r = await call('SessionIsActive', 'SessionManager', 'SessionManager', `<sessionID>${cookie.split('"')[1]}</sessionID><userName>root</userName>`, cookie);
  assert.match(r.body, /<returnval>true<\/returnval>/);
});

test('a session expires when idle, and Logout ends it', async () => {
  const cookie = await login(port);
  const ok = await call('CurrentTime', 'ServiceInstance', 'ServiceInstance', '', cookie);
  assert.equal(ok.status, 200);
  const pc = () => call('RetrieveProperties', 'PropertyCollector', 'propertyCollector', '<specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet><objectSet><obj type="Folder">group-d1</obj></objectSet></specSet>', cookie);
  assert.equal((await pc()).status, 200);
  await new Promise((r) => setTimeout(r, 1700));
  assert.equal(faultType((await pc()).body), 'NotAuthenticated');
  const c2 = await login(port);
  await call('Logout', 'SessionManager', 'SessionManager', '', c2);
  assert.equal(faultType((await call('RetrieveProperties', 'PropertyCollector', 'propertyCollector', '<specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet><objectSet><obj type="Folder">group-d1</obj></objectSet></specSet>', c2)).body), 'NotAuthenticated');
});

const TRAVERSE_ALL = `<objectSet><obj type="Folder">group-d1</obj><skip>false</skip>
  <selectSet xsi:type="TraversalSpec"><name>folderTraversal</name><type>Folder</type><path>childEntity</path><skip>false</skip>
    <selectSet><name>folderTraversal</name></selectSet><selectSet><name>dcToVm</name></selectSet><selectSet><name>dcToHost</name></selectSet><selectSet><name>crToHost</name></selectSet></selectSet>
  <selectSet xsi:type="TraversalSpec"><name>dcToVm</name><type>Datacenter</type><path>vmFolder</path><skip>false</skip><selectSet><name>folderTraversal</name></selectSet></selectSet>
  <selectSet xsi:type="TraversalSpec"><name>dcToHost</name><type>Datacenter</type><path>hostFolder</path><skip>false</skip><selectSet><name>folderTraversal</name></selectSet></selectSet>
  <selectSet xsi:type="TraversalSpec"><name>crToHost</name><type>ComputeResource</type><path>host</path><skip>false</skip></selectSet>
</objectSet>`;

test('TraversalSpec recursion reaches every entity; a ManagedEntity PropertySpec applies to subtypes', async () => {
  const cookie = await login(port);
  const r = await call('RetrieveProperties', 'PropertyCollector', 'propertyCollector', `<specSet><propSet><type>ManagedEntity</type><pathSet>name</pathSet></propSet>${TRAVERSE_ALL}</specSet>`, cookie);
  assert.equal(r.status, 200, r.body.slice(0, 500));
  const inv = await lab.link.request<InventoryDto>('inventory.get', {});
  for (const e of [...inv.datacenters, ...inv.clusters, ...inv.hosts, ...inv.vms]) {
    assert.ok(r.body.includes(`>${e.id}</obj>`), `${e.id} reached`);
    assert.ok(r.body.includes(`<val xsi:type="xsd:string">${e.name}</val>`), `${e.name} read`);
  }
  // Each object once, even though folders are reached by several routes.
  assert.equal(r.body.split('>vm-1</obj>').length, 2);
});

test('dotted paths, xsi:type on polymorphic values, and InvalidProperty for unknown properties', async () => {
  const cookie = await login(port);
  const r = await call('RetrieveProperties', 'PropertyCollector', 'propertyCollector',
    '<specSet><propSet><type>VirtualMachine</type><pathSet>summary.config.numCpu</pathSet><pathSet>config.hardware.device</pathSet><pathSet>runtime.powerState</pathSet></propSet><objectSet><obj type="VirtualMachine">vm-1</obj></objectSet></specSet>', cookie);
  assert.match(r.body, /<name>summary.config.numCpu<\/name><val xsi:type="xsd:int">1<\/val>/);
  assert.match(r.body, /<val xsi:type="ArrayOfVirtualDevice"><VirtualDevice xsi:type="VirtualPCIController">/);
  assert.match(r.body, /<VirtualDevice xsi:type="VirtualDisk">/);
  assert.match(r.body, /<name>runtime.powerState<\/name><val xsi:type="VirtualMachinePowerState">poweredOff<\/val>/);
  const bad = await call('RetrieveProperties', 'PropertyCollector', 'propertyCollector',
    '<specSet><propSet><type>VirtualMachine</type><pathSet>noSuchProperty</pathSet></propSet><objectSet><obj type="VirtualMachine">vm-1</obj></objectSet></specSet>', cookie);
  assert.equal(faultType(bad.body), 'InvalidProperty');
  const gone = await call('RetrieveProperties', 'PropertyCollector', 'propertyCollector',
    '<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet><objectSet><obj type="VirtualMachine">vm-999</obj></objectSet></specSet>', cookie);
  assert.equal(faultType(gone.body), 'ManagedObjectNotFound');
  assert.match(gone.body, /<obj type="VirtualMachine">vm-999<\/obj>/);
});

test('container views and RetrievePropertiesEx paging with ContinueRetrievePropertiesEx', async () => {
  const cookie = await login(port);
  const v = await call('CreateContainerView', 'ViewManager', 'ViewManager', '<container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive>', cookie);
  const viewId = /<returnval type="ContainerView">([^<]+)<\/returnval>/.exec(v.body)![1];
  const spec = `<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet><objectSet><obj type="ContainerView">${viewId}</obj><skip>true</skip>`
    + '<selectSet xsi:type="TraversalSpec"><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet>';
  const first = await call('RetrievePropertiesEx', 'PropertyCollector', 'propertyCollector', `${spec}<options><maxObjects>4</maxObjects></options>`, cookie);
  const token = /<token>([^<]+)<\/token>/.exec(first.body)?.[1];
  assert.ok(token, first.body.slice(0, 400));
  assert.equal(first.body.split('<objects').length - 1, 4);
  const rest = await call('ContinueRetrievePropertiesEx', 'PropertyCollector', 'propertyCollector', `<token>${token}</token>`, cookie);
  assert.equal(rest.body.split('<objects').length - 1, 2, 'six VMs in lab-small');
  assert.ok(!rest.body.includes('<token>'));
  const other = await login(port);
  const foreign = await call('ContinueRetrievePropertiesEx', 'PropertyCollector', 'propertyCollector', `<token>${token}</token>`, other);
  assert.equal(faultType(foreign.body), 'InvalidArgument', 'tokens belong to their session');
  assert.equal((await call('DestroyView', 'ContainerView', viewId, '', other)).status, 500, 'views belong to their session');
  assert.equal((await call('DestroyView', 'ContainerView', viewId, '', cookie)).status, 200);
});

test('an operation runs as the lab\'s task with the API user as initiator; a wrong power state is InvalidPowerState', async () => {
  const cookie = await login(port);
  const r = await call('PowerOnVM_Task', 'VirtualMachine', 'vm-1', '', cookie);
  const taskId = /<returnval type="Task">(task-\d+)<\/returnval>/.exec(r.body)?.[1];
  assert.ok(taskId, r.body.slice(0, 400));
  const tasks = await lab.link.request<TaskDto[]>('tasks.list', {});
  const t = tasks.find((x) => x.id === taskId)!;
  assert.equal(t.operation, 'vm.powerOn');
  assert.equal(t.initiator, 'root');
  const info = await call('RetrieveProperties', 'PropertyCollector', 'propertyCollector',
    `<specSet><propSet><type>Task</type><pathSet>info</pathSet></propSet><objectSet><obj type="Task">${taskId}</obj></objectSet></specSet>`, cookie);
  assert.match(info.body, /<entity type="VirtualMachine">vm-1<\/entity>/);
  assert.match(info.body, /<reason xsi:type="TaskReasonUser"><userName>root<\/userName><\/reason>/);
  await lab.link.request('sim.step', { seconds: 3 });
  const bad = await call('SuspendVM_Task', 'VirtualMachine', 'vm-4', '', await login(port));
  const inv = await lab.link.request<InventoryDto>('inventory.get', {});
  if (inv.vms.find((v) => v.id === 'vm-4')!.powerState === 'poweredOff') {
    assert.equal(faultType(bad.body), 'InvalidPowerState');
    assert.match(bad.body, /<existingState>poweredOff<\/existingState>/);
  }
  const again = await login(port);
  const migrate = await call('MigrateVM_Task', 'VirtualMachine', 'vm-1', '<priority>defaultPriority</priority>', again);
  assert.equal(faultType(migrate.body), 'NotSupported', 'no host named: the lab has no DRS to choose one');
  assert.match(migrate.body, /no DRS/);
  const relocate = await call('RelocateVM_Task', 'VirtualMachine', 'vm-1', '<spec><datastore type="Datastore">datastore-1</datastore></spec>', again);
  assert.equal(faultType(relocate.body), 'NotSupported', 'storage moves are not in the lab');
  const badPriority = await call('MigrateVM_Task', 'VirtualMachine', 'vm-1', '<host type="HostSystem">host-2</host><priority>urgent</priority>', again);
  assert.equal(faultType(badPriority.body), 'InvalidArgument');
  const unknown = await call('FormatDisk_Task', 'VirtualMachine', 'vm-1', '', again);
  assert.equal(faultType(unknown.body), 'MethodNotFound');
});

test('WaitForUpdatesEx: a first full report, then only what changed, then nothing until a change', async () => {
  const cookie = await login(port);
  const f = await call('CreateFilter', 'PropertyCollector', 'propertyCollector',
    '<spec><propSet><type>VirtualMachine</type><pathSet>runtime.powerState</pathSet><pathSet>name</pathSet></propSet><objectSet><obj type="VirtualMachine">vm-2</obj></objectSet></spec><partialUpdates>false</partialUpdates>', cookie);
  assert.equal(f.status, 200, f.body);
  const w1 = await call('WaitForUpdatesEx', 'PropertyCollector', 'propertyCollector', '<version></version><options><maxWaitSeconds>0</maxWaitSeconds></options>', cookie);
  assert.match(w1.body, /<version>1<\/version>/);
  assert.match(w1.body, /<kind>enter<\/kind><obj type="VirtualMachine">vm-2<\/obj>/);
  const w2 = await call('WaitForUpdatesEx', 'PropertyCollector', 'propertyCollector', '<version>1</version><options><maxWaitSeconds>0</maxWaitSeconds></options>', cookie);
  assert.match(w2.body, /<WaitForUpdatesExResponse xmlns="urn:vim25"><\/WaitForUpdatesExResponse>/, 'nothing changed');
  const waiting = call('WaitForUpdatesEx', 'PropertyCollector', 'propertyCollector', '<version>1</version><options><maxWaitSeconds>20</maxWaitSeconds></options>', cookie);
  // A change made in the lab (not through this API) reaches the waiting client.
  await lab.link.request('vm.rename', { vmId: 'vm-2', name: 'renamed-in-the-lab' });
  const w3 = await waiting;
  assert.match(w3.body, /<version>2<\/version>/);
  assert.match(w3.body, /<kind>modify<\/kind>/);
  assert.match(w3.body, /<name>name<\/name><op>assign<\/op><val xsi:type="xsd:string">renamed-in-the-lab<\/val>/);
  assert.ok(!w3.body.includes('runtime.powerState'), 'only the changed path');
  const stale = await call('WaitForUpdatesEx', 'PropertyCollector', 'propertyCollector', '<version>1</version><options><maxWaitSeconds>0</maxWaitSeconds></options>', cookie);
  assert.equal(faultType(stale.body), 'InvalidCollectorVersion');
});

test('the password and key live in the data folder (mode 0600); the password is random unless set', async () => {
  const { ensurePassword } = await import('../../src-main/node/vim25/certificate');
  const a = ensurePassword(lab.dataDir, '');
  const b = ensurePassword(lab.dataDir, '');
  assert.equal(a, b, 'kept per install');
  assert.ok(a.length >= 16);
  assert.equal(ensurePassword(lab.dataDir, 'from-env'), 'from-env');
  // A generated password goes on command lines (the SDK examples take `host user password`): letters and
  // digits only, so none starts with `-` (base64url's did, one in 64, and argparse read it as an option).
  const { randomPassword } = await import('../../src-main/node/vim25/sessionManager');
  const many = Array.from({ length: 2000 }, () => randomPassword());
  for (const p of many) assert.match(p, /^[A-Za-z0-9]{17}$/);
  assert.equal(new Set(many).size, many.length, 'no two alike');
  const firsts = new Set(many.map((p) => p[0]));
  assert.ok(firsts.size > 55, `every letter and digit can come first: ${firsts.size} seen`);
  const { statSync } = await import('node:fs');
  assert.equal(statSync(join(lab.dataDir, 'vim25-key.pem')).mode & 0o777, 0o600);
  assert.match(readFileSync(join(lab.dataDir, 'vim25-cert.pem'), 'utf8'), /BEGIN CERTIFICATE/);
});

test('SearchIndex finds objects by inventory path, child name and uuid; nothing found is an empty answer', async () => {
  // vm-3: the one VM no other test here renames or powers.
  const cookie = await login(port);
  const byPath = await call('FindByInventoryPath', 'SearchIndex', 'SearchIndex', '<inventoryPath>DC0/vm/DC0_C0_H0_VM2</inventoryPath>', cookie);
  assert.match(byPath.body, /<returnval type="VirtualMachine">vm-3<\/returnval>/);
  const child = await call('FindChild', 'SearchIndex', 'SearchIndex', '<entity type="Folder">group-d1</entity><name>DC0</name>', cookie);
  assert.match(child.body, /<returnval type="Datacenter">datacenter-1<\/returnval>/);
  const none = await call('FindByInventoryPath', 'SearchIndex', 'SearchIndex', '<inventoryPath>DC0/vm/nobody</inventoryPath>', cookie);
  assert.match(none.body, /<FindByInventoryPathResponse xmlns="urn:vim25"><\/FindByInventoryPathResponse>/);
  const uuid = await call('FindByUuid', 'SearchIndex', 'SearchIndex', '<uuid>42010000-0000-4000-8000-000000000003</uuid><vmSearch>true</vmSearch>', cookie);
  assert.match(uuid.body, /<returnval type="VirtualMachine">vm-3<\/returnval>/);
});
