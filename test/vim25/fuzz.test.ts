// Security: 10,000 fuzzed SOAP requests (malformed XML, wrong types, unknown methods, huge and deep
// bodies, entity attacks) each get a well-formed SOAP answer — a fault for everything invalid — with no
// crash, no unexpected exception (SystemError) and no change to the lab. Seeded, so a failure repeats:
// HVLAB_VIM25_FUZZ_COUNT=N requests from HVLAB_VIM25_FUZZ_SEED=S (default 10,000 from 1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LabPeer } from './helpers/peers';
import { envelope, https, login, startLab, faultType } from './helpers/peers';
import { parseXml } from '../../src-main/node/vim25/xmlParser';
import { MAX_BODY_BYTES } from '../../src-main/node/vim25/httpsServer';

const COUNT = Number(process.env.HVLAB_VIM25_FUZZ_COUNT ?? 10_000);
const SEED = Number(process.env.HVLAB_VIM25_FUZZ_SEED ?? 1);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Requests that change the lab name objects that do not exist (vm-77, host-77, snapshot-77, task-77),
// so however they are mutated they can only fail; read-only requests use real objects.
const TEMPLATES: [string, string, string, string][] = [
  ['PowerOnVM_Task', 'VirtualMachine', 'vm-77', ''],
  ['PowerOffVM_Task', 'VirtualMachine', 'vm-77', ''],
  ['Destroy_Task', 'VirtualMachine', 'vm-77', ''],
  ['CreateSnapshot_Task', 'VirtualMachine', 'vm-77', '<name>s</name><memory>false</memory><quiesce>false</quiesce>'],
  ['RevertToSnapshot_Task', 'VirtualMachineSnapshot', 'snapshot-77', ''],
  ['ReconfigVM_Task', 'VirtualMachine', 'vm-77', '<spec><numCPUs>2</numCPUs><memoryMB>128</memoryMB></spec>'],
  ['Rename_Task', 'VirtualMachine', 'vm-77', '<newName>x</newName>'],
  ['CloneVM_Task', 'VirtualMachine', 'vm-77', '<folder type="Folder">group-v1</folder><name>c</name><spec><location/><template>false</template><powerOn>false</powerOn></spec>'],
  ['CreateVM_Task', 'Folder', 'group-v77', '<config><name>n</name><numCPUs>1</numCPUs><memoryMB>64</memoryMB></config><pool type="ResourcePool">resgroup-c1</pool>'],
  ['EnterMaintenanceMode_Task', 'HostSystem', 'host-77', '<timeout>0</timeout>'],
  ['CreateResourcePool', 'ResourcePool', 'resgroup-c77', '<name>p</name><spec><cpuAllocation><reservation>0</reservation><limit>-1</limit><shares><shares>0</shares><level>high</level></shares></cpuAllocation></spec>'],
  ['MoveIntoResourcePool', 'ResourcePool', 'resgroup-77', '<list type="VirtualMachine">vm-1</list>'],
  ['Destroy_Task', 'ResourcePool', 'resgroup-77', ''],
  ['CancelTask', 'Task', 'task-77', ''],
  ['RetrieveProperties', 'PropertyCollector', 'propertyCollector', '<specSet><propSet><type>VirtualMachine</type><pathSet>summary.config.numCpu</pathSet></propSet><objectSet><obj type="VirtualMachine">vm-1</obj></objectSet></specSet>'],
  ['RetrievePropertiesEx', 'PropertyCollector', 'propertyCollector', '<specSet><propSet><type>ManagedEntity</type><all>true</all></propSet><objectSet><obj type="Folder">group-d1</obj><selectSet xsi:type="TraversalSpec"><name>t</name><type>Folder</type><path>childEntity</path><selectSet><name>t</name></selectSet></selectSet></objectSet></specSet><options><maxObjects>2</maxObjects></options>'],
  ['QueryPerf', 'PerformanceManager', 'PerfMgr', '<querySpec><entity type="HostSystem">host-1</entity><maxSample>2</maxSample><metricId><counterId>1</counterId><instance></instance></metricId><intervalId>20</intervalId><format>csv</format></querySpec>'],
  ['QueryEvents', 'EventManager', 'EventManager', '<filter><maxCount>3</maxCount></filter>'],
  ['CreateContainerView', 'ViewManager', 'ViewManager', '<container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive>'],
  // CheckForUpdates never waits (a mutated WaitForUpdatesEx could legitimately wait its full timeout).
  ['CheckForUpdates', 'PropertyCollector', 'propertyCollector', '<version>9</version>'],
  ['Login', 'SessionManager', 'SessionManager', '<userName>root</userName><password>not-it</password>'],
];

const JUNK = ['<', '>', '&', '&amp;', '&bogus;', '"', "'", '<!--', ']]>', '<![CDATA[', '\u0000', '\uFFFF', '\uD800', 'xsi:type="Nope"', '<x>', '</x>', '&#0;', '&#x110000;', '<?pi?>', '=', ' ', '9'.repeat(30)];

function mutate(r: () => number, s: string): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  switch (Math.floor(r() * 6)) {
    case 0: return s.slice(0, Math.floor(r() * s.length));
    case 1: { const i = Math.floor(r() * s.length); return s.slice(0, i) + pick(JUNK) + s.slice(i); }
    case 2: { const i = Math.floor(r() * s.length); return s.slice(0, i) + String.fromCharCode(32 + Math.floor(r() * 95)) + s.slice(i + 1); }
    case 3: return s.replace(/<(\w+)>([^<]*)<\/\1>/, (_m, tag: string) => `<${tag}>${pick(['-1', 'NaN', '1e999', 'true', '', 'vm-1', '<a/>', 'x'.repeat(70_000)])}</${tag}>`);
    case 4: return s.replace(/type="\w+"/, `type="${pick(['Folder', 'HostSystem', 'Nope', '', 'VirtualMachine', 'Task'])}"`);
    default: return s.replace(/<_this[^>]*>[^<]*<\/_this>/, pick(['', '<_this>x</_this>', '<_this type="VirtualMachine"></_this>', '<_this type="X">y</_this><_this type="X">y</_this>']));
  }
}

