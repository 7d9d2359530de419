/**
 * libvirtXml — the XML documents libvirt hands out, read strictly into plain facts: a domain
 * (`virsh dumpxml`), a snapshot (`virsh snapshot-dumpxml`) and the host's capabilities
 * (`virsh capabilities`). Parsed with `xmlTree.ts` (no DTD, no entities); a document without what libvirt
 * always writes (a domain's name, UUID, memory, vCPUs, OS type) is an error naming the command.
 *
 * - `parseDomainXml(xml)` → `DomainXml`; `parseSnapshotXml(xml)` → `SnapshotXml`;
 *   `parseCapabilities(xml)` → `HostCpu`.
 * - `bytesOf(value, unit)` — libvirt's memory units (b, KB, k/KiB, MB, M/MiB, GB, G/GiB, TB, T/TiB).
 */
import type { XmlNode } from '../xmlTree';
import { attr, child, parseXmlTree, requiredAttr, requiredChild, requiredText, text, XmlError } from '../xmlTree';
import { VirshError } from './virshBatch';

const UNITS: Record<string, number> = {
  b: 1, bytes: 1, KB: 1e3, k: 1024, KiB: 1024, MB: 1e6, M: 1024 ** 2, MiB: 1024 ** 2, GB: 1e9, G: 1024 ** 3, GiB: 1024 ** 3,
  TB: 1e12, T: 1024 ** 4, TiB: 1024 ** 4,
};

export function bytesOf(value: string, unit: string | undefined, what: string): number {
  const factor = UNITS[unit ?? 'KiB'];
  if (factor === undefined) throw new VirshError(what, `unknown memory unit "${unit}"`);
  if (!/^\d+$/.test(value.trim())) throw new VirshError(what, `memory "${value}" is not a number`);
  return Number(value.trim()) * factor;
}

export interface DomainDisk {
  /** Guest device name (`vda`), as `domstats` names it in `block.N.name`. */
  target: string;
  bus: string;
  device: 'disk' | 'cdrom' | 'floppy' | 'lun';
  /** File, block device or volume the disk reads; '' for an empty CD-ROM. */
  source: string;
  format: string;
}

export interface DomainNic {
  mac: string;
  /** network, bridge, user, direct, … */
  type: string;
  /** The libvirt network or bridge it attaches to ('' for user-mode networking). */
  source: string;
  model: string;
  linkUp: boolean;
}

export interface DomainXml {
  name: string;
  uuid: string;
  /** `type` attribute of <domain>: kvm, qemu, xen, … */
  virtType: string;
  description: string;
  maxMemoryBytes: number;
  currentMemoryBytes: number;
  vcpus: number;
  maxVcpus: number;
  osType: string;
  arch: string;
  machine: string;
  /** libosinfo's OS id (`http://debian.org/debian/12`) when the domain was created with one. */
  osinfoId?: string;
  disks: DomainDisk[];
  nics: DomainNic[];
  /** A serial port or console of type pty: `virsh console` can attach. */
  hasSerialConsole: boolean;
  balloonModel: string;
}

const DOMXML = 'virsh dumpxml';

function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof XmlError) throw new VirshError(what, e.message.slice(what.length + 2));
    throw e;
  }
}

function intText(n: XmlNode, what: string, field: string): number {
  const t = n.text.trim();
  if (!/^\d+$/.test(t)) throw new VirshError(what, `<${field}> is not a number: "${t.slice(0, 40)}"`);
  return Number(t);
}

export function parseDomainXml(xml: string): DomainXml {
  return wrap(DOMXML, () => {
    const root = parseXmlTree(xml, DOMXML);
    if (root.name !== 'domain') throw new VirshError(DOMXML, `expected <domain>, got <${root.name}>`);
    return domainOf(root, DOMXML);
  });
}

function domainOf(root: XmlNode, what: string): DomainXml {
  const memory = requiredChild(root, 'memory', what);
  const current = child(root, 'currentMemory');
  const vcpu = requiredChild(root, 'vcpu', what);
  const os = requiredChild(root, 'os', what);
  const type = requiredChild(os, 'type', what);
  const devices = child(root, 'devices');
  const maxVcpus = intText(vcpu, what, 'vcpu');
  const vcpus = vcpu.attrs.current !== undefined ? Number(vcpu.attrs.current) : maxVcpus;
  if (!Number.isInteger(vcpus) || vcpus < 1) throw new VirshError(what, `<vcpu current="${vcpu.attrs.current}"> is not a count`);
  const metadata = child(root, 'metadata');
  const libosinfo = metadata ? child(metadata, 'libosinfo') : undefined;
  const osinfo = libosinfo ? child(libosinfo, 'os') : undefined;
  const disks: DomainDisk[] = [];
  const nics: DomainNic[] = [];
  let hasSerialConsole = false;
  let balloonModel = 'none';
  for (const d of devices?.children ?? []) {
    if (d.name === 'disk') {
      const device = (d.attrs.device ?? 'disk') as DomainDisk['device'];
      const source = child(d, 'source');
      const target = requiredChild(d, 'target', what);
      disks.push({
        target: requiredAttr(target, 'dev', what), bus: target.attrs.bus ?? '', device,
        source: source?.attrs.file ?? source?.attrs.dev ?? source?.attrs.volume ?? source?.attrs.name ?? '',
        format: attr(child(d, 'driver'), 'type') ?? '',
      });
    } else if (d.name === 'interface') {
      const source = child(d, 'source');
      nics.push({
        mac: attr(child(d, 'mac'), 'address') ?? '', type: d.attrs.type ?? '',
        source: source?.attrs.network ?? source?.attrs.bridge ?? source?.attrs.dev ?? '',
        model: attr(child(d, 'model'), 'type') ?? '', linkUp: attr(child(d, 'link'), 'state') !== 'down',
      });
    } else if ((d.name === 'serial' || d.name === 'console') && d.attrs.type === 'pty') {
      hasSerialConsole = true;
    } else if (d.name === 'memballoon') {
      balloonModel = d.attrs.model ?? 'none';
    }
  }
  const uuid = requiredText(root, 'uuid', what);
  return {
    name: requiredText(root, 'name', what), uuid, virtType: root.attrs.type ?? '',
    description: text(child(root, 'description')) ?? '',
    maxMemoryBytes: bytesOf(memory.text, memory.attrs.unit, what),
    currentMemoryBytes: current ? bytesOf(current.text, current.attrs.unit, what) : bytesOf(memory.text, memory.attrs.unit, what),
    vcpus, maxVcpus,
    osType: type.text.trim(), arch: type.attrs.arch ?? '', machine: type.attrs.machine ?? '',
    osinfoId: osinfo?.attrs.id, disks, nics, hasSerialConsole, balloonModel,
  };
}

export interface SnapshotXml {
  name: string;
  description: string;
  /** The domain's state when the snapshot was taken (running, shutoff, paused, disk-snapshot, …). */
  state: string;
  parent?: string;
  /** Seconds since the epoch. */
  creationTime: number;
  /** Memory captured: `internal` or `external`; `no` for a disk-only snapshot. */
  memory: 'internal' | 'external' | 'no';
  /** The domain's vCPUs and memory as the snapshot recorded them. */
  domain?: { vcpus: number; memoryBytes: number };
}

const SNAPXML = 'virsh snapshot-dumpxml';

export function parseSnapshotXml(xml: string): SnapshotXml {
  return wrap(SNAPXML, () => {
    const root = parseXmlTree(xml, SNAPXML);
    if (root.name !== 'domainsnapshot') throw new VirshError(SNAPXML, `expected <domainsnapshot>, got <${root.name}>`);
    const parent = child(root, 'parent');
    const memory = attr(child(root, 'memory'), 'snapshot') ?? 'no';
    if (memory !== 'internal' && memory !== 'external' && memory !== 'no') throw new VirshError(SNAPXML, `unknown memory snapshot kind "${memory}"`);
    const created = requiredText(root, 'creationTime', SNAPXML);
    if (!/^\d+$/.test(created)) throw new VirshError(SNAPXML, `creationTime "${created}" is not a number`);
    const dom = child(root, 'domain');
    let domain: SnapshotXml['domain'];
    if (dom) {
      const d = domainOf(dom, SNAPXML);
      domain = { vcpus: d.vcpus, memoryBytes: d.maxMemoryBytes };
    }
    return {
      name: requiredText(root, 'name', SNAPXML), description: text(child(root, 'description')) ?? '',
      state: text(child(root, 'state')) ?? '', parent: parent ? requiredText(parent, 'name', SNAPXML) : undefined,
      creationTime: Number(created), memory, domain,
    };
  });
}

export interface HostCpu {
  arch: string;
  vendor: string;
  /** libvirt's closest CPU model name (e.g. `Skylake-Server-IBRS`), not the marketing name. */
  model: string;
  sockets: number;
  cores: number;
  threads: number;
  /** Host UUID as libvirt reports it. */
  uuid: string;
}

const CAPXML = 'virsh capabilities';

export function parseCapabilities(xml: string): HostCpu {
  return wrap(CAPXML, () => {
    const root = parseXmlTree(xml, CAPXML);
    if (root.name !== 'capabilities') throw new VirshError(CAPXML, `expected <capabilities>, got <${root.name}>`);
    const host = requiredChild(root, 'host', CAPXML);
    const cpu = requiredChild(host, 'cpu', CAPXML);
    const topo = child(cpu, 'topology');
    const n = (v: string | undefined, f: string) => {
      if (v === undefined) return 1;
      if (!/^\d+$/.test(v)) throw new VirshError(CAPXML, `topology ${f}="${v}" is not a number`);
      return Number(v);
    };
    return {
      arch: requiredText(cpu, 'arch', CAPXML), vendor: text(child(cpu, 'vendor')) ?? '', model: text(child(cpu, 'model')) ?? '',
      sockets: n(topo?.attrs.sockets, 'sockets'), cores: n(topo?.attrs.cores, 'cores'), threads: n(topo?.attrs.threads, 'threads'),
      uuid: text(child(host, 'uuid')) ?? '',
    };
  });
}