function generate(r: () => number, i: number): string {
  const t = TEMPLATES[Math.floor(r() * TEMPLATES.length)];
  switch (i % 10) {
    case 0: return `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'a'.repeat(10)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${envelope(t[0], t[1], t[2], '<userName>&b;</userName>')}`;
    case 1: return `<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]>${envelope(t[0], t[1], t[2], t[3])}`;
    case 2: { const d = 60 + Math.floor(r() * 2000); return envelope(t[0], t[1], t[2], '<specSet>'.repeat(d) + '</specSet>'.repeat(d)); }
    case 3: return envelope(`No_Such_Method_${Math.floor(r() * 1e6)}`, t[1], t[2], t[3]);
    case 4: return envelope(t[0], t[1], t[2], `<junk xsi:type="Unknown">${'<e/>'.repeat(Math.floor(r() * 5000))}</junk>`);
    default: {
      let s = envelope(t[0], t[1], t[2], t[3]);
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) s = mutate(r, s);
      return s;
    }
  }
}

let lab: LabPeer;
// Failed logins cost at most 2 ms here (the growing delay is tested in endpoint.test.ts).
before(async () => { lab = await startLab({ paused: true, failedLoginDelayMs: 1, maxFailedLoginDelayMs: 2 }); });
after(async () => { await lab.close(); });

async function labState(): Promise<string> {
  const inv = await lab.link.request('inventory.get', {});
  const tasks = await lab.link.request<unknown[]>('tasks.list', { limit: 1000 });
  const events = await lab.link.request<unknown[]>('events.list', { limit: 5000 });
  return JSON.stringify({ inv, tasks, events });
}

test(`${COUNT} fuzzed SOAP requests: every answer a SOAP envelope, every invalid one a fault, no crash, no change`, async () => {
  const before = await labState();
  const cookie = await login(lab.endpoint.port, 'root', 'lab-password');
  const r = rng(SEED);
  const counts = new Map<string, number>();
  for (let i = 0; i < COUNT; i++) {
    const body = generate(r, i);
    const reply = await lab.endpoint.service.handle(body, { cookie: i % 7 === 0 ? undefined : cookie, ip: '127.0.0.1', userAgent: 'fuzz' });
    let root;
    try { root = parseXml(reply.body); } catch (e) { assert.fail(`request ${i}: the answer is not XML (${String(e)}): ${body.slice(0, 200)}`); }
    assert.equal(root.name, 'Envelope', `request ${i}`);
    const ft = reply.status === 200 ? 'ok' : faultType(reply.body);
    assert.ok(ft, `request ${i}: status ${reply.status} without a typed fault`);
    assert.notEqual(ft, 'SystemError', `request ${i} hit an unexpected exception: ${body.slice(0, 300)}`);
    counts.set(ft!, (counts.get(ft!) ?? 0) + 1);
  }
  console.log(`# fuzz answers: ${JSON.stringify(Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])))}`);
  assert.ok((counts.get('InvalidRequest') ?? 0) > COUNT / 4, 'most requests are refused as malformed');
  for (const t of ['ManagedObjectNotFound', 'MethodNotFound', 'NotAuthenticated', 'InvalidLogin']) assert.ok(counts.has(t), `some ${t}`);
  assert.equal(await labState(), before, 'the lab did not change');
});

test('over the wire: bodies past the limit get 413 with a fault; deep and entity-laden bodies a fault; the server lives on', async () => {
  const port = lab.endpoint.port;
  const huge = await https(port, { body: Buffer.alloc(MAX_BODY_BYTES + 1024, 0x41) });
  assert.equal(huge.status, 413);
  assert.equal(faultType(huge.body), 'InvalidRequest');
  const chunked = await https(port, { body: Buffer.alloc(MAX_BODY_BYTES + 1024, 0x41), headers: { 'Transfer-Encoding': 'chunked' } }).catch(() => ({ status: 413, body: '' }));
  assert.equal(chunked.status, 413);
  const deep = await https(port, { body: envelope('RetrieveProperties', 'PropertyCollector', 'propertyCollector', '<a>'.repeat(100_000) + '</a>'.repeat(100_000)) });
  assert.equal(faultType(deep.body), 'InvalidRequest');
  const laughs = await https(port, { body: generate(rng(2), 0) });
  assert.equal(faultType(laughs.body), 'InvalidRequest');
  assert.match(laughs.body, /DOCTYPE/);
  const alive = await https(port, { method: 'GET', path: '/sdk/vimServiceVersions.xml' });
  assert.equal(alive.status, 200);
});

test('the endpoint listens on 127.0.0.1 only', async () => {
  const { networkInterfaces } = await import('node:os');
  const { connect } = await import('node:net');
  const others = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
  for (const address of others) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ host: address, port: lab.endpoint.port, timeout: 2000 });
      s.once('connect', () => { s.destroy(); resolve(false); });
      s.once('error', () => resolve(true));
      s.once('timeout', () => { s.destroy(); resolve(true); });
    });
    assert.ok(refused, `not reachable on ${address}`);
  }
});
